"""Jobs and CronJobs through the official Python client (python3-kubernetes), as its users write them.

The server the suite runs against has no nodes, so the Jobs here stay active: these tests cover the
API (defaults, generated selector, validation, typed status and printing of the client's models).
Run by tests/compat/python.test.ts with ENTROOS_URL and ENTROOS_TOKEN set.
"""

import time

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException


@pytest.fixture(scope="module")
def batch(api_client):
    return client.BatchV1Api(api_client)


def pod_template(restart_policy="Never"):
    return client.V1PodTemplateSpec(
        spec=client.V1PodSpec(
            restart_policy=restart_policy,
            containers=[client.V1Container(name="work", image="busybox:1.36", command=["true"])],
        )
    )


def test_job_defaults_selector_and_controller_status(batch, namespace):
    job = client.V1Job(
        metadata=client.V1ObjectMeta(name="py-job"),
        spec=client.V1JobSpec(template=pod_template(), completions=2, parallelism=2),
    )
    created = batch.create_namespaced_job(namespace, job)
    assert created.spec.selector.match_labels["batch.kubernetes.io/controller-uid"] == created.metadata.uid
    assert created.spec.template.metadata.labels["batch.kubernetes.io/job-name"] == "py-job"
    assert created.spec.backoff_limit == 6
    assert created.spec.completion_mode == "NonIndexed"
    # The Job controller creates its pods (which stay pending here: no nodes) and reports them.
    deadline = time.time() + 10
    while time.time() < deadline:
        status = batch.read_namespaced_job_status("py-job", namespace).status
        if status.active == 2:
            break
        time.sleep(0.1)
    assert status.active == 2
    assert status.start_time is not None
    core = client.CoreV1Api(batch.api_client)
    pods = core.list_namespaced_pod(namespace, label_selector="batch.kubernetes.io/job-name=py-job").items
    assert len(pods) == 2
    assert all("batch.kubernetes.io/job-tracking" in p.metadata.finalizers for p in pods)
    batch.delete_namespaced_job("py-job", namespace, propagation_policy="Background")


def test_invalid_job_is_a_422_naming_fields(batch, namespace):
    job = client.V1Job(
        metadata=client.V1ObjectMeta(name="py-bad"),
        spec=client.V1JobSpec(
            template=pod_template("Always"), completion_mode="Indexed", parallelism=2, active_deadline_seconds=0
        ),
    )
    with pytest.raises(ApiException) as raised:
        batch.create_namespaced_job(namespace, job)
    assert raised.value.status == 422
    body = raised.value.body
    for field in ("spec.template.spec.restartPolicy", "spec.completions", "spec.activeDeadlineSeconds"):
        assert field in body


def test_template_is_immutable(batch, namespace):
    batch.create_namespaced_job(
        namespace, client.V1Job(metadata=client.V1ObjectMeta(name="py-fixed"), spec=client.V1JobSpec(template=pod_template()))
    )
    with pytest.raises(ApiException) as raised:
        batch.patch_namespaced_job(
            "py-fixed", namespace, {"spec": {"template": {"spec": {"containers": [{"name": "work", "image": "busybox:1.37"}]}}}}
        )
    assert raised.value.status == 422
    assert "field is immutable" in raised.value.body


def test_cronjob_round_trip_and_schedule_validation(batch, namespace):
    # A plain dict body: the client's models predate spec.timeZone, which the server still reads.
    template = batch.api_client.sanitize_for_serialization(pod_template())
    cron = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "py-cron"},
        "spec": {
            "schedule": "30 2 * * 1-5",
            "timeZone": "America/New_York",
            "concurrencyPolicy": "Forbid",
            "jobTemplate": {"spec": {"template": template}},
        },
    }
    created = batch.create_namespaced_cron_job(namespace, cron)
    assert created.spec.failed_jobs_history_limit == 1
    assert created.spec.concurrency_policy == "Forbid"
    listed = batch.list_namespaced_cron_job(namespace).items
    assert [c.metadata.name for c in listed] == ["py-cron"]
    cron["metadata"]["name"] = "py-cron-bad"
    cron["spec"]["timeZone"] = "Nowhere/Special"
    with pytest.raises(ApiException) as raised:
        batch.create_namespaced_cron_job(namespace, cron)
    assert raised.value.status == 422
    assert "spec.timeZone" in raised.value.body
