"""Writes the tutorial notebooks (outputs stripped). Edit here and run `/usr/bin/python3 notebooks/make_notebooks.py`."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}

SETUP = """%matplotlib inline
import entroos
from entroos import plots

# ENTROOS_URL and ENTROOS_TOKEN, else $KUBECONFIG / ~/.kube/config
# (or: entroos.Client("https://host:3000", "eos_...") / entroos.Client(kubeconfig="entroos.kubeconfig"))
client = entroos.Client()
client.whoami()"""

QUICK_START = [
    new_markdown_cell("# EntroOS quick start\n\nConnect, list, create a deployment, watch it become Running, "
                      "and plot where its pods landed."),
    new_code_cell(SETUP),
    new_code_cell("nodes = client.nodes.list()\nnodes"),
    new_code_cell("nodes.to_dataframe()"),
    new_markdown_cell("## Create a deployment\n\nEach tutorial run works in a namespace of its own."),
    new_code_cell("""import uuid
ns = "quickstart-" + uuid.uuid4().hex[:6]
client.namespaces.create({"metadata": {"name": ns}})
deployment = client.deployments.apply({
    "metadata": {"name": "web"},
    "spec": {
        "replicas": 4,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                      "resources": {"requests": {"cpu": "250m", "memory": "128Mi"}}}]},
        },
    },
}, ns)
deployment.metadata.name, deployment.spec.replicas"""),
    new_markdown_cell("## Watch it become Running\n\nThe watch lists first, then streams changes; it ends "
                      "when we stop it (or after `timeout` seconds)."),
    new_code_cell("""running = set()
watch = client.pods.watch(ns, label_selector={"app": "web"}, timeout=90)
for event in watch:
    pod = event.object
    print(f"{event.type:8} {pod.name:32} {pod.phase:8} {pod.node or ''}")
    if event.type != "DELETED" and pod.phase == "Running":
        running.add(pod.name)
    if len(running) == 4:
        watch.stop()
assert len(running) == 4, running"""),
    new_code_cell("pods = client.pods.list(ns)\npods"),
    new_markdown_cell("## Where did the pods land?"),
    new_code_cell("""import matplotlib.pyplot as plt
frame = pods.to_dataframe()
frame.groupby("node")["name"].count().plot.bar(title="pods per node", ylabel="pods")
plt.show()"""),
    new_code_cell("""fig = plots.node_heatmap(client.nodes.list(), client.pods.list(all_namespaces=True), client.history.nodes())
plt.show()"""),
    new_code_cell("client.scheduler.why(pods[0].name, ns)"),
    new_code_cell('client.namespaces.delete(ns)\n"cleaned up"'),
]

ENTROPY_LAB = [
    new_markdown_cell("# The entropy laboratory\n\nReplay one workload under several scheduling profiles, each "
                      "in an isolated in-memory cluster on the server, and compare how the cluster evolves."),
    new_code_cell(SETUP),
    new_code_cell("profiles = client.scheduler.profiles()\n[(p.name, [(s.name, s.weight) for s in p.scores]) for p in profiles.profiles]"),
    new_code_cell("""lab = client.scheduler.lab(
    ["entropy", "pack", "spread"],
    generate_nodes=12,
    generate_pods=300,
    duration_ms=20_000,
    seed=42,
)
lab.summary()"""),
    new_markdown_cell("Entropy (0–100) measures how evenly load is spread; `pack` fills few nodes, `spread` "
                      "uses them all, `entropy` aims for an even distribution."),
    new_code_cell("""import matplotlib.pyplot as plt
fig = plots.lab_comparison(lab)
plt.show()"""),
    new_code_cell("""frame = lab.to_dataframe()
frame.pivot_table(index="atMs", columns="profile", values="nodesUsed").plot(title="nodes in use", xlabel="ms")
plt.show()"""),
    new_markdown_cell("## The live cluster\n\nThe history API keeps the cluster's entropy, load and scheduling "
                      "rate (one point per 10 s over the last 15 minutes)."),
    new_code_cell("""history = client.history.cluster("15m")
fig = plots.entropy_over_time(history)
plt.show()"""),
    new_code_cell("""fig = plots.scheduling(history, client.scheduler.decisions(limit=200))
plt.show()"""),
]

PROOFS = [
    new_markdown_cell("# Placement proofs\n\nEvery binding is proved in zero knowledge not to over-commit its "
                      "node. Fetch the proofs, verify them on the server, and time it."),
    new_code_cell(SETUP),
    new_code_cell("""import time, uuid
ns = "proofs-" + uuid.uuid4().hex[:6]
client.namespaces.create({"metadata": {"name": ns}})
for i in range(3):
    client.pods.create({"metadata": {"name": f"p{i}"}, "spec": {"containers": [
        {"name": "c", "image": "nginx:1.27", "resources": {"requests": {"cpu": "100m"}}}]}}, ns)

deadline = time.monotonic() + 120
placements = client.proofs.list(namespace=ns)
while len(placements) < 3 and time.monotonic() < deadline:
    time.sleep(0.5)
    placements = client.proofs.list(namespace=ns)
placements"""),
    new_code_cell("proof = client.proofs.get(placements[0].proof_id)\nproof"),
    new_code_cell("""timings = []
for _ in range(3):
    started = time.perf_counter()
    result = client.proofs.verify([p.proof_id for p in placements])
    timings.append((time.perf_counter() - started) * 1000)
    assert result.valid, result
result, [f"{t:.0f} ms" for t in timings]"""),
    new_markdown_cell("A proof checked against the server's keys as submitted, and a tampered copy:"),
    new_code_cell("""tampered = proof.dict()
tampered["publicSignals"] = ["1"] + tampered["publicSignals"][1:]
client.proofs.verify(proofs=[proof]).valid, client.proofs.verify(proofs=[tampered]).valid"""),
    new_code_cell("""import matplotlib.pyplot as plt
frame = client.proofs.list(limit=1000).to_dataframe()
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
frame["prove_ms"].dropna().plot.hist(ax=left, bins=20, title="proving time (ms)")
left.set_xlabel("ms")
right.bar(range(len(timings)), timings)
right.set_title("verifying (ms per batch)")
plt.show()"""),
    new_code_cell("""export = client.proofs.export("entroos-proofs.json")
print(len(export.proofs), "proofs exported; check offline with: npx entroos-verify entroos-proofs.json")
import os; os.remove("entroos-proofs.json")
client.namespaces.delete(ns)"""),
]


def write(name: str, cells: list) -> None:  # type: ignore[type-arg]
    nb = new_notebook(cells=cells, metadata=KERNEL)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"  # stable ids keep diffs small
    nbformat.validate(nb)
    nbformat.write(nb, str(HERE / name))


if __name__ == "__main__":
    write("01-quick-start.ipynb", QUICK_START)
    write("02-entropy-laboratory.ipynb", ENTROPY_LAB)
    write("03-proofs.ipynb", PROOFS)
