"""Typed models of the kinds the SDK exposes.

They are pydantic 1.10 models (Debian bookworm's ``python3-pydantic``) rather than dataclasses
generated from the OpenAPI document, because the server's objects evolve (custom resources,
fields added by newer versions) and a client must not drop what it does not know: every model
keeps unknown fields (``Extra.allow``) and writes them back unchanged, while the fields an analyst
or an SRE reads every day (metadata, pod phase, node capacity, replicas, ...) are typed and
validated. Field names are the API's own camelCase names, so ``obj.dict()`` is the JSON the
server speaks, and the YAML people already know maps one to one onto attributes.
"""

from __future__ import annotations

import base64
from typing import Any, Dict, List, Optional, Tuple, Type, TypeVar

from pydantic import BaseModel, Extra
from pydantic.fields import SHAPE_LIST, SHAPE_SINGLETON, ModelField


class Model(BaseModel):
    """A model that keeps fields it does not declare (``Extra.allow``)."""

    class Config:
        extra = Extra.allow
        allow_population_by_field_name = True

    def to_dict(self) -> Dict[str, Any]:
        """The JSON-compatible dict the server accepts (unset fields left out, unknown ones kept)."""
        return self.dict(exclude_none=True)


class OwnerReference(Model):
    apiVersion: str = ""
    kind: str = ""
    name: str = ""
    uid: str = ""
    controller: Optional[bool] = None


class ObjectMeta(Model):
    name: Optional[str] = None
    generateName: Optional[str] = None
    namespace: Optional[str] = None
    uid: Optional[str] = None
    resourceVersion: Optional[str] = None
    generation: Optional[int] = None
    creationTimestamp: Optional[str] = None
    deletionTimestamp: Optional[str] = None
    labels: Optional[Dict[str, str]] = None
    annotations: Optional[Dict[str, str]] = None
    ownerReferences: Optional[List[OwnerReference]] = None
    finalizers: Optional[List[str]] = None


class Condition(Model):
    type: str = ""
    status: str = ""
    reason: Optional[str] = None
    message: Optional[str] = None
    lastTransitionTime: Optional[str] = None


class KubeObject(Model):
    """Any object: ``apiVersion``, ``kind``, typed ``metadata``; the rest kept as it came (``obj.spec`` …)."""

    apiVersion: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = ObjectMeta()

    @property
    def name(self) -> str:
        return self.metadata.name or ""

    @property
    def namespace(self) -> Optional[str]:
        return self.metadata.namespace

    def _repr_html_(self) -> str:
        from .display import table
        from .frames import generic_row

        return table([generic_row(self)], f"{self.kind or 'Object'} {self.name}")

    def get(self, path: str, default: Any = None) -> Any:
        """A field by dotted path (``obj.get("spec.replicas")``), for kinds without a typed model."""
        value: Any = self.to_dict()
        for part in path.split("."):
            if isinstance(value, dict) and part in value:
                value = value[part]
            else:
                return default
        return value


# --- core/v1 ---------------------------------------------------------------------------------------------


class Container(Model):
    name: str = ""
    image: Optional[str] = None
    resources: Optional[Dict[str, Dict[str, str]]] = None


class ContainerStatus(Model):
    name: str = ""
    ready: bool = False
    restartCount: int = 0
    image: Optional[str] = None
    state: Optional[Dict[str, Any]] = None


class PodSpec(Model):
    containers: List[Container] = []
    nodeName: Optional[str] = None
    schedulerName: Optional[str] = None
    restartPolicy: Optional[str] = None
    priority: Optional[int] = None


class PodStatus(Model):
    phase: Optional[str] = None
    podIP: Optional[str] = None
    hostIP: Optional[str] = None
    reason: Optional[str] = None
    message: Optional[str] = None
    startTime: Optional[str] = None
    conditions: Optional[List[Condition]] = None
    containerStatuses: Optional[List[ContainerStatus]] = None


