"""What a resource is (group, version, plural, scope, model) and the request pieces sync and async share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Generic, List, Mapping, Optional, Tuple, Type, TypeVar, Union

from pydantic import BaseModel

from ._gc import paused_gc
from .lists import ObjectList
from .models import KubeObject, build

T = TypeVar("T", bound=KubeObject)
Body = Union[BaseModel, Mapping[str, Any]]

PATCH_TYPES = {
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",
}


@dataclass(frozen=True)
class ResourceType(Generic[T]):
    """A resource by group/version/plural (``group=""`` is the core API)."""

    group: str
    version: str
    plural: str
    namespaced: bool
    model: Type[T]
    kind: str = ""

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: Optional[str], name: Optional[str] = None, sub: Optional[str] = None) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{namespace}"
        base += f"/{self.plural}"
        if name:
            base += f"/{name}"
        if sub:
            base += f"/{sub}"
        return base

    def to_object(self, data: Any) -> T:
        return build(self.model, data)

    def to_list(self, data: Any) -> ObjectList[T]:
        meta = data.get("metadata") or {}
        with paused_gc():
            items = [build(self.model, item) for item in data.get("items") or []]
        return ObjectList(items, meta.get("resourceVersion"), str(data.get("kind", "")))


def body_of(obj: Body) -> Dict[str, Any]:
    if isinstance(obj, BaseModel):
        return obj.dict(exclude_none=True)
    return dict(obj)


def namespace_of(rtype: ResourceType[Any], body: Mapping[str, Any], namespace: Optional[str], default: str) -> Optional[str]:
    if not rtype.namespaced:
        return None
    meta = body.get("metadata") or {}
    return namespace or meta.get("namespace") or default


def name_of(body: Mapping[str, Any]) -> str:
    name = (body.get("metadata") or {}).get("name")
    if not name:
        raise ValueError("the object has no metadata.name")
    return str(name)


def selector(value: Union[None, str, Mapping[str, str]]) -> Optional[str]:
    """``{"app": "web"}`` → ``"app=web"``; strings pass through."""
    if value is None or isinstance(value, str):
        return value
    return ",".join(f"{k}={v}" for k, v in value.items())


def list_params(
    label_selector: Union[None, str, Mapping[str, str]],
    field_selector: Union[None, str, Mapping[str, str]],
    limit: Optional[int],
    cont: Optional[str] = None,
) -> Dict[str, str]:
    params: Dict[str, str] = {}
    labels = selector(label_selector)
    fields = selector(field_selector)
    if labels:
        params["labelSelector"] = labels
    if fields:
        params["fieldSelector"] = fields
    if limit:
        params["limit"] = str(limit)
    if cont:
        params["continue"] = cont
    return params


def patch_request(
    patch: Union[Body, List[Any], str], patch_type: str, field_manager: Optional[str], force: bool
) -> Tuple[bytes, Dict[str, str], Dict[str, str]]:
    """Body bytes, headers and query parameters of a PATCH."""
    if patch_type not in PATCH_TYPES:
        raise ValueError(f"patch_type must be one of {', '.join(PATCH_TYPES)}")
    if isinstance(patch, str):
        content = patch.encode()
    elif isinstance(patch, list):
        content = json.dumps(patch).encode()
    else:
        content = json.dumps(body_of(patch)).encode()
    params: Dict[str, str] = {}
    if field_manager:
        params["fieldManager"] = field_manager
    if force:
        params["force"] = "true"
    return content, {"Content-Type": PATCH_TYPES[patch_type]}, params


def delete_params(
    grace_period_seconds: Optional[int], propagation_policy: Optional[str], dry_run: bool
) -> Dict[str, str]:
    params: Dict[str, str] = {}
    if grace_period_seconds is not None:
        params["gracePeriodSeconds"] = str(grace_period_seconds)
    if propagation_policy:
        params["propagationPolicy"] = propagation_policy
    if dry_run:
        params["dryRun"] = "All"
    return params


def next_continue(data: Mapping[str, Any]) -> Optional[str]:
    token = (data.get("metadata") or {}).get("continue")
    return str(token) if token else None
