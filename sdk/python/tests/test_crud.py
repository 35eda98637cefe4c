"""CRUD of built-in kinds and a custom resource, and typed errors, against the real server."""

from __future__ import annotations

import base64

import pytest

import entroos
from entroos.models import Deployment, Job, Pod, Secret, Service
from conftest import eventually, pod_manifest, unique


def test_pods_create_get_list_patch_delete(client: entroos.Client, namespace: str) -> None:
    created = client.pods.create(pod_manifest("web-1"), namespace)
    assert isinstance(created, Pod)
    assert created.metadata.uid and created.metadata.namespace == namespace
    got = client.pods.get("web-1", namespace)
    assert got.spec.containers[0].image == "nginx:1.27"
    patched = client.pods.patch("web-1", {"metadata": {"labels": {"tier": "front"}}}, namespace)
    assert (patched.metadata.labels or {})["tier"] == "front"
    listed = client.pods.list(namespace, label_selector={"tier": "front"})
    assert listed.names() == ["web-1"] and listed.resource_version
    running = client.pods.wait_for("web-1", lambda p: p.phase == "Running", namespace, timeout=60)
    assert running.spec.nodeName and running.ready
    client.pods.delete("web-1", namespace, grace_period_seconds=0)
    eventually(lambda: "web-1" not in client.pods.list(namespace).names(), what="pod deleted")


def test_deployments_services_secrets_jobs(client: entroos.Client, namespace: str) -> None:
    dep = client.deployments.apply({
        "metadata": {"name": "api"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "api"}},
                 "template": {"metadata": {"labels": {"app": "api"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}},
    }, namespace)
    assert isinstance(dep, Deployment) and dep.spec.replicas == 2
    ready = eventually(lambda: (d := client.deployments.get("api", namespace)).status.readyReplicas == 2 and d,
                       timeout=60, what="2 ready replicas")
    assert ready.status.availableReplicas == 2
    scaled = client.deployments.patch("api", {"spec": {"replicas": 1}}, namespace)
    assert scaled.spec.replicas == 1

    svc = client.services.create({"metadata": {"name": "api"},
                                  "spec": {"selector": {"app": "api"}, "ports": [{"port": 80}]}}, namespace)
    assert isinstance(svc, Service) and svc.spec.clusterIP and svc.spec.ports and svc.spec.ports[0].port == 80

    secret = client.secrets.create({"metadata": {"name": "s"}, "stringData": {"password": "hunter2"}}, namespace)
    assert isinstance(secret, Secret)
    assert client.secrets.get("s", namespace).decoded() == {"password": b"hunter2"}
    secret_data = client.secrets.get("s", namespace).data or {}
    assert base64.b64decode(secret_data["password"]) == b"hunter2"

    job = client.jobs.create({"metadata": {"name": "once"}, "spec": {"template": {"spec": {
        "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox:1.36"}]}}}}, namespace)
    assert isinstance(job, Job) and job.spec.completions == 1

    events = eventually(lambda: client.events.list(namespace), timeout=30, what="events in the namespace")
    assert any(e.involvedObject.kind for e in events)
    nodes = client.nodes.list()
    assert len(nodes) == 2 and all(n.ready for n in nodes)

    client.deployments.delete("api", namespace)
    with pytest.raises(entroos.NotFound):
        client.deployments.get("api", namespace)


CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "experiments.lab.example.com"},
    "spec": {
        "group": "lab.example.com",
        "scope": "Namespaced",
        "names": {"plural": "experiments", "singular": "experiment", "kind": "Experiment", "shortNames": ["exp"]},
        "versions": [{
            "name": "v1", "served": True, "storage": True,
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {
                "type": "object", "required": ["profile"],
                "properties": {"profile": {"type": "string"}, "pods": {"type": "integer", "minimum": 1}}}}}},
        }],
    },
}


def test_custom_resource_crud(client: entroos.Client, namespace: str) -> None:
    try:
        client.crds.create(CRD)
    except entroos.Conflict:
        pass
    eventually(lambda: any(c.get("type") == "Established" and c.get("status") == "True"
                           for c in client.crds.get("experiments.lab.example.com").get("status.conditions", [])),
               what="CRD established")
    experiments = client.resource("lab.example.com", "v1", "experiments")
    exp = eventually(lambda: _try_create(experiments, namespace), what="custom resource served")
    assert exp.kind == "Experiment" and exp.get("spec.pods") == 10
    updated = experiments.patch("e1", {"spec": {"pods": 20}}, namespace)
    assert updated.get("spec.pods") == 20
    with pytest.raises(entroos.Invalid) as info:
        experiments.patch("e1", {"spec": {"pods": 0}}, namespace)
    assert any(c.field == "spec.pods" for c in info.value.causes)
    assert experiments.list(namespace).names() == ["e1"]
    experiments.delete("e1", namespace)
    with pytest.raises(entroos.NotFound):
        experiments.get("e1", namespace)


def _try_create(experiments: "entroos.Resource[entroos.KubeObject]", namespace: str) -> "entroos.KubeObject | None":
    try:
        return experiments.create({"apiVersion": "lab.example.com/v1", "kind": "Experiment",
                                   "metadata": {"name": "e1"}, "spec": {"profile": "entropy", "pods": 10}}, namespace)
    except entroos.NotFound:
        return None


def test_typed_errors(client: entroos.Client, viewer: entroos.Client, namespace: str) -> None:
    with pytest.raises(entroos.NotFound) as missing:
        client.pods.get("nope", namespace)
    assert missing.value.code == 404 and missing.value.reason == "NotFound"

    client.configmaps.create({"metadata": {"name": "cm"}, "data": {"a": "1"}}, namespace)
    with pytest.raises(entroos.Conflict) as exists:
        client.configmaps.create({"metadata": {"name": "cm"}}, namespace)
    assert exists.value.reason == "AlreadyExists"
    stale = client.configmaps.get("cm", namespace)
    client.configmaps.patch("cm", {"data": {"a": "2"}}, namespace)
    with pytest.raises(entroos.Conflict):
        client.configmaps.replace(stale, namespace)

    with pytest.raises(entroos.Invalid) as invalid:
        client.pods.create({"metadata": {"name": "Bad_Name"}, "spec": {"containers": []}}, namespace)
    fields = [c.field for c in invalid.value.causes]
    assert "metadata.name" in fields and "spec.containers" in fields

    assert viewer.pods.list(namespace) is not None
    with pytest.raises(entroos.Forbidden) as forbidden:
        viewer.configmaps.create({"metadata": {"name": "nope"}}, namespace)
    assert forbidden.value.code == 403

    with entroos.Client(client.config.url, "eos_not-a-token") as stranger:
        with pytest.raises(entroos.Unauthorized):
            stranger.pods.list(namespace)


def test_paging_and_apply_manifest(client: entroos.Client, namespace: str) -> None:
    manifest = "\n---\n".join(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: page-{i}\n  namespace: {namespace}\ndata:\n  i: '{i}'"
        for i in range(7)
    )
    applied = client.apply_manifest(manifest)
    assert [o.name for o in applied] == [f"page-{i}" for i in range(7)]
    everything = client.configmaps.list(namespace, page_size=3)
    assert {f"page-{i}" for i in range(7)} <= set(everything.names())
    assert len(client.configmaps.list(namespace, limit=2)) == 2


def test_unique_names_helper() -> None:
    assert unique("a") != unique("a")
