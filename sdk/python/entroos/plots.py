"""Figures for notebooks and reports (matplotlib, optional). Each function returns a ``Figure``."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Sequence

from .models import ClusterHistory, Decision, LabResult, Node, NodeUsage, Pod
from .quantity import millicores, parse_quantity


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "plots need matplotlib: `sudo apt-get install python3-matplotlib` on Debian/Ubuntu, "
            "or `pip install 'entroos[data]'`"
        ) from None
    return plt


def _times(ms: Sequence[float]) -> List[datetime]:
    return [datetime.fromtimestamp(t / 1000, tz=timezone.utc) for t in ms]


def utilisation(nodes: Sequence[Node], pods: Sequence[Pod], usage: Sequence[NodeUsage] = ()) -> Dict[str, Dict[str, float]]:
    """Per node, the share (0–1) of allocatable cpu and memory requested by its pods (and used, when
    ``usage`` from ``client.history.nodes()`` is given)."""
    out: Dict[str, Dict[str, float]] = {}
    used = {u.node: u for u in usage}
    for node in nodes:
        alloc = node.status.allocatable or node.status.capacity
        cpu = millicores(alloc.get("cpu")) or 1.0
        mem = parse_quantity(alloc.get("memory")) or 1.0
        mine = [p for p in pods if p.spec.nodeName == node.name and p.phase not in ("Succeeded", "Failed")]
        req_cpu = sum(millicores((c.resources or {}).get("requests", {}).get("cpu")) for p in mine for c in p.spec.containers)
        req_mem = sum(parse_quantity((c.resources or {}).get("requests", {}).get("memory")) for p in mine for c in p.spec.containers)
        row = {"cpu requested": req_cpu / cpu, "memory requested": req_mem / mem}
        if node.name in used:
            row["cpu used"] = used[node.name].cpuUsed / cpu
            row["memory used"] = used[node.name].memUsed / mem
        out[node.name] = row
    return out


def node_heatmap(
    nodes: Sequence[Node], pods: Sequence[Pod], usage: Sequence[NodeUsage] = (), ax: Optional[Any] = None
) -> Any:
    """A heat-map of node utilisation: one row per node, columns cpu/memory requested (and used)."""
    plt = _pyplot()
    data = utilisation(nodes, pods, usage)
    names = list(data)
    columns: List[str] = []
    for row in data.values():
        for key in row:
            if key not in columns:
                columns.append(key)
    matrix = [[data[n].get(c, 0.0) * 100 for c in columns] for n in names]
    fig = ax.figure if ax is not None else plt.figure(figsize=(1.6 * max(2, len(columns)) + 2, 0.45 * max(2, len(names)) + 1.5))
    ax = ax if ax is not None else fig.add_subplot(1, 1, 1)
    image = ax.imshow(matrix or [[0.0]], cmap="viridis", vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(range(len(columns)), labels=columns, rotation=20)
    ax.set_yticks(range(len(names)), labels=names)
    for i, values in enumerate(matrix):
        for j, value in enumerate(values):
            ax.text(j, i, f"{value:.0f}%", ha="center", va="center", color="white" if value < 60 else "black", fontsize=8)
    fig.colorbar(image, ax=ax, label="% of allocatable")
    ax.set_title("Node utilisation")
    fig.tight_layout()
    return fig


def entropy_over_time(history: ClusterHistory, ax: Optional[Any] = None) -> Any:
    """Cluster entropy (0–100) over the history window, with pods running on a second axis."""
    plt = _pyplot()
    fig = ax.figure if ax is not None else plt.figure(figsize=(8, 3.5))
    ax = ax if ax is not None else fig.add_subplot(1, 1, 1)
    times = _times([p.t for p in history.points])
    ax.plot(times, [p.entropy for p in history.points], color="#8250df", label="entropy")
    ax.set_ylabel("entropy (0–100)")
    ax.set_ylim(0, 100)
    twin = ax.twinx()
    twin.plot(times, [p.podsRunning for p in history.points], color="#1a7f37", alpha=0.6, label="pods running")
    twin.set_ylabel("pods running")
    ax.set_title(f"Cluster entropy, last {history.window}")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def scheduling(history: ClusterHistory, decisions: Sequence[Decision] = ()) -> Any:
    """Scheduling throughput (pods/s over the window) and latency (p99 of attempts; the recent decisions'
    durations as a histogram when given)."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
    times = _times([p.t for p in history.points])
    left.plot(times, [p.scheduledPerSecond for p in history.points], color="#0969da", label="scheduled/s")
    left.plot(times, [p.queued for p in history.points], color="#9a6700", alpha=0.7, label="queued")
    left.set_title("Throughput")
    left.legend(loc="upper left")
    if decisions:
        right.hist([d.durationMs for d in decisions], bins=20, color="#8250df")
        right.set_xlabel("attempt duration (ms)")
        right.set_ylabel("decisions")
        right.set_title(f"Latency of the last {len(decisions)} decisions")
    else:
        right.plot(times, [p.attemptP99Ms for p in history.points], color="#cf222e")
        right.set_ylabel("p99 attempt (ms)")
        right.set_title("Latency")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def lab_comparison(lab: LabResult) -> Any:
    """The policy lab's profiles side by side: entropy and utilisation spread over time, final pods/s."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.5))
    for result in lab.results:
        seconds = [s.atMs / 1000 for s in result.samples]
        axes[0].plot(seconds, [s.entropy for s in result.samples], label=result.profile)
        axes[1].plot(seconds, [s.utilisationStdDev for s in result.samples], label=result.profile)
    axes[0].set_title("Entropy")
    axes[0].set_xlabel("s")
    axes[0].legend()
    axes[1].set_title("Utilisation std. dev.")
    axes[1].set_xlabel("s")
    names = [r.profile for r in lab.results]
    axes[2].bar(names, [r.final.nodesUsed for r in lab.results], color="#0969da", label="nodes used")
    axes[2].set_title("Nodes used at the end")
    fig.tight_layout()
    return fig
