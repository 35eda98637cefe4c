"""The EntroOS endpoints: scheduler status, decisions (why), profiles, policy lab, proofs and history."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import entroos
from entroos.models import Decision, LabResult, Proof
from conftest import eventually, pod_manifest


def test_scheduler_decisions_profiles_and_lab(client: entroos.Client, namespace: str) -> None:
    client.pods.create(pod_manifest("placed", cpu="200m"), namespace)
    running = client.pods.wait_for("placed", lambda p: p.phase == "Running", namespace, timeout=60)

    why = client.scheduler.why("placed", namespace)
    assert isinstance(why, Decision)
    assert why.result == "Scheduled" and why.node == running.spec.nodeName
    assert why.feasible == 2 and why.top and why.top[0].node == why.node
    assert client.scheduler.decision(f"{namespace}/placed").uid == running.metadata.uid
    recent = client.scheduler.decisions(limit=200)
    assert any(d.pod == f"{namespace}/placed" for d in recent)
    with pytest.raises(entroos.NotFound):
        client.scheduler.why("never-created", namespace)

    status = client.scheduler.status()
    assert status.nodes == 2 and status.totals["scheduled"] >= 1
    profiles = client.scheduler.profiles()
    names = [p.name for p in profiles.profiles]
    assert profiles.defaultProfile in names and {"entropy", "pack", "spread"} <= set(names)

    lab = client.scheduler.lab(["entropy", "pack"], generate_nodes=6, generate_pods=60, duration_ms=6000, seed=7)
    assert isinstance(lab, LabResult) and [r.profile for r in lab.results] == ["entropy", "pack"]
    assert all(r.final.scheduled == 60 for r in lab.results)
    again = client.scheduler.lab(["entropy", "pack"], generate_nodes=6, generate_pods=60, duration_ms=6000, seed=7)
    assert [r.final.entropy for r in again.results] == [r.final.entropy for r in lab.results]
    with pytest.raises(entroos.BadRequest):
        client.scheduler.lab(["no-such-profile"], generate_nodes=1, generate_pods=1)
    with pytest.raises(entroos.Invalid):
        client.scheduler.lab([], generate_nodes=1, generate_pods=1)


def test_proofs_list_get_verify_export(client: entroos.Client, namespace: str, tmp_path: Path) -> None:
    client.pods.create(pod_manifest("proved"), namespace)
    placements = eventually(lambda: client.proofs.list(namespace=namespace, pod="proved"), timeout=90,
                            what="a placement proof")
    placement = placements[0]
    assert placement.node and placement.commitment and placement.proof_id
    assert sum(placements.counts.values()) >= 1

    proof = client.proofs.get(placement.proof_id or "")
    assert isinstance(proof, Proof) and proof.circuit in ("placement", "placement_batch", "placement_v2", "placement_batch_v2")
    assert any(p.name == "proved" for p in proof.placements)

    started = time.perf_counter()
    result = client.proofs.verify([proof.id])
    assert result.valid and result.verified == [proof.id]
    assert time.perf_counter() - started < 30
    assert client.proofs.get(proof.id).status == "verified"

    submitted = client.proofs.verify(proofs=[proof])
    assert submitted.valid and submitted.results == [True]
    tampered = proof.dict()
    tampered["publicSignals"] = ["1", *tampered["publicSignals"][1:]]
    assert client.proofs.verify(proofs=[tampered]).valid is False

    path = tmp_path / "proofs.json"
    exported = client.proofs.export(path)
    assert any(p.id == proof.id for p in exported.proofs) and proof.circuit in exported.vkeys
    assert json.loads(path.read_text())["kind"] == "ProofExport"
    with pytest.raises(entroos.NotFound):
        client.proofs.get("no-such-proof")


def test_history(client: entroos.Client) -> None:
    history = eventually(lambda: client.history.cluster("15m").points and client.history.cluster("15m"),
                         timeout=30, what="a history point")
    point = history.points[-1]
    assert point.nodesTotal == 2 and point.cpuCapacity > 0
    assert history.stepSeconds == 10
    usage = client.history.nodes()
    assert {u.node for u in usage} == {n.name for n in client.nodes.list()}
    assert all(u.cpuUsed >= 0 for u in client.history.node(usage[0].node or ""))
    with pytest.raises(entroos.BadRequest):
        client.history.cluster("2d")
