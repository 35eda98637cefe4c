"""pandas DataFrames from lists of objects (``ObjectList.to_dataframe()``); pandas is optional."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List

from .models import Decision, HistoryPoint, KubeObject, Node, NodeUsage, Placement, Pod
from .quantity import millicores, parse_quantity

if TYPE_CHECKING:
    import pandas


def require_pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "to_dataframe() needs pandas: `sudo apt-get install python3-pandas` on Debian/Ubuntu, "
            "or `pip install 'entroos[data]'`"
        ) from None
    return pandas


def pod_row(pod: Pod) -> Dict[str, Any]:
    cpu = sum(millicores((c.resources or {}).get("requests", {}).get("cpu")) for c in pod.spec.containers)
    memory = sum(parse_quantity((c.resources or {}).get("requests", {}).get("memory")) for c in pod.spec.containers)
    return {
        "namespace": pod.metadata.namespace,
        "name": pod.metadata.name,
        "phase": pod.phase,
        "ready": pod.ready,
        "node": pod.spec.nodeName,
        "ip": pod.status.podIP,
        "restarts": sum(s.restartCount for s in pod.status.containerStatuses or []),
        "cpu_request_m": cpu,
        "memory_request_bytes": memory,
        "created": pod.metadata.creationTimestamp,
    }


def node_row(node: Node) -> Dict[str, Any]:
    alloc = node.status.allocatable or node.status.capacity
    return {
        "name": node.metadata.name,
        "ready": node.ready,
        "unschedulable": bool(node.spec.unschedulable),
        "cpu_m": millicores(alloc.get("cpu")),
        "memory_bytes": parse_quantity(alloc.get("memory")),
        "pods": parse_quantity(alloc.get("pods")),
        "created": node.metadata.creationTimestamp,
    }


def decision_row(d: Decision) -> Dict[str, Any]:
    return {
        "pod": d.pod,
        "profile": d.profile,
        "result": d.result,
        "node": d.node,
        "at": d.at,
        "duration_ms": d.durationMs,
        "nodes": d.nodes,
        "feasible": d.feasible,
        "entropy_before": d.entropyBefore,
        "entropy_after": d.entropyAfter,
        "message": d.message,
    }


def placement_row(p: Placement) -> Dict[str, Any]:
    return {
        "namespace": p.namespace,
        "pod": p.name,
        "node": p.node,
        "proof": p.proof_id,
        "status": p.status,
        "prove_ms": (p.batch or {}).get("proveMs"),
        "created": p.createdAt,
    }


def generic_row(obj: Any) -> Dict[str, Any]:
    if isinstance(obj, KubeObject):
        row: Dict[str, Any] = {
            "namespace": obj.metadata.namespace,
            "name": obj.metadata.name,
            "kind": obj.kind,
            "created": obj.metadata.creationTimestamp,
        }
        for key, value in obj.to_dict().items():
            if key not in ("metadata", "apiVersion", "kind") and not isinstance(value, (dict, list)):
                row[key] = value
        return row
    data = obj.dict() if hasattr(obj, "dict") else dict(obj)
    return {k: v for k, v in data.items() if not isinstance(v, (dict, list))}


def rows(items: Iterable[Any]) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    for item in items:
        if isinstance(item, Pod):
            out.append(pod_row(item))
        elif isinstance(item, Node):
            out.append(node_row(item))
        elif isinstance(item, Decision):
            out.append(decision_row(item))
        elif isinstance(item, Placement):
            out.append(placement_row(item))
        else:
            out.append(generic_row(item))
    return out


def to_dataframe(items: Iterable[Any]) -> "pandas.DataFrame":
    """One row per object: pods, nodes, decisions and placements get tailored columns (requests as numbers,
    phases, nodes), other kinds their name, namespace and top-level scalar fields."""
    pandas = require_pandas()
    listed = list(items)
    frame = pandas.DataFrame(rows(listed)) if listed else pandas.DataFrame(columns=["namespace", "name", "kind", "created"])
    if listed and isinstance(listed[0], (HistoryPoint, NodeUsage)) and "t" in frame:
        frame["time"] = pandas.to_datetime(frame["t"], unit="ms")
    for column in ("created", "at"):
        if column in frame:
            frame[column] = pandas.to_datetime(frame[column], errors="coerce", utc=True)
    return frame
