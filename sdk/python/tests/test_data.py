"""DataFrames and figures from live data (matplotlib's Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

import entroos  # noqa: E402
from entroos import plots  # noqa: E402
from conftest import eventually, pod_manifest  # noqa: E402


def test_dataframes(client: entroos.Client, namespace: str) -> None:
    for i in range(3):
        client.pods.create(pod_manifest(f"df-{i}", cpu="250m", memory="128Mi"), namespace)
    def running() -> "entroos.ObjectList[entroos.models.Pod] | None":
        listed = client.pods.list(namespace)
        return listed if len(listed) == 3 and all(x.phase == "Running" for x in listed) else None

    pods = eventually(running, timeout=60, what="3 running pods")
    frame = pods.to_dataframe()
    assert list(frame["name"]) == ["df-0", "df-1", "df-2"]
    assert set(frame["phase"]) == {"Running"}
    assert frame["cpu_request_m"].sum() == 750 and frame["memory_request_bytes"].iloc[0] == 128 * 1024**2
    assert str(frame["created"].dtype).startswith("datetime64")

    nodes = client.nodes.list().to_dataframe()
    assert len(nodes) == 2 and (nodes["cpu_m"] > 0).all()
    decisions = client.scheduler.decisions(limit=200).to_dataframe()
    assert {"pod", "node", "duration_ms", "entropy_after"} <= set(decisions.columns)
    history = client.history.cluster().to_dataframe()
    assert "entropy" in history.columns
    assert "name" in client.configmaps.list(namespace, label_selector="none=here").to_dataframe().columns
    client.configmaps.create({"metadata": {"name": "frame"}, "data": {"a": "1"}}, namespace)
    generic = client.configmaps.list(namespace).to_dataframe()
    assert "frame" in list(generic["name"])


def test_figures(client: entroos.Client, namespace: str) -> None:
    for i in range(2):
        client.pods.create(pod_manifest(f"fig-{i}", cpu="500m"), namespace)
    eventually(lambda: all(p.spec.nodeName for p in client.pods.list(namespace)), timeout=60, what="pods placed")
    nodes, pods = client.nodes.list(), client.pods.list(all_namespaces=True)
    usage = client.history.nodes()
    shares = plots.utilisation(nodes, pods, usage)
    assert sum(row["cpu requested"] for row in shares.values()) > 0
    history = client.history.cluster()
    lab = client.scheduler.lab(["entropy", "pack", "spread"], generate_nodes=5, generate_pods=40, duration_ms=4000)
    figures = [
        plots.node_heatmap(nodes, pods, usage),
        plots.entropy_over_time(history),
        plots.scheduling(history, client.scheduler.decisions(limit=100)),
        plots.lab_comparison(lab),
    ]
    for figure in figures:
        assert isinstance(figure, Figure) and figure.axes
        figure.canvas.draw()
    assert lab.summary().loc["pack", "nodesUsed"] <= lab.summary().loc["spread", "nodesUsed"]
    assert len(lab.to_dataframe()) == sum(len(r.samples) for r in lab.results)