class Pod(KubeObject):
    spec: PodSpec = PodSpec()
    status: PodStatus = PodStatus()

    @property
    def phase(self) -> str:
        return self.status.phase or "Unknown"

    @property
    def node(self) -> Optional[str]:
        return self.spec.nodeName

    @property
    def ready(self) -> bool:
        return any(c.type == "Ready" and c.status == "True" for c in self.status.conditions or [])

    def _repr_html_(self) -> str:
        from .display import pod_html

        return pod_html(self)


class NodeSpec(Model):
    unschedulable: Optional[bool] = None
    taints: Optional[List[Dict[str, Any]]] = None
    podCIDR: Optional[str] = None


class NodeStatus(Model):
    capacity: Dict[str, str] = {}
    allocatable: Dict[str, str] = {}
    conditions: Optional[List[Condition]] = None
    addresses: Optional[List[Dict[str, str]]] = None
    nodeInfo: Optional[Dict[str, str]] = None


class Node(KubeObject):
    spec: NodeSpec = NodeSpec()
    status: NodeStatus = NodeStatus()

    @property
    def ready(self) -> bool:
        return any(c.type == "Ready" and c.status == "True" for c in self.status.conditions or [])


class ServicePort(Model):
    name: Optional[str] = None
    port: int = 0
    targetPort: Optional[Any] = None
    protocol: Optional[str] = None
    nodePort: Optional[int] = None


class ServiceSpec(Model):
    type: Optional[str] = None
    clusterIP: Optional[str] = None
    selector: Optional[Dict[str, str]] = None
    ports: Optional[List[ServicePort]] = None


class Service(KubeObject):
    spec: ServiceSpec = ServiceSpec()
    status: Optional[Dict[str, Any]] = None


class ObjectReference(Model):
    kind: Optional[str] = None
    namespace: Optional[str] = None
    name: Optional[str] = None
    uid: Optional[str] = None


class Event(KubeObject):
    involvedObject: ObjectReference = ObjectReference()
    reason: Optional[str] = None
    message: Optional[str] = None
    type: Optional[str] = None
    count: Optional[int] = None
    firstTimestamp: Optional[str] = None
    lastTimestamp: Optional[str] = None
    source: Optional[Dict[str, str]] = None


class Secret(KubeObject):
    type: Optional[str] = None
    data: Optional[Dict[str, str]] = None
    stringData: Optional[Dict[str, str]] = None
    immutable: Optional[bool] = None

    def decoded(self) -> Dict[str, bytes]:
        """``data`` with each value base64-decoded."""
        return {k: base64.b64decode(v) for k, v in (self.data or {}).items()}


class ConfigMap(KubeObject):
    data: Optional[Dict[str, str]] = None


class Namespace(KubeObject):
    status: Optional[Dict[str, Any]] = None


# --- apps/v1, batch/v1 -------------------------------------------------------------------------------------


class DeploymentSpec(Model):
    replicas: Optional[int] = None
    selector: Optional[Dict[str, Any]] = None
    template: Optional[Dict[str, Any]] = None
    strategy: Optional[Dict[str, Any]] = None


class DeploymentStatus(Model):
    observedGeneration: Optional[int] = None
    replicas: Optional[int] = None
    readyReplicas: Optional[int] = None
    availableReplicas: Optional[int] = None
    updatedReplicas: Optional[int] = None
    conditions: Optional[List[Condition]] = None


class Deployment(KubeObject):
    spec: DeploymentSpec = DeploymentSpec()
    status: DeploymentStatus = DeploymentStatus()


class JobSpec(Model):
    completions: Optional[int] = None
    parallelism: Optional[int] = None
    backoffLimit: Optional[int] = None
    template: Optional[Dict[str, Any]] = None


class JobStatus(Model):
    active: Optional[int] = None
    succeeded: Optional[int] = None
    failed: Optional[int] = None
    startTime: Optional[str] = None
    completionTime: Optional[str] = None
    conditions: Optional[List[Condition]] = None


class Job(KubeObject):
    spec: JobSpec = JobSpec()
    status: JobStatus = JobStatus()


# --- entroos.io/v1 -------------------------------------------------------------------------------------------


