"""Paths and result parsing of the EntroOS endpoints (``/apis/entroos.io/v1/...``), shared by both clients."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

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
    build,
)

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
