"""The synchronous client."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Generic, List, Mapping, Optional, Sequence, Type, TypeVar, Union

import httpx

from . import entroos_api as api
from . import kinds
from ._retry import IDEMPOTENT, RETRY_STATUS, retry_delay
from .config import Config, Verify, resolve
from .errors import ConnectionFailed, error_for
from .lists import ObjectList
from .models import (
    ClusterHistory,
    ConfigMap,
    Decision,
    Deployment,
    Event,
    Job,
    KubeObject,
    LabResult,
    Namespace,
    Node,
    NodeUsage,
    Pod,
    Proof,
    ProofExport,
    ProofVerification,
    SchedulerConfig,
    SchedulerStatus,
    Secret,
    Service,
    WhoAmI,
    build,
)
from .resource import (
    Body,
    ResourceType,
    body_of,
    delete_params,
    list_params,
    name_of,
    namespace_of,
    next_continue,
    patch_request,
)
from .watch import Watch, WatchState

if TYPE_CHECKING:
    from .live import LiveTable

T = TypeVar("T", bound=KubeObject)
Selector = Union[None, str, Mapping[str, str]]


class Client:
    """A synchronous EntroOS client.

    ``Client()`` reads ``ENTROOS_URL``/``ENTROOS_TOKEN`` (else ``$KUBECONFIG`` or ``~/.kube/config``);
    ``Client(url, token)`` or ``Client(kubeconfig="path")`` say it explicitly.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        kubeconfig: Union[str, Path, None] = None,
        context: Optional[str] = None,
        verify: Optional[Verify] = None,
        transport: Optional[httpx.BaseTransport] = None,
        sleep: Callable[[float], None] = time.sleep,
        **options: Any,
    ) -> None:
        self.config: Config = resolve(url, token, kubeconfig, context, verify, **options)
        self.http = httpx.Client(
            base_url=self.config.url,
            headers=self.config.auth_headers(),
            verify=self.config.verify,
            timeout=self.config.timeout,
            transport=transport,
        )
        self._sleep = sleep
        self.pods = Resource(self, kinds.PODS)
        self.nodes = Resource(self, kinds.NODES)
        self.services = Resource(self, kinds.SERVICES)
        self.events = Resource(self, kinds.EVENTS)
        self.secrets = Resource(self, kinds.SECRETS)
        self.configmaps = Resource(self, kinds.CONFIGMAPS)
        self.namespaces = Resource(self, kinds.NAMESPACES)
        self.deployments = Resource(self, kinds.DEPLOYMENTS)
        self.jobs = Resource(self, kinds.JOBS)
        self.crds = Resource(self, kinds.CRDS)
        self.scheduler = Scheduler(self)
        self.proofs = Proofs(self)
        self.history = History(self)

    # -- plumbing ------------------------------------------------------------------------------------------

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, str]] = None,
        json_body: Any = None,
        content: Optional[bytes] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> Any:
        """Sends one request, retrying 429/503 (honouring ``Retry-After``) and connection failures; returns the
        decoded JSON answer or raises the typed error from its ``Status``."""
        if json_body is not None:
            content = json.dumps(json_body).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        attempt = 0
        while True:
            try:
                response = self.http.request(method, path, params=params, content=content, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                # Nothing was sent: safe to retry whatever the method.
                if attempt >= self.config.max_retries:
                    raise ConnectionFailed(f"{method} {self.config.url}{path}: {error}") from error
                self._sleep(retry_delay(attempt, self.config.max_backoff, None))
                attempt += 1
                continue
            except httpx.TransportError as error:
                if method not in IDEMPOTENT or attempt >= self.config.max_retries:
                    raise ConnectionFailed(f"{method} {self.config.url}{path}: {error}") from error
                self._sleep(retry_delay(attempt, self.config.max_backoff, None))
                attempt += 1
                continue
            if response.status_code in RETRY_STATUS and attempt < self.config.max_retries:
                self._sleep(retry_delay(attempt, self.config.max_backoff, response.headers.get("retry-after")))
                attempt += 1
                continue
            if response.status_code >= 400:
                raise error_for(response.status_code, response.content, response.headers)
            if not response.content:
                return None
            # json.loads on the bytes: httpx 0.23 would first guess the charset of a body without one (slow).
            return json.loads(response.content)

    def resource(self, group: str, version: str, plural: str, namespaced: bool = True, model: Type[T] = KubeObject) -> "Resource[T]":  # type: ignore[assignment]
        """Any resource by group/version/plural: custom resources (``client.resource("stable.example.com",
        "v1", "crontabs")``) or built-ins without an accessor. ``model`` types its objects."""
        return Resource(self, ResourceType(group, version, plural, namespaced, model))

    def whoami(self) -> WhoAmI:
        return build(WhoAmI, self.request("GET", f"{api.BASE}/whoami"))

    def apply_manifest(self, manifest: Union[str, Mapping[str, Any]], field_manager: str = "entroos-python", namespace: Optional[str] = None) -> List[KubeObject]:
        """Server-side applies every document of a YAML/JSON manifest (built-in kinds and custom resources)."""
        results: List[KubeObject] = []
        for doc in _documents(manifest):
            results.append(self._resource_for(doc).apply(doc, field_manager=field_manager, namespace=namespace))
        return results

    def _resource_for(self, doc: Mapping[str, Any]) -> "Resource[KubeObject]":
        rtype = _type_for(doc, lambda group_version: self.request("GET", _discovery_path(group_version)))
        return Resource(self, rtype)


def _documents(manifest: Union[str, Mapping[str, Any]]) -> List[Dict[str, Any]]:
    if not isinstance(manifest, str):
        return [dict(manifest)]
    import yaml

    docs: List[Dict[str, Any]] = []
    for doc in yaml.safe_load_all(manifest):
        if isinstance(doc, dict) and doc.get("kind") == "List":
            docs.extend(d for d in doc.get("items") or [] if isinstance(d, dict))
        elif isinstance(doc, dict):
            docs.append(doc)
    return docs


def _discovery_path(group_version: str) -> str:
    return f"/api/{group_version}" if "/" not in group_version else f"/apis/{group_version}"


def _type_for(doc: Mapping[str, Any], discover: Callable[[str], Any]) -> ResourceType[KubeObject]:
    kind = str(doc.get("kind", ""))
    api_version = str(doc.get("apiVersion", ""))
    known = kinds.BY_KIND.get(kind)
    if known is not None and known.api_version == api_version:
        return known
    listing = discover(api_version)
    for res in listing.get("resources") or []:
        if res.get("kind") == kind and "/" not in str(res.get("name")):
            group, _, version = api_version.rpartition("/")
            return ResourceType(group, version, str(res["name"]), bool(res.get("namespaced")), KubeObject, kind)
    raise ValueError(f"the server has no kind {kind!r} in {api_version!r}")


class Resource(Generic[T]):
    """One resource type: list, get, create, replace, patch, apply, delete, watch."""

    def __init__(self, client: Client, rtype: ResourceType[T]) -> None:
        self.client = client
        self.type = rtype

    def _ns(self, namespace: Optional[str]) -> Optional[str]:
        return (namespace or self.client.config.namespace) if self.type.namespaced else None

    def list(
        self,
        namespace: Optional[str] = None,
        *,
        all_namespaces: bool = False,
        label_selector: Selector = None,
        field_selector: Selector = None,
        limit: Optional[int] = None,
        page_size: Optional[int] = None,
    ) -> ObjectList[T]:
        """Objects in ``namespace`` (the client's default namespace if None), or everywhere with
        ``all_namespaces=True``. ``page_size`` pages through ``continue`` tokens; ``limit`` returns one page."""
        path = self.type.path(None if all_namespaces else self._ns(namespace))
        if limit:
            return self.type.to_list(self.client.request("GET", path, params=list_params(label_selector, field_selector, limit)))
        data = self.client.request("GET", path, params=list_params(label_selector, field_selector, page_size))
        result = self.type.to_list(data)
        token = next_continue(data)
        while token:
            data = self.client.request("GET", path, params=list_params(label_selector, field_selector, page_size, token))
            result.extend(self.type.to_list(data))
            token = next_continue(data)
        return result

    def get(self, name: str, namespace: Optional[str] = None) -> T:
        return self.type.to_object(self.client.request("GET", self.type.path(self._ns(namespace), name)))

    def create(self, obj: Body, namespace: Optional[str] = None, *, dry_run: bool = False) -> T:
        body = body_of(obj)
        body.setdefault("apiVersion", self.type.api_version)
        if self.type.kind:
            body.setdefault("kind", self.type.kind)
        ns = namespace_of(self.type, body, namespace, self.client.config.namespace)
        params = {"dryRun": "All"} if dry_run else None
        return self.type.to_object(self.client.request("POST", self.type.path(ns), params=params, json_body=body))

    def replace(self, obj: Body, namespace: Optional[str] = None) -> T:
        """PUT: fails with :class:`~entroos.errors.Conflict` when ``metadata.resourceVersion`` is stale."""
        body = body_of(obj)
        ns = namespace_of(self.type, body, namespace, self.client.config.namespace)
        return self.type.to_object(self.client.request("PUT", self.type.path(ns, name_of(body)), json_body=body))

    def patch(
        self,
        name: str,
        patch: Union[Body, List[Any], str],
        namespace: Optional[str] = None,
        *,
        patch_type: str = "merge",
        field_manager: Optional[str] = None,
        subresource: Optional[str] = None,
    ) -> T:
        content, headers, params = patch_request(patch, patch_type, field_manager, False)
        path = self.type.path(self._ns(namespace), name, subresource)
        return self.type.to_object(self.client.request("PATCH", path, params=params, content=content, headers=headers))

    def apply(
        self, obj: Body, namespace: Optional[str] = None, *, field_manager: str = "entroos-python", force: bool = False
    ) -> T:
        """Server-side apply: creates the object or merges this manager's fields into it."""
        body = body_of(obj)
        body.setdefault("apiVersion", self.type.api_version)
        if self.type.kind:
            body.setdefault("kind", self.type.kind)
        ns = namespace_of(self.type, body, namespace, self.client.config.namespace)
        content, headers, params = patch_request(body, "apply", field_manager, force)
        path = self.type.path(ns, name_of(body))
        return self.type.to_object(self.client.request("PATCH", path, params=params, content=content, headers=headers))

    def delete(
        self,
        name: str,
        namespace: Optional[str] = None,
        *,
        grace_period_seconds: Optional[int] = None,
        propagation_policy: Optional[str] = None,
        dry_run: bool = False,
    ) -> Dict[str, Any]:
        """Deletes; returns the server's answer (the object being deleted, or a ``Status``)."""
        params = delete_params(grace_period_seconds, propagation_policy, dry_run)
        answer = self.client.request("DELETE", self.type.path(self._ns(namespace), name), params=params)
        return dict(answer or {})

    def watch(
        self,
        namespace: Optional[str] = None,
        *,
        all_namespaces: bool = False,
        label_selector: Selector = None,
        field_selector: Selector = None,
        resource_version: Optional[str] = None,
        timeout: Optional[float] = None,
        initial: bool = True,
        bookmarks: bool = False,
        max_backoff: float = 30.0,
    ) -> Watch[T]:
        """Events until ``timeout`` seconds have passed (forever when None) or ``stop()``.

        Without ``resource_version`` it lists first and hands out the current objects as ADDED (unless
        ``initial=False``). It resumes from the last resourceVersion after a dropped connection or a
        server restart (reconnecting with jittered exponential backoff up to ``max_backoff``), and on
        410 Gone lists again once and hands out what changed meanwhile (events with ``relisted=True``).
        """
        ns = None if all_namespaces else self._ns(namespace)
        state = WatchState(self.type, ns, label_selector, field_selector, resource_version, timeout, bookmarks, max_backoff)
        return Watch(self.client, state, initial)

    def live(
        self, namespace: Optional[str] = None, *, all_namespaces: bool = False, label_selector: Selector = None
    ) -> "LiveTable[T]":
        """In a notebook: a table of these objects that updates in place from a watch; ``.stop()`` ends it."""
        from .live import live

        return live(self, namespace, all_namespaces=all_namespaces, label_selector=label_selector)

    def wait_for(
        self,
        name: str,
        condition: Callable[[T], bool],
        namespace: Optional[str] = None,
        timeout: float = 60.0,
    ) -> T:
        """Watches one object until ``condition(obj)`` holds; raises ``TimeoutError`` after ``timeout``."""
        watch = self.watch(namespace, field_selector={"metadata.name": name}, timeout=timeout)
        for event in watch:
            if event.type != "DELETED" and condition(event.object):
                watch.stop()
                return event.object
        raise TimeoutError(f"{self.type.plural}/{name}: condition not met within {timeout} s")


class Scheduler:
    """The scheduler: status, decisions (``why``), profiles and the policy laboratory."""

    def __init__(self, client: Client) -> None:
        self._c = client

    def status(self) -> SchedulerStatus:
        return build(SchedulerStatus, self._c.request("GET", f"{api.BASE}/scheduler"))

    def decisions(self, limit: int = 50) -> ObjectList[Decision]:
        return api.decisions(self._c.request("GET", f"{api.BASE}/scheduler/decisions", params={"limit": str(limit)}))

    def decision(self, pod: str, namespace: Optional[str] = None) -> Decision:
        """The latest decision for a pod (``"ns/name"``, ``name`` with ``namespace``, or its uid)."""
        key = pod if "/" in pod or namespace is None and _looks_like_uid(pod) else f"{namespace or self._c.config.namespace}/{pod}"
        return build(Decision, self._c.request("GET", f"{api.BASE}/scheduler/decisions", params={"pod": key}))

    why = decision

    def profiles(self) -> SchedulerConfig:
        return build(SchedulerConfig, self._c.request("GET", f"{api.BASE}/scheduler/config"))

    def set_profiles(self, config: Union[SchedulerConfig, Mapping[str, Any]]) -> SchedulerConfig:
        return build(SchedulerConfig, self._c.request("PUT", f"{api.BASE}/scheduler/config", json_body=body_of(config)))

    def reset_profiles(self) -> SchedulerConfig:
        return build(SchedulerConfig, self._c.request("DELETE", f"{api.BASE}/scheduler/config"))

    def lab(
        self,
        profiles: Sequence[str],
        *,
        nodes: Optional[Sequence[Mapping[str, Any]]] = None,
        workload: Optional[Sequence[Mapping[str, Any]]] = None,
        generate_nodes: Optional[int] = None,
        generate_pods: Optional[int] = None,
        duration_ms: Optional[float] = None,
        seed: int = 1,
        sample_every_ms: Optional[float] = None,
    ) -> LabResult:
        """Replays a workload under each profile in isolated in-memory clusters (deterministic for a seed)."""
        body = api.lab_body(profiles, nodes, workload, generate_nodes, generate_pods, duration_ms, seed, sample_every_ms)
        return build(LabResult, self._c.request("POST", f"{api.BASE}/scheduler/lab", json_body=body))


def _looks_like_uid(value: str) -> bool:
    return len(value) == 36 and value.count("-") == 4


class Proofs:
    """Placement proofs: list, get, verify on the server, export for offline checking."""

    def __init__(self, client: Client) -> None:
        self._c = client

    def list(
        self,
        namespace: Optional[str] = None,
        pod: Optional[str] = None,
        node: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> api.PlacementList:
        params = api.proof_query(namespace, pod, node, status, limit)
        return api.placements(self._c.request("GET", f"{api.BASE}/proofs", params=params))

    def get(self, proof_id: str) -> Proof:
        return build(Proof, self._c.request("GET", f"{api.BASE}/proofs/{proof_id}"))

    def verify(
        self, ids: Optional[Sequence[str]] = None, *, proofs: Optional[Sequence[Union[Proof, Mapping[str, Any]]]] = None
    ) -> ProofVerification:
        """Stored proofs by id (all, oldest first, when None; their status is recorded), or ``proofs=`` sent
        in the request and checked against the server's keys."""
        body = api.verify_body(ids, proofs)
        return build(ProofVerification, self._c.request("POST", f"{api.BASE}/proofs/verify", json_body=body))

    def export(self, path: Union[str, Path, None] = None, limit: Optional[int] = None) -> ProofExport:
        """Every proof with its verification keys; with ``path`` also written there (for ``npx entroos-verify``)."""
        params = {"limit": str(limit)} if limit else None
        data = self._c.request("GET", f"{api.BASE}/proofs/export", params=params)
        if path is not None:
            Path(path).write_text(json.dumps(data))
        return build(ProofExport, data)


class History:
    """The cluster's history (what the dashboard charts) and nodes' sampled use."""

    def __init__(self, client: Client) -> None:
        self._c = client

    def cluster(self, window: str = "15m") -> ClusterHistory:
        return build(ClusterHistory, self._c.request("GET", f"{api.BASE}/history", params={"window": window}))

    def nodes(self) -> List[NodeUsage]:
        return api.node_usage(self._c.request("GET", f"{api.BASE}/history/nodes"), "items")

    def node(self, name: str) -> List[NodeUsage]:
        return api.node_usage(self._c.request("GET", f"{api.BASE}/history/nodes/{name}"), "points")


__all__ = ["Client", "History", "Proofs", "Resource", "Scheduler"]

