"""Server-side apply through the official Python client (python3-kubernetes 22.6), as its users write it.

22.6's typed APIs always send a patch as JSON (strategic merge for a dict), so an apply goes through
`ApiClient.call_api` with the `application/apply-patch+yaml` Content-Type and the body as a string (YAML or
JSON), or through the dynamic client's `server_side_apply` (which also wants the body as a string).
Run by tests/compat/python.test.ts with ENTROOS_URL and ENTROOS_TOKEN set.
"""

import json

import pytest
from kubernetes import client, dynamic
from kubernetes.client.rest import ApiException


def apply_config_map(api_client, namespace, name, body, manager, force=None):
    """PATCH …/configmaps/{name} as a server-side apply; returns the V1ConfigMap."""
    query = [("fieldManager", manager)]
    if force is not None:
        query.append(("force", force))
    return api_client.call_api(
        "/api/v1/namespaces/{namespace}/configmaps/{name}",
        "PATCH",
        {"namespace": namespace, "name": name},
        query,
        {"Content-Type": "application/apply-patch+yaml", "Accept": "application/json"},
        body=body,
        response_type="V1ConfigMap",
        auth_settings=["BearerToken"],
        _return_http_data_only=True,
    )


def manifest(name, data):
    return json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data})


def entry(obj, manager):
    return next((e for e in obj.metadata.managed_fields or [] if e.manager == manager), None)


def test_apply_creates_changes_and_prunes(api_client, v1, namespace):
    body = manifest("cfg", {"a": "1", "b": "2"})
    created = apply_config_map(api_client, namespace, "cfg", body, "py-apply")
    assert created.data == {"a": "1", "b": "2"}
    mine = entry(created, "py-apply")
    assert mine.operation == "Apply"
    assert mine.fields_v1 == {"f:data": {"f:a": {}, "f:b": {}}}

    changed = apply_config_map(api_client, namespace, "cfg", manifest("cfg", {"a": "10"}), "py-apply")
    assert changed.data == {"a": "10"}
    assert int(changed.metadata.resource_version) > int(created.metadata.resource_version)

    same = apply_config_map(api_client, namespace, "cfg", manifest("cfg", {"a": "10"}), "py-apply")
    assert same.metadata.resource_version == changed.metadata.resource_version


def test_apply_accepts_yaml(api_client, namespace):
    body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  greeting: hello\n"
    created = apply_config_map(api_client, namespace, "from-yaml", body, "py-yaml")
    assert created.data == {"greeting": "hello"}


def test_conflict_is_409_with_causes_and_force_takes_over(api_client, v1, namespace):
    apply_config_map(api_client, namespace, "shared", manifest("shared", {"a": "1"}), "alice")
    with pytest.raises(ApiException) as failed:
        apply_config_map(api_client, namespace, "shared", manifest("shared", {"a": "2"}), "bob")
    assert failed.value.status == 409
    status = json.loads(failed.value.body)
    assert status["reason"] == "Conflict"
    assert status["details"]["causes"] == [
        {"reason": "FieldManagerConflict", "message": 'conflict with "alice"', "field": ".data.a"}
    ]
    assert v1.read_namespaced_config_map("shared", namespace).data == {"a": "1"}

    # The client sends Python's spelling of a boolean: force=True.
    body = manifest("shared", {"a": "2"})
    forced = apply_config_map(api_client, namespace, "shared", body, "bob", force=True)
    assert forced.data == {"a": "2"}
    assert entry(forced, "alice") is None
    assert entry(forced, "bob").fields_v1 == {"f:data": {"f:a": {}}}


def test_missing_field_manager_is_400(api_client, namespace):
    with pytest.raises(ApiException) as failed:
        api_client.call_api(
            "/api/v1/namespaces/{namespace}/configmaps/{name}",
            "PATCH",
            {"namespace": namespace, "name": "nobody"},
            [],
            {"Content-Type": "application/apply-patch+yaml", "Accept": "application/json"},
            body=manifest("nobody", {"a": "1"}),
            response_type="V1ConfigMap",
            auth_settings=["BearerToken"],
        )
    assert failed.value.status == 400
    assert "fieldManager is required for apply requests" in json.loads(failed.value.body)["message"]


def test_typed_writes_record_update_managers(v1, namespace):
    v1.create_namespaced_config_map(
        namespace,
        client.V1ConfigMap(metadata=client.V1ObjectMeta(name="typed"), data={"a": "1"}),
        field_manager="py-create",
    )
    # No field_manager: the server names the manager after the client's User-Agent (OpenAPI-Generator/…).
    patched = v1.patch_namespaced_config_map("typed", namespace, {"data": {"b": "2"}})
    assert entry(patched, "py-create").operation == "Update"
    assert entry(patched, "py-create").fields_v1 == {"f:data": {".": {}, "f:a": {}}}
    assert entry(patched, "OpenAPI-Generator").fields_v1 == {"f:data": {"f:b": {}}}


def test_dynamic_client_server_side_apply(api_client, namespace):
    dyn = dynamic.DynamicClient(api_client)
    config_maps = dyn.resources.get(api_version="v1", kind="ConfigMap")
    body = manifest("dyn", {"k": "v"})
    created = dyn.server_side_apply(
        config_maps, body=body, name="dyn", namespace=namespace, field_manager="py-dyn"
    )
    assert created.data.k == "v"
    with pytest.raises(ApiException) as failed:
        dyn.server_side_apply(
            config_maps,
            body=manifest("dyn", {"k": "w"}),
            name="dyn",
            namespace=namespace,
            field_manager="other",
        )
    assert failed.value.status == 409
    forced = dyn.server_side_apply(
        config_maps,
        body=manifest("dyn", {"k": "w"}),
        name="dyn",
        namespace=namespace,
        field_manager="other",
        force_conflicts=True,
    )
    assert forced.data.k == "w"
