"""The built-in resources the clients name directly."""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type, TypeVar

from .models import (
    ConfigMap,
    Deployment,
    Event,
    Job,
    KubeObject,
    Namespace,
    Node,
    Pod,
    Secret,
    Service,
)
from .resource import ResourceType

T = TypeVar("T", bound=KubeObject)

PODS = ResourceType("", "v1", "pods", True, Pod, "Pod")
NODES = ResourceType("", "v1", "nodes", False, Node, "Node")
SERVICES = ResourceType("", "v1", "services", True, Service, "Service")
EVENTS = ResourceType("", "v1", "events", True, Event, "Event")
SECRETS = ResourceType("", "v1", "secrets", True, Secret, "Secret")
CONFIGMAPS = ResourceType("", "v1", "configmaps", True, ConfigMap, "ConfigMap")
NAMESPACES = ResourceType("", "v1", "namespaces", False, Namespace, "Namespace")
DEPLOYMENTS = ResourceType("apps", "v1", "deployments", True, Deployment, "Deployment")
JOBS = ResourceType("batch", "v1", "jobs", True, Job, "Job")
CRDS = ResourceType(
    "apiextensions.k8s.io", "v1", "customresourcedefinitions", False, KubeObject, "CustomResourceDefinition"
)

ALL: Tuple[ResourceType[Any], ...] = (PODS, NODES, SERVICES, EVENTS, SECRETS, CONFIGMAPS, NAMESPACES, DEPLOYMENTS, JOBS, CRDS)
BY_NAME: Dict[str, ResourceType[Any]] = {r.plural: r for r in ALL}
ALIASES = {
    "pod": "pods", "po": "pods", "node": "nodes", "no": "nodes", "service": "services", "svc": "services",
    "event": "events", "ev": "events", "secret": "secrets", "configmap": "configmaps", "cm": "configmaps",
    "namespace": "namespaces", "ns": "namespaces", "deployment": "deployments", "deploy": "deployments",
    "job": "jobs", "crd": "customresourcedefinitions", "crds": "customresourcedefinitions",
}
BY_KIND: Dict[str, ResourceType[Any]] = {r.kind: r for r in ALL}


def lookup(name: str) -> Optional[ResourceType[KubeObject]]:
    plural = ALIASES.get(name.lower(), name.lower())
    return BY_NAME.get(plural)


def custom(group: str, version: str, plural: str, namespaced: bool = True, model: Type[T] = KubeObject) -> ResourceType[T]:  # type: ignore[assignment]
    return ResourceType(group, version, plural, namespaced, model)
