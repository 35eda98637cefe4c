"""Fixtures every compatibility test module shares: a client of the server under test and a fresh namespace."""

import uuid

import pytest
from kubernetes import client

from kube_helpers import make_client


@pytest.fixture(scope="module")
def api_client():
    yield make_client()


@pytest.fixture(scope="module")
def v1(api_client):
    return client.CoreV1Api(api_client)


@pytest.fixture()
def namespace(request, v1):
    """A namespace of its own for each test, named after the module (py-apps-…, py-jobs-…), deleted after it."""
    prefix = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_").replace("_", "-")
    name = "py-" + prefix + "-" + uuid.uuid4().hex[:8]
    v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    yield name
    v1.delete_namespace(name)
