"""ServiceAccounts, TokenRequest and the access reviews through the official Python client (python3-kubernetes).

Run by tests/compat/python.test.ts with ENTROOS_URL and ENTROOS_TOKEN (an admin API token) set.
"""

import os

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from kube_helpers import make_client, until


@pytest.fixture(scope="module")
def admin():
    yield make_client(os.environ["ENTROOS_TOKEN"])


def mint(v1, namespace, name, seconds=600):
    body = client.AuthenticationV1TokenRequest(spec=client.V1TokenRequestSpec(audiences=[], expiration_seconds=seconds))
    return v1.create_namespaced_service_account_token(name, namespace, body)


def test_default_account_and_a_token_that_reads_but_does_not_write(admin, namespace):
    v1 = client.CoreV1Api(admin)
    names = until(
        lambda: [a.metadata.name for a in v1.list_namespaced_service_account(namespace).items],
        "the default service account",
    )
    assert "default" in names
    v1.create_namespaced_service_account(namespace, client.V1ServiceAccount(metadata=client.V1ObjectMeta(name="py-robot")))
    minted = mint(v1, namespace, "py-robot", 1200)
    assert minted.spec.expiration_seconds == 1200
    assert minted.status.token.count(".") == 2
    assert minted.status.expiration_timestamp is not None

    robot = make_client(minted.status.token)
    robot_v1 = client.CoreV1Api(robot)
    assert robot_v1.list_namespaced_pod(namespace).items == []
    with pytest.raises(ApiException) as refused:
        robot_v1.create_namespaced_config_map(namespace, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="x")))
    assert refused.value.status == 403

    authz = client.AuthorizationV1Api(robot)
    review = authz.create_self_subject_access_review(
        client.V1SelfSubjectAccessReview(
            spec=client.V1SelfSubjectAccessReviewSpec(
                resource_attributes=client.V1ResourceAttributes(namespace=namespace, verb="list", resource="pods")
            )
        )
    )
    assert review.status.allowed is True
    rules = authz.create_self_subject_rules_review(
        client.V1SelfSubjectRulesReview(spec=client.V1SelfSubjectRulesReviewSpec(namespace=namespace))
    )
    assert rules.status.incomplete is False
    pods = [r for r in rules.status.resource_rules if "pods" in (r.resources or [])]
    assert pods and pods[0].verbs == ["get", "list", "watch"]

    v1.delete_namespaced_service_account("py-robot", namespace)
    with pytest.raises(ApiException) as gone:
        robot_v1.list_namespaced_pod(namespace)
    assert gone.value.status == 401


def test_token_requests_are_validated(admin, namespace):
    v1 = client.CoreV1Api(admin)
    until(lambda: v1.list_namespaced_service_account(namespace).items, "the default service account")
    with pytest.raises(ApiException) as short:
        mint(v1, namespace, "default", 60)
    assert short.value.status == 422
    with pytest.raises(ApiException) as missing:
        mint(v1, namespace, "nobody")
    assert missing.value.status == 404


def test_rules_review_needs_a_namespace(admin):
    authz = client.AuthorizationV1Api(admin)
    with pytest.raises(ApiException) as invalid:
        authz.create_self_subject_rules_review(client.V1SelfSubjectRulesReview(spec=client.V1SelfSubjectRulesReviewSpec()))
    assert invalid.value.status == 422