class Candidate(Model):
    node: str = ""
    score: float = 0
    entropyAfter: Optional[float] = None


class NodeDetail(Model):
    node: str = ""
    feasible: bool = False
    plugin: Optional[str] = None
    reason: Optional[str] = None
    scores: Optional[Dict[str, Dict[str, float]]] = None
    total: Optional[float] = None
    entropyAfter: Optional[float] = None


class Decision(Model):
    """One scheduling attempt: why the pod went where it did (``detail`` only while recent)."""

    pod: str = ""
    uid: str = ""
    createdAt: Optional[str] = None
    profile: str = ""
    at: str = ""
    result: str = ""
    node: Optional[str] = None
    message: str = ""
    nodes: int = 0
    evaluated: int = 0
    feasible: int = 0
    filterReasons: Dict[str, int] = {}
    top: List[Candidate] = []
    entropyBefore: float = 0
    entropyAfter: Optional[float] = None
    durationMs: float = 0
    nominatedNode: Optional[str] = None
    detail: Optional[List[NodeDetail]] = None

    def _repr_html_(self) -> str:
        from .display import decision_html

        return decision_html(self)


class ScoreWeight(Model):
    name: str
    weight: float


class Profile(Model):
    name: str
    filters: List[str] = []
    scores: List[ScoreWeight] = []
    postFilters: Optional[List[str]] = None
    percentageOfNodesToScore: Optional[float] = None


class SchedulerConfig(Model):
    defaultProfile: str
    cpuWeight: float = 0.5
    profiles: List[Profile]


class SchedulerStatus(Model):
    config: SchedulerConfig
    queue: Dict[str, int] = {}
    nodes: int = 0
    clusterEntropy: float = 0
    totals: Dict[str, int] = {}
    attemptLatencyMs: Dict[str, float] = {}


class LabSample(Model):
    atMs: float
    entropy: float
    utilisationStdDev: float
    pending: int
    nodesUsed: int
    scheduled: int


class LabProfileResult(Model):
    profile: str
    samples: List[LabSample]
    final: LabSample
    podsPerSecond: float


class LabResult(Model):
    seed: Optional[int] = None
    results: List[LabProfileResult] = []

    def to_dataframe(self) -> Any:
        """Long format: one row per (profile, sample)."""
        from .frames import require_pandas

        pandas = require_pandas()
        return pandas.DataFrame([{"profile": r.profile, **s.dict()} for r in self.results for s in r.samples])

    def summary(self) -> Any:
        """One row per profile: final entropy, spread of utilisation, nodes used, pods/s."""
        from .frames import require_pandas

        pandas = require_pandas()
        return pandas.DataFrame(
            [{"profile": r.profile, **r.final.dict(), "podsPerSecond": r.podsPerSecond} for r in self.results]
        ).set_index("profile")


class Placement(Model):
    """A binding with its proof's id and status (``batch``); the pod's requests stay private."""

    bindingId: str = ""
    slot: int = 0
    podUid: str = ""
    namespace: str = ""
    name: str = ""
    node: str = ""
    commitment: str = ""
    createdAt: Optional[str] = None
    batch: Optional[Dict[str, Any]] = None

    @property
    def proof_id(self) -> Optional[str]:
        return None if self.batch is None else str(self.batch.get("id"))

    @property
    def status(self) -> Optional[str]:
        return None if self.batch is None else str(self.batch.get("status"))


class Proof(Model):
    id: str
    circuit: str
    vkeyId: str = ""
    status: str = ""
    proveMs: Optional[float] = None
    createdAt: Optional[str] = None
    verifiedAt: Optional[str] = None
    proof: Dict[str, Any] = {}
    publicSignals: List[str] = []
    placements: List[Placement] = []

    def _repr_html_(self) -> str:
        from .display import proof_html

        return proof_html(self)


class ProofVerification(Model):
    valid: bool
    verified: Optional[List[str]] = None
    invalid: Optional[List[str]] = None
    results: Optional[List[bool]] = None


