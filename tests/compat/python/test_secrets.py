"""Secrets through the official Python client (python3-kubernetes), as its users write them.

Run by tests/compat/python.test.ts with ENTROOS_URL and ENTROOS_TOKEN set.
"""

import base64
import json

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException


def b64(text):
    return base64.b64encode(text.encode()).decode()


def test_string_data_is_stored_as_base64_data_and_never_returned(v1, namespace):
    created = v1.create_namespaced_secret(
        namespace,
        client.V1Secret(
            metadata=client.V1ObjectMeta(name="db"),
            string_data={"password": "hunter2"},
            data={"user": b64("admin")},
        ),
    )
    assert created.type == "Opaque"
    assert created.data == {"user": b64("admin"), "password": b64("hunter2")}
    assert created.string_data is None

    read = v1.read_namespaced_secret("db", namespace)
    assert read.data["password"] == b64("hunter2")
    assert read.string_data is None

    listed = v1.list_namespaced_secret(namespace)
    assert [s.metadata.name for s in listed.items] == ["db"]


def test_replace_and_patch_merge_string_data(v1, namespace):
    v1.create_namespaced_secret(
        namespace, client.V1Secret(metadata=client.V1ObjectMeta(name="app"), string_data={"a": "1"})
    )
    current = v1.read_namespaced_secret("app", namespace)
    current.string_data = {"b": "2"}
    replaced = v1.replace_namespaced_secret("app", namespace, current)
    assert replaced.data == {"a": b64("1"), "b": b64("2")}
    assert replaced.string_data is None

    patched = v1.patch_namespaced_secret("app", namespace, {"stringData": {"c": "3"}})
    assert patched.data["c"] == b64("3")
    assert patched.string_data is None


def test_invalid_secrets_are_422_with_causes(v1, namespace):
    with pytest.raises(ApiException) as raised:
        v1.create_namespaced_secret(
            namespace,
            client.V1Secret(
                metadata=client.V1ObjectMeta(name="tls"),
                type="kubernetes.io/tls",
                string_data={"tls.crt": "x"},
            ),
        )
    assert raised.value.status == 422
    status = json.loads(raised.value.body)
    assert status["reason"] == "Invalid"
    assert status["details"]["causes"] == [
        {"reason": "FieldValueRequired", "message": "Required value", "field": "data[tls.key]"}
    ]

    v1.create_namespaced_secret(
        namespace, client.V1Secret(metadata=client.V1ObjectMeta(name="typed"), string_data={"a": "1"})
    )
    with pytest.raises(ApiException) as raised:
        v1.patch_namespaced_secret("typed", namespace, {"type": "kubernetes.io/basic-auth"})
    assert raised.value.status == 422
    # As ValidateSecretUpdate: the immutable type first, then what the new type requires.
    assert [c["field"] for c in json.loads(raised.value.body)["details"]["causes"]] == [
        "type",
        "data[username]",
        "data[password]",
    ]


def test_watch_sees_secrets_added_and_deleted(v1, namespace):
    listed = v1.list_namespaced_secret(namespace)
    v1.create_namespaced_secret(
        namespace, client.V1Secret(metadata=client.V1ObjectMeta(name="watched"), string_data={"k": "v"})
    )
    v1.delete_namespaced_secret("watched", namespace)
    seen = []
    w = watch.Watch()
    for event in w.stream(
        v1.list_namespaced_secret,
        namespace,
        resource_version=listed.metadata.resource_version,
        timeout_seconds=10,
    ):
        seen.append((event["type"], event["object"].metadata.name))
        if event["type"] == "ADDED":
            assert event["object"].data == {"k": b64("v")}
        if event["type"] == "DELETED":
            w.stop()
    assert seen == [("ADDED", "watched"), ("DELETED", "watched")]
