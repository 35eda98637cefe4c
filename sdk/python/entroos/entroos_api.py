"""Paths and result parsing of the EntroOS endpoints (``/apis/entroos.io/v1/...``), shared by both clients:
each endpoint is a function returning the :class:`~entroos._request.Call` that the sync and async
``Scheduler``/``Proofs``/``History`` send."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Type, TypeVar, Union

from pydantic import BaseModel

from ._request import Call
from .lists import ObjectList
from .models import (
    ClusterHistory,
    Decision,
    LabResult,
    NodeUsage,
    Placement,
    Proof,
    ProofExport,
    ProofVerification,
    SchedulerConfig,
    SchedulerStatus,
    WhoAmI,
    build,
)
from .resource import body_of

M = TypeVar("M", bound=BaseModel)

BASE = "/apis/entroos.io/v1"


class PlacementList(ObjectList[Placement]):
    """Placements with their proofs' status; ``counts`` is the number of proofs per status."""

    counts: Dict[str, int]
    queued: int


def placements(data: Mapping[str, Any]) -> PlacementList:
    out = PlacementList([build(Placement, p) for p in data.get("items") or []], None, "PlacementList")
    out.counts = dict(data.get("counts") or {})
    out.queued = int(data.get("queued") or 0)
    return out


def decisions(data: Mapping[str, Any]) -> ObjectList[Decision]:
    return ObjectList([build(Decision, d) for d in data.get("items") or []], None, "DecisionList")


def lab_body(
    profiles: Sequence[str],
    nodes: Optional[Sequence[Mapping[str, Any]]],
    workload: Optional[Sequence[Mapping[str, Any]]],
    generate_nodes: Optional[int],
    generate_pods: Optional[int],
    duration_ms: Optional[float],
    seed: int,
    sample_every_ms: Optional[float],
) -> Dict[str, Any]:
    body: Dict[str, Any] = {"profiles": list(profiles), "seed": seed}
    if nodes is not None:
        body["nodes"] = [dict(n) for n in nodes]
    if generate_nodes is not None:
        body["generateNodes"] = {"count": generate_nodes}
    if workload is not None:
        body["workload"] = [dict(w) for w in workload]
    if generate_pods is not None:
        body["generateWorkload"] = {"pods": generate_pods}
        if duration_ms is not None:
            body["generateWorkload"]["durationMs"] = duration_ms
    if sample_every_ms is not None:
        body["sampleEveryMs"] = sample_every_ms
    return body


def verify_body(ids: Optional[Sequence[str]], proofs: Optional[Sequence[Union[Proof, Mapping[str, Any]]]]) -> Dict[str, Any]:
    if proofs is not None:
        items: List[Dict[str, Any]] = []
        for p in proofs:
            d = p.dict() if isinstance(p, Proof) else dict(p)
            items.append({"circuit": d["circuit"], "proof": d["proof"], "publicSignals": d["publicSignals"]})
        return {"proofs": items}
    return {} if ids is None else {"ids": list(ids)}


def proof_query(
    namespace: Optional[str], pod: Optional[str], node: Optional[str], status: Optional[str], limit: Optional[int]
) -> Dict[str, str]:
    params = {"namespace": namespace, "pod": pod, "node": node, "status": status}
    out = {k: v for k, v in params.items() if v}
    if limit:
        out["limit"] = str(limit)
    return out


def node_usage(data: Mapping[str, Any], key: str) -> List[NodeUsage]:
    node = data.get("node")
    return [build(NodeUsage, {"node": node, **p}) for p in data.get(key) or []]


def _built(model: Type[M]) -> Callable[[Any], M]:
    return lambda data: build(model, data)


def whoami() -> Call[WhoAmI]:
    return Call("GET", f"{BASE}/whoami", _built(WhoAmI))


# -- scheduler --------------------------------------------------------------------------------------------


def scheduler_status() -> Call[SchedulerStatus]:
    return Call("GET", f"{BASE}/scheduler", _built(SchedulerStatus))


def decision_list(limit: int) -> Call[ObjectList[Decision]]:
    return Call("GET", f"{BASE}/scheduler/decisions", decisions, {"limit": str(limit)})


def _looks_like_uid(value: str) -> bool:
    return len(value) == 36 and value.count("-") == 4


def decision(pod: str, namespace: Optional[str], default_namespace: str) -> Call[Decision]:
    """``pod`` is ``"ns/name"``, a name in ``namespace`` (else the default one), or the pod's uid."""
    key = pod if "/" in pod or namespace is None and _looks_like_uid(pod) else f"{namespace or default_namespace}/{pod}"
    return Call("GET", f"{BASE}/scheduler/decisions", _built(Decision), {"pod": key})


def profiles() -> Call[SchedulerConfig]:
    return Call("GET", f"{BASE}/scheduler/config", _built(SchedulerConfig))


def set_profiles(config: Union[SchedulerConfig, Mapping[str, Any]]) -> Call[SchedulerConfig]:
    return Call("PUT", f"{BASE}/scheduler/config", _built(SchedulerConfig), json_body=body_of(config))


def reset_profiles() -> Call[SchedulerConfig]:
    return Call("DELETE", f"{BASE}/scheduler/config", _built(SchedulerConfig))


def lab(body: Dict[str, Any]) -> Call[LabResult]:
    return Call("POST", f"{BASE}/scheduler/lab", _built(LabResult), json_body=body)


# -- proofs -----------------------------------------------------------------------------------------------


def proof_list(
    namespace: Optional[str], pod: Optional[str], node: Optional[str], status: Optional[str], limit: Optional[int]
) -> Call[PlacementList]:
    return Call("GET", f"{BASE}/proofs", placements, proof_query(namespace, pod, node, status, limit))


def proof(proof_id: str) -> Call[Proof]:
    return Call("GET", f"{BASE}/proofs/{proof_id}", _built(Proof))


def verify(ids: Optional[Sequence[str]], proofs: Optional[Sequence[Union[Proof, Mapping[str, Any]]]]) -> Call[ProofVerification]:
    return Call("POST", f"{BASE}/proofs/verify", _built(ProofVerification), json_body=verify_body(ids, proofs))


def export(path: Union[str, Path, None], limit: Optional[int]) -> Call[ProofExport]:
    """The export; with ``path`` its JSON is also written there (what ``npx entroos-verify`` reads)."""

    def read(data: Any) -> ProofExport:
        if path is not None:
            Path(path).write_text(json.dumps(data))
        return build(ProofExport, data)

    return Call("GET", f"{BASE}/proofs/export", read, {"limit": str(limit)} if limit else None)


# -- history ----------------------------------------------------------------------------------------------


def cluster_history(window: str) -> Call[ClusterHistory]:
    return Call("GET", f"{BASE}/history", _built(ClusterHistory), {"window": window})


def nodes_history() -> Call[List[NodeUsage]]:
    return Call("GET", f"{BASE}/history/nodes", lambda data: node_usage(data, "items"))


def node_history(name: str) -> Call[List[NodeUsage]]:
    return Call("GET", f"{BASE}/history/nodes/{name}", lambda data: node_usage(data, "points"))


__all__ = [
    "BASE",
    "ClusterHistory",
    "Decision",
    "LabResult",
    "PlacementList",
    "Proof",
    "ProofExport",
    "ProofVerification",
    "SchedulerConfig",
    "SchedulerStatus",
]
