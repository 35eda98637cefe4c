"""The Jupyter integration in a real IPython InteractiveShell: magics, HTML representations, the live view."""

from __future__ import annotations

from typing import Iterator

import pytest
from IPython.testing.globalipapp import start_ipython

import entroos
from entroos.magics import EntroOSMagics
from conftest import env, eventually, pod_manifest
from test_crud import CRD


@pytest.fixture(scope="module")
def shell() -> Iterator[object]:
    ip = start_ipython()
    assert ip is not None
    ip.run_line_magic("load_ext", "entroos")
    yield ip


def magics(shell: object) -> EntroOSMagics:
    found = shell.magics_manager.registry["EntroOSMagics"]  # type: ignore[attr-defined]
    assert isinstance(found, EntroOSMagics)
    return found


def test_magics_connect_get_apply_why(shell: object, client: entroos.Client, namespace: str) -> None:
    run = shell.run_line_magic  # type: ignore[attr-defined]
    run("entroos", f"connect --url {env('ENTROOS_URL')} --token {env('ENTROOS_TOKEN')}")
    shell.run_cell_magic("entroos", f"apply -n {namespace}", f"""  # type: ignore[attr-defined]
apiVersion: v1
kind: Pod
metadata:
  name: magic
spec:
  containers:
  - name: c
    image: nginx:1.27
    resources: {{requests: {{cpu: 100m}}}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: magic-config
data:
  k: v
""")
    assert client.configmaps.get("magic-config", namespace).data == {"k": "v"}
    pods = run("entroos", f"get pods -n {namespace}")
    assert isinstance(pods, entroos.ObjectList) and pods.names() == ["magic"]
    html = pods._repr_html_()
    assert "<table" in html and "magic" in html
    client.pods.wait_for("magic", lambda p: p.phase == "Running", namespace, timeout=60)
    why = run("entroos", f"why magic -n {namespace}")
    assert why.result == "Scheduled" and "Scheduled" in why._repr_html_()
    one = run("entroos", f"get pod magic -n {namespace}")
    assert "Running" in one._repr_html_() and "#1a7f37" in one._repr_html_()
    frame = run("entroos", f"get pods -n {namespace} -o df")
    assert list(frame["name"]) == ["magic"]
    nodes = run("entroos", "get nodes")
    assert len(nodes) == 2
    with pytest.raises(ValueError):
        run("entroos", "get")


def test_magics_find_custom_resources_by_short_name(shell: object, client: entroos.Client, namespace: str) -> None:
    try:
        client.crds.create(CRD)
    except entroos.Conflict:
        pass
    experiments = client.resource("lab.example.com", "v1", "experiments")

    def created() -> bool:
        try:
            experiments.create({"apiVersion": "lab.example.com/v1", "kind": "Experiment",
                                "metadata": {"name": "nb"}, "spec": {"profile": "pack"}}, namespace)
            return True
        except entroos.NotFound:  # not served until the CRD is established
            return False

    eventually(created, what="custom resource served")
    run = shell.run_line_magic  # type: ignore[attr-defined]
    run("entroos", f"connect --url {env('ENTROOS_URL')} --token {env('ENTROOS_TOKEN')}")
    for name in ("exp", "experiments", "experiments.lab.example.com"):
        found = run("entroos", f"get {name} -n {namespace}")
        assert found.names() == ["nb"] and found[0].get("spec.profile") == "pack"


def test_live_view_updates_one_display_in_place(shell: object, client: entroos.Client, namespace: str) -> None:
    run = shell.run_line_magic  # type: ignore[attr-defined]
    run("entroos", f"connect --url {env('ENTROOS_URL')} --token {env('ENTROOS_TOKEN')}")
    run("entroos", f"live configmaps -n {namespace}")
    live = magics(shell).lives[-1]
    assert live.running and live._handle is not None
    client.configmaps.create({"metadata": {"name": "live-1"}}, namespace)
    assert live.wait_until(lambda objs: any(k.endswith("/live-1") for k in objs))
    client.configmaps.delete("live-1", namespace)
    assert live.wait_until(lambda objs: not any(k.endswith("/live-1") for k in objs))
    eventually(lambda: live.updates >= 2, what="re-rendered")
    run("entroos", "stop")
    assert not live.running
    assert "(stopped)" in live.html()


def test_rich_html_for_decisions_and_proofs(client: entroos.Client, namespace: str) -> None:
    client.pods.create(pod_manifest("html"), namespace)
    client.pods.wait_for("html", lambda p: bool(p.spec.nodeName), namespace, timeout=60)
    decision = client.scheduler.why("html", namespace)
    assert "top candidates" in decision._repr_html_()
    placements = eventually(lambda: client.proofs.list(namespace=namespace, pod="html"), timeout=90, what="proof")
    assert "<table" in placements._repr_html_()
    proof = client.proofs.get(placements[0].proof_id or "")
    assert "Proof" in proof._repr_html_() and proof.circuit in proof._repr_html_()
