"""Watches through the official Python client (python3-kubernetes), as its users write them.

The client sends booleans as Python prints them (`watch=True`, `allowWatchBookmarks=True`): the
server must read them like Go's strconv.ParseBool, or the "watch" is answered with a plain list.
Run by tests/compat/python.test.ts with ENTROOS_URL and ENTROOS_TOKEN set.
"""

import os
import threading
import time
import uuid

import pytest
from kubernetes import client, watch


@pytest.fixture(scope="module")
def v1():
    config = client.Configuration()
    config.host = os.environ["ENTROOS_URL"]
    config.api_key = {"authorization": "Bearer " + os.environ["ENTROOS_TOKEN"]}
    config.verify_ssl = False
    api = client.CoreV1Api(client.ApiClient(config))
    yield api


@pytest.fixture()
def namespace(v1):
    name = "py-watch-" + uuid.uuid4().hex[:8]
    v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    yield name
    v1.delete_namespace(name)


def pod(name):
    return client.V1Pod(
        metadata=client.V1ObjectMeta(name=name, labels={"app": "py"}),
        spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="nginx:1.27")]),
    )


def change_pod(v1, namespace, name):
    v1.create_namespaced_pod(namespace, pod(name))
    v1.patch_namespaced_pod(name, namespace, {"metadata": {"labels": {"step": "two"}}})
    v1.delete_namespaced_pod(name, namespace, grace_period_seconds=0)


def collect_until_deleted(w, stream, name):
    seen = []
    for event in stream:
        if event["object"].metadata.name != name:
            continue
        seen.append(event["type"])
        if event["type"] == "DELETED":
            w.stop()
    return seen


def test_stream_delivers_added_modified_deleted_live(v1, namespace):
    """The watch is open first; the pod is created, changed and deleted while it streams."""
    rv = v1.list_namespaced_pod(namespace).metadata.resource_version
    w = watch.Watch()
    stream = w.stream(v1.list_namespaced_pod, namespace, resource_version=rv, timeout_seconds=20)
    result = {}

    def consume():
        result["types"] = collect_until_deleted(w, stream, "live")

    reader = threading.Thread(target=consume)
    reader.start()
    time.sleep(0.5)
    change_pod(v1, namespace, "live")
    reader.join(timeout=25)
    assert not reader.is_alive(), "the watch did not deliver DELETED"
    types = result["types"]
    assert types[0] == "ADDED"
    assert "MODIFIED" in types
    assert types[-1] == "DELETED"


def test_stream_replays_from_a_resource_version(v1, namespace):
    rv = v1.list_namespaced_pod(namespace).metadata.resource_version
    change_pod(v1, namespace, "replayed")
    w = watch.Watch()
    types = collect_until_deleted(
        w, w.stream(v1.list_namespaced_pod, namespace, resource_version=rv, timeout_seconds=10), "replayed"
    )
    assert types[0] == "ADDED" and "MODIFIED" in types and types[-1] == "DELETED"


def test_stream_starts_with_current_objects_and_allows_bookmarks(v1, namespace):
    v1.create_namespaced_pod(namespace, pod("existing"))
    w = watch.Watch()
    first = None
    for event in w.stream(
        v1.list_namespaced_pod, namespace, allow_watch_bookmarks=True, timeout_seconds=10
    ):
        first = event
        w.stop()
    assert first is not None
    assert first["type"] == "ADDED"
    assert first["object"].metadata.name == "existing"


def test_timeout_seconds_ends_the_stream(v1, namespace):
    w = watch.Watch()
    started = time.monotonic()
    events = list(w.stream(v1.list_namespaced_pod, namespace, timeout_seconds=1))
    elapsed = time.monotonic() - started
    assert events == []
    assert 0.5 < elapsed < 10
