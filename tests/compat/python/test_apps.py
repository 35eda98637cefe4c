"""StatefulSets, DaemonSets and ControllerRevisions through the official Python client (python3-kubernetes).

Run by tests/compat/python.test.ts with ENTROOS_URL and ENTROOS_TOKEN set. That server has no nodes: pods are
created but never scheduled, which is enough to see the controllers' ordering, naming and status.
"""


import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from kube_helpers import until


@pytest.fixture(scope="module")
def apps(api_client):
    return client.AppsV1Api(api_client)


def template(app):
    return client.V1PodTemplateSpec(
        metadata=client.V1ObjectMeta(labels={"app": app}),
        spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="nginx:1.27")]),
    )


def stateful_set(name, replicas, policy=None):
    return client.V1StatefulSet(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1StatefulSetSpec(
            replicas=replicas,
            service_name=name,
            pod_management_policy=policy,
            selector=client.V1LabelSelector(match_labels={"app": name}),
            template=template(name),
        ),
    )


def pod_names(v1, namespace, app):
    return sorted(p.metadata.name for p in v1.list_namespaced_pod(namespace, label_selector="app=" + app).items)


def test_ordered_ready_creates_only_the_first_pod_until_it_is_ready(apps, v1, namespace):
    created = apps.create_namespaced_stateful_set(namespace, stateful_set("web", 3))
    assert created.spec.pod_management_policy == "OrderedReady"
    assert created.spec.update_strategy.type == "RollingUpdate"
    assert created.spec.update_strategy.rolling_update.partition == 0
    until(lambda: pod_names(v1, namespace, "web") == ["web-0"], "web-0")
    sts = until(
        lambda: (s := apps.read_namespaced_stateful_set_status("web", namespace)).status.update_revision and s,
        "the update revision in status",
    )
    assert sts.status.replicas == 1
    assert sts.status.ready_replicas == 0
    assert sts.status.current_revision == sts.status.update_revision
    pod = v1.read_namespaced_pod("web-0", namespace)
    assert pod.spec.hostname == "web-0"
    assert pod.spec.subdomain == "web"
    assert pod.metadata.labels["controller-revision-hash"] == sts.status.update_revision
    # Unscheduled and not Ready, web-0 holds back web-1.
    assert pod_names(v1, namespace, "web") == ["web-0"]

    revisions = apps.list_namespaced_controller_revision(namespace, label_selector="app=web").items
    assert [r.revision for r in revisions] == [1]
    assert revisions[0].metadata.owner_references[0].kind == "StatefulSet"


def test_parallel_creates_every_pod_and_scale_removes_the_highest(apps, v1, namespace):
    apps.create_namespaced_stateful_set(namespace, stateful_set("par", 3, "Parallel"))
    until(lambda: pod_names(v1, namespace, "par") == ["par-0", "par-1", "par-2"], "three pods")
    scale = apps.read_namespaced_stateful_set_scale("par", namespace)
    assert scale.spec.replicas == 3
    assert scale.status.selector == "app=par"
    apps.patch_namespaced_stateful_set_scale("par", namespace, {"spec": {"replicas": 1}})
    until(lambda: pod_names(v1, namespace, "par") == ["par-0"], "par-1 and par-2 to go")


def test_invalid_and_immutable_fields_are_422(apps, namespace):
    body = stateful_set("bad", 1, "Whenever")
    with pytest.raises(ApiException) as err:
        apps.create_namespaced_stateful_set(namespace, body)
    assert err.value.status == 422
    assert "spec.podManagementPolicy" in err.value.body

    apps.create_namespaced_stateful_set(namespace, stateful_set("fixed", 0))
    with pytest.raises(ApiException) as err:
        apps.patch_namespaced_stateful_set("fixed", namespace, {"spec": {"podManagementPolicy": "Parallel"}})
    assert err.value.status == 422
    assert "updates to statefulset spec for fields other than" in err.value.body


def test_daemon_set_without_nodes_wants_none(apps, namespace):
    created = apps.create_namespaced_daemon_set(
        namespace,
        client.V1DaemonSet(
            metadata=client.V1ObjectMeta(name="agent"),
            spec=client.V1DaemonSetSpec(
                selector=client.V1LabelSelector(match_labels={"app": "agent"}),
                template=template("agent"),
            ),
        ),
    )
    assert created.spec.update_strategy.type == "RollingUpdate"
    assert created.spec.update_strategy.rolling_update.max_unavailable == 1
    ds = until(
        lambda: (d := apps.read_namespaced_daemon_set_status("agent", namespace)).status.observed_generation and d,
        "the controller to observe the DaemonSet",
    )
    assert ds.status.desired_number_scheduled == 0
    assert ds.status.number_misscheduled == 0
    revisions = apps.list_namespaced_controller_revision(namespace, label_selector="app=agent").items
    assert len(revisions) == 1
    assert revisions[0].metadata.labels["controller-revision-hash"]
