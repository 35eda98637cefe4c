"""Manifests for ``apply_manifest``: their documents, and which resource each document is (without I/O)."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Union

from . import kinds
from ._request import Call
from .models import KubeObject
from .resource import ResourceType


def documents(manifest: Union[str, Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """The objects of a YAML/JSON manifest (``kind: List`` unpacked), or the one mapping given."""
    if not isinstance(manifest, str):
        return [dict(manifest)]
    import yaml

    docs: List[Dict[str, Any]] = []
    for doc in yaml.safe_load_all(manifest):
        if isinstance(doc, dict) and doc.get("kind") == "List":
            docs.extend(d for d in doc.get("items") or [] if isinstance(d, dict))
        elif isinstance(doc, dict):
            docs.append(doc)
    return docs


def known_type(doc: Mapping[str, Any]) -> Optional[ResourceType[KubeObject]]:
    """The built-in resource of ``doc``, or None when discovery has to say (custom resources)."""
    known = kinds.BY_KIND.get(str(doc.get("kind", "")))
    if known is not None and known.api_version == str(doc.get("apiVersion", "")):
        return known
    return None


def discovery(doc: Mapping[str, Any]) -> Call[ResourceType[KubeObject]]:
    """Asks the server's discovery document of ``doc``'s apiVersion which resource serves its kind."""
    kind = str(doc.get("kind", ""))
    api_version = str(doc.get("apiVersion", ""))
    path = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"

    def resource_for(listing: Any) -> ResourceType[KubeObject]:
        for res in (listing or {}).get("resources") or []:
            if res.get("kind") == kind and "/" not in str(res.get("name")):
                group, _, version = api_version.rpartition("/")
                return ResourceType(group, version, str(res["name"]), bool(res.get("namespaced")), KubeObject, kind)
        raise ValueError(f"the server has no kind {kind!r} in {api_version!r}")

    return Call("GET", path, resource_for)