class ProofExport(Model):
    exportedAt: Optional[str] = None
    vkeys: Dict[str, Dict[str, Any]] = {}
    proofs: List[Proof] = []


class HistoryPoint(Model):
    """One step of the cluster history: cpu in millicores, memory in bytes, entropy 0–100."""

    t: float
    nodesReady: float = 0
    nodesTotal: float = 0
    podsPending: float = 0
    podsRunning: float = 0
    podsSucceeded: float = 0
    podsFailed: float = 0
    cpuCapacity: float = 0
    cpuRequested: float = 0
    cpuUsed: float = 0
    memCapacity: float = 0
    memRequested: float = 0
    memUsed: float = 0
    entropy: float = 0
    scheduledPerSecond: float = 0
    queued: float = 0
    attemptP99Ms: float = 0
    n: int = 1


class ClusterHistory(Model):
    window: str = "15m"
    stepSeconds: float = 10
    points: List[HistoryPoint] = []

    def to_dataframe(self) -> Any:
        """One row per point, indexed by time."""
        from .frames import require_pandas

        pandas = require_pandas()
        frame = pandas.DataFrame([p.dict() for p in self.points])
        if len(frame):
            frame.index = pandas.to_datetime(frame["t"], unit="ms")
        return frame


class NodeUsage(Model):
    node: Optional[str] = None
    t: float = 0
    cpuUsed: float = 0
    memUsed: float = 0


class WhoAmI(Model):
    username: str
    role: str
    via: Optional[str] = None


T = TypeVar("T", bound=BaseModel)

# How to build each model from trusted data: per field, the nested model and whether it is a list; the
# fields whose default is immutable (filled in as is), and those whose default must be copied each time.
_Plan = Tuple[List[Tuple[str, Type[BaseModel], bool]], List[Tuple[str, Any]], List[Tuple[str, ModelField]]]
_PLANS: Dict[Type[BaseModel], _Plan] = {}
_IMMUTABLE = (type(None), str, int, float, bool)


def _plan(model: Type[BaseModel]) -> _Plan:
    nested: List[Tuple[str, Type[BaseModel], bool]] = []
    fixed: List[Tuple[str, Any]] = []
    fresh: List[Tuple[str, ModelField]] = []
    for name, field in model.__fields__.items():
        inner = field.type_
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            if field.shape == SHAPE_SINGLETON:
                nested.append((name, inner, False))
            elif field.shape == SHAPE_LIST:
                nested.append((name, inner, True))
        if field.required:
            continue
        if field.default_factory is None and type(field.default) in _IMMUTABLE:
            fixed.append((name, field.default))
        else:
            fresh.append((name, field))
    plan = (nested, fixed, fresh)
    _PLANS[model] = plan
    return plan


def build(model: Type[T], data: Dict[str, Any]) -> T:
    """Builds ``model`` from an object the server sent, without validating it again.

    The server validated the object against the kind's schema when it was written, so re-checking
    every field on the way in only costs time (pydantic 1.10 on Debian is not compiled: validating
    a list of 1,000 pods takes longer than fetching it). Nested models are still built, so
    attributes have their declared types; :func:`parse` validates (used for objects users write).
    This is what pydantic's ``construct()`` does, without its per-call overhead.
    """
    nested, fixed, fresh = _PLANS.get(model) or _plan(model)
    values = dict(data)
    for name, sub, is_list in nested:
        raw = values.get(name)
        if raw is None:
            continue
        if is_list:
            if isinstance(raw, list):
                values[name] = [build(sub, x) if isinstance(x, dict) else x for x in raw]
        elif isinstance(raw, dict):
            values[name] = build(sub, raw)
    for name, default in fixed:
        if name not in values:
            values[name] = default
    for name, field in fresh:
        if name not in values:
            values[name] = field.get_default()
    obj = model.__new__(model)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__fields_set__", set(data))
    return obj


def parse(model: Type[T], data: Any) -> T:
    """Validates ``data`` into ``model`` (raises ``pydantic.ValidationError``)."""
    return model.parse_obj(data)
