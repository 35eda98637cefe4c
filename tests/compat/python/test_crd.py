"""CustomResourceDefinitions and custom resources through the official Python client (python3-kubernetes 22.6).

A CRD is created with ApiextensionsV1Api (typed models), its objects with CustomObjectsApi (plain dicts).
Run by tests/compat/python.test.ts with ENTROOS_URL and ENTROOS_TOKEN set.
"""

import json
import uuid

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from kube_helpers import until

GROUP = "py.example.com"
PLURAL = "gadgets"
CRD_NAME = PLURAL + "." + GROUP


@pytest.fixture(scope="module")
def namespace(api_client):
    v1 = client.CoreV1Api(api_client)
    name = "py-crd-" + uuid.uuid4().hex[:8]
    v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    yield name
    v1.delete_namespace(name)


def gadget_crd():
    schema = client.V1JSONSchemaProps(
        type="object",
        properties={
            "spec": client.V1JSONSchemaProps(
                type="object",
                properties={
                    "size": client.V1JSONSchemaProps(type="integer", minimum=0, default=1),
                    "color": client.V1JSONSchemaProps(type="string", enum=["red", "green", "blue"]),
                },
            ),
            "status": client.V1JSONSchemaProps(
                type="object", properties={"ready": client.V1JSONSchemaProps(type="boolean")}
            ),
        },
    )
    return client.V1CustomResourceDefinition(
        api_version="apiextensions.k8s.io/v1",
        kind="CustomResourceDefinition",
        metadata=client.V1ObjectMeta(name=CRD_NAME),
        spec=client.V1CustomResourceDefinitionSpec(
            group=GROUP,
            scope="Namespaced",
            names=client.V1CustomResourceDefinitionNames(
                plural=PLURAL, singular="gadget", kind="Gadget", short_names=["gd"]
            ),
            versions=[
                client.V1CustomResourceDefinitionVersion(
                    name="v1",
                    served=True,
                    storage=True,
                    schema=client.V1CustomResourceValidation(open_apiv3_schema=schema),
                    subresources=client.V1CustomResourceSubresources(status={}),
                )
            ],
        ),
    )


def gadget(name, **spec):
    return {
        "apiVersion": GROUP + "/v1",
        "kind": "Gadget",
        "metadata": {"name": name, "labels": {"suite": "python"}},
        "spec": spec,
    }


@pytest.fixture(scope="module")
def crd(api_client):
    ext = client.ApiextensionsV1Api(api_client)
    created = ext.create_custom_resource_definition(gadget_crd())
    assert created.metadata.name == CRD_NAME
    assert created.spec.names.list_kind == "GadgetList"

    def established():
        got = ext.read_custom_resource_definition(CRD_NAME)
        conditions = got.status.conditions or []
        return any(c.type == "Established" and c.status == "True" for c in conditions) and got

    yield until(established, "the CRD to be established")
    ext.delete_custom_resource_definition(CRD_NAME)

    def gone():
        try:
            ext.read_custom_resource_definition(CRD_NAME)
        except ApiException as err:
            return err.status == 404
        return False

    until(gone, "the CRD to be deleted")


def test_crd_is_listed_and_typed(api_client, crd):
    ext = client.ApiextensionsV1Api(api_client)
    names = [c.metadata.name for c in ext.list_custom_resource_definition().items]
    assert CRD_NAME in names
    assert crd.status.accepted_names.kind == "Gadget"
    assert crd.status.stored_versions == ["v1"]


def test_custom_objects_create_list_patch_delete(api_client, crd, namespace):
    objects = client.CustomObjectsApi(api_client)
    created = objects.create_namespaced_custom_object(GROUP, "v1", namespace, PLURAL, gadget("one", color="red"))
    assert created["spec"] == {"color": "red", "size": 1}
    assert created["metadata"]["generation"] == 1
    objects.create_namespaced_custom_object(GROUP, "v1", namespace, PLURAL, gadget("two", size=3))

    listed = objects.list_namespaced_custom_object(GROUP, "v1", namespace, PLURAL, label_selector="suite=python")
    assert listed["kind"] == "GadgetList"
    assert sorted(i["metadata"]["name"] for i in listed["items"]) == ["one", "two"]
    by_name = objects.list_cluster_custom_object(GROUP, "v1", PLURAL, field_selector="metadata.name=two")
    assert [i["metadata"]["name"] for i in by_name["items"]] == ["two"]

    patched = objects.patch_namespaced_custom_object(GROUP, "v1", namespace, PLURAL, "one", {"spec": {"size": 5}})
    assert patched["spec"] == {"color": "red", "size": 5}
    assert patched["metadata"]["generation"] == 2

    status = objects.patch_namespaced_custom_object_status(
        GROUP, "v1", namespace, PLURAL, "one", {"status": {"ready": True}, "spec": {"size": 9}}
    )
    assert status["status"] == {"ready": True}
    assert status["spec"]["size"] == 5

    with pytest.raises(ApiException) as invalid:
        objects.create_namespaced_custom_object(GROUP, "v1", namespace, PLURAL, gadget("bad", color="pink", size=-1))
    assert invalid.value.status == 422
    causes = json.loads(invalid.value.body)["details"]["causes"]
    assert sorted(c["field"] for c in causes) == ["spec.color", "spec.size"]

    objects.delete_namespaced_custom_object(GROUP, "v1", namespace, PLURAL, "two")
    with pytest.raises(ApiException) as missing:
        objects.get_namespaced_custom_object(GROUP, "v1", namespace, PLURAL, "two")
    assert missing.value.status == 404
    got = objects.get_namespaced_custom_object(GROUP, "v1", namespace, PLURAL, "one")
    assert got["status"] == {"ready": True}
