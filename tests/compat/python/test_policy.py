"""PodDisruptionBudgets, evictions and HorizontalPodAutoscalers through the official Python client.

The server the suite runs against has no nodes, so pods stay Pending: these tests cover the API (validation,
defaults, the controllers' typed status, evictions of pods that are not running, autoscaling/v1 and v2).
Run by tests/compat/python.test.ts with ENTROOS_URL and ENTROOS_TOKEN set.
"""

import json

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from kube_helpers import until


def deployment(name, replicas=1):
    return client.V1Deployment(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1DeploymentSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels={"app": name}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": name}),
                spec=client.V1PodSpec(
                    containers=[
                        client.V1Container(
                            name="main",
                            image="nginx:1.27",
                            resources=client.V1ResourceRequirements(requests={"cpu": "100m"}),
                        )
                    ]
                ),
            ),
        ),
    )


def test_budget_status_validation_and_eviction_of_a_pending_pod(api_client, namespace):
    policy = client.PolicyV1Api(api_client)
    core = client.CoreV1Api(api_client)
    client.AppsV1Api(api_client).create_namespaced_deployment(namespace, deployment("web", 2))
    pdb = client.V1PodDisruptionBudget(
        metadata=client.V1ObjectMeta(name="web"),
        spec=client.V1PodDisruptionBudgetSpec(
            min_available="50%", selector=client.V1LabelSelector(match_labels={"app": "web"})
        ),
    )
    created = policy.create_namespaced_pod_disruption_budget(namespace, pdb)
    assert created.spec.min_available == "50%"

    def expected_two():
        status = policy.read_namespaced_pod_disruption_budget_status("web", namespace).status
        return status if status is not None and status.expected_pods == 2 else None

    # The percentage is of the Deployment's scale; no pod runs (no nodes), so none is healthy.
    status = until(expected_two, "the budget to expect two pods")
    assert (status.current_healthy, status.desired_healthy, status.disruptions_allowed) == (0, 1, 0)
    assert status.conditions[0].type == "DisruptionAllowed"
    assert status.conditions[0].reason == "InsufficientPods"

    with pytest.raises(ApiException) as bad:
        policy.create_namespaced_pod_disruption_budget(
            namespace,
            {
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": {"name": "bad"},
                "spec": {"minAvailable": 1, "maxUnavailable": 1, "unhealthyPodEvictionPolicy": "Sometimes"},
            },
        )
    assert bad.value.status == 422
    fields = [c["field"] for c in json.loads(bad.value.body)["details"]["causes"]]
    assert "spec" in fields and "spec.unhealthyPodEvictionPolicy" in fields

    # A Pending pod disrupts nothing: its eviction deletes it whatever the budget says.
    pod = core.list_namespaced_pod(namespace, label_selector="app=web").items[0]
    name = pod.metadata.name
    core.create_namespaced_pod_eviction(
        name, namespace, client.V1Eviction(metadata=client.V1ObjectMeta(name=name, namespace=namespace))
    )
    with pytest.raises(ApiException) as gone:
        core.read_namespaced_pod(name, namespace)
    assert gone.value.status == 404

    listed = policy.list_namespaced_pod_disruption_budget(namespace)
    assert [p.metadata.name for p in listed.items] == ["web"]
    policy.delete_namespaced_pod_disruption_budget("web", namespace)


def test_autoscaler_v1_client_on_the_v2_object(api_client, namespace):
    # This client (22.x, Kubernetes 1.22) predates autoscaling/v2: its v1 API is converted to and from the stored
    # v2 object, and the v2 endpoints are reached through the generic CustomObjectsApi.
    v1 = client.AutoscalingV1Api(api_client)
    generic = client.CustomObjectsApi(api_client)
    client.AppsV1Api(api_client).create_namespaced_deployment(namespace, deployment("app"))
    hpa = client.V1HorizontalPodAutoscaler(
        metadata=client.V1ObjectMeta(name="app"),
        spec=client.V1HorizontalPodAutoscalerSpec(
            scale_target_ref=client.V1CrossVersionObjectReference(api_version="apps/v1", kind="Deployment", name="app"),
            max_replicas=4,
            target_cpu_utilization_percentage=40,
        ),
    )
    made = v1.create_namespaced_horizontal_pod_autoscaler(namespace, hpa)
    assert made.api_version == "autoscaling/v1"
    assert made.spec.min_replicas == 1
    assert made.spec.target_cpu_utilization_percentage == 40

    stored = generic.get_namespaced_custom_object("autoscaling", "v2", namespace, "horizontalpodautoscalers", "app")
    assert stored["spec"]["metrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 40}}}
    ]

    def scaling_active():
        obj = generic.get_namespaced_custom_object("autoscaling", "v2", namespace, "horizontalpodautoscalers", "app")
        conditions = obj.get("status", {}).get("conditions", [])
        return next((c for c in conditions if c["type"] == "ScalingActive"), None)

    # Its pod never runs here, so there are no metrics to scale on.
    active = until(scaling_active, "the ScalingActive condition")
    assert active["status"] == "False"
    assert active["reason"] == "FailedGetResourceMetric"
    status = v1.read_namespaced_horizontal_pod_autoscaler_status("app", namespace).status
    assert status.current_replicas == 1

    patched = v1.patch_namespaced_horizontal_pod_autoscaler(
        "app", namespace, {"spec": {"targetCPUUtilizationPercentage": 70, "maxReplicas": 6}}
    )
    assert (patched.spec.target_cpu_utilization_percentage, patched.spec.max_replicas) == (70, 6)

    with pytest.raises(ApiException) as bad:
        generic.create_namespaced_custom_object(
            "autoscaling",
            "v2",
            namespace,
            "horizontalpodautoscalers",
            {
                "apiVersion": "autoscaling/v2",
                "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "bad"},
                "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "app"}, "minReplicas": 3, "maxReplicas": 2},
            },
        )
    assert bad.value.status == 422
    assert json.loads(bad.value.body)["details"]["causes"][0]["field"] == "spec.maxReplicas"

    assert [h.metadata.name for h in v1.list_namespaced_horizontal_pod_autoscaler(namespace).items] == ["app"]
    v1.delete_namespaced_horizontal_pod_autoscaler("app", namespace)
