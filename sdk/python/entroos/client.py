"""The synchronous client.

What each method sends and how its answer is read lives in shared, I/O-free modules (``_operations``,
``_request``, ``_manifest``, ``entroos_api``, ``watch.WatchState``); this module only sends, with httpx's
blocking client, and :mod:`entroos.aio` does the same with asyncio.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Generic, List, Mapping, Optional, Sequence, Type, TypeVar, Union

import httpx

from . import entroos_api as api
from . import kinds
from ._manifest import discovery, documents, known_type
from ._operations import Operations, Selector
from ._request import Attempts, Call, answer, http_options, outgoing, R
from .config import Config, Verify, resolve
from .lists import ObjectList
from .models import (
    ClusterHistory,
    Decision,
    KubeObject,
    LabResult,
    NodeUsage,
    Proof,
    ProofExport,
    ProofVerification,
    SchedulerConfig,
    SchedulerStatus,
    WhoAmI,
)
from .resource import Body, ResourceType
from .watch import Watch

if TYPE_CHECKING:
    from .live import LiveTable

T = TypeVar("T", bound=KubeObject)


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
        self.http = httpx.Client(**http_options(self.config), transport=transport)
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
        out = outgoing(method, path, params, json_body, content, headers)
        attempts = Attempts(out, self.config)
        while True:
            try:
                response = self.http.request(out.method, out.path, params=out.params, content=out.content, headers=out.headers)
            except httpx.TransportError as error:
                self._sleep(attempts.after_error(error))
                continue
            delay = attempts.after_response(response.status_code, response.headers)
            if delay is None:
                return answer(response.status_code, response.content, response.headers)
            self._sleep(delay)

    def _call(self, call: Call[R]) -> R:
        return call.parse(
            self.request(call.method, call.path, params=call.params, json_body=call.json_body, content=call.content, headers=call.headers)
        )

    def resource(self, group: str, version: str, plural: str, namespaced: bool = True, model: Type[T] = KubeObject) -> "Resource[T]":  # type: ignore[assignment]
        """Any resource by group/version/plural: custom resources (``client.resource("stable.example.com",
        "v1", "crontabs")``) or built-ins without an accessor. ``model`` types its objects."""
        return Resource(self, ResourceType(group, version, plural, namespaced, model))

    def whoami(self) -> WhoAmI:
        return self._call(api.whoami())

    def apply_manifest(self, manifest: Union[str, Mapping[str, Any]], field_manager: str = "entroos-python", namespace: Optional[str] = None) -> List[KubeObject]:
        """Server-side applies every document of a YAML/JSON manifest (built-in kinds and custom resources)."""
        results: List[KubeObject] = []
        for doc in documents(manifest):
            rtype = known_type(doc)
            if rtype is None:
                rtype = self._call(discovery(doc))
            results.append(Resource(self, rtype).apply(doc, field_manager=field_manager, namespace=namespace))
        return results


class Resource(Generic[T]):
    """One resource type: list, get, create, replace, patch, apply, delete, watch."""

    def __init__(self, client: Client, rtype: ResourceType[T]) -> None:
        self.client = client
        self.type = rtype
        self._ops = Operations(rtype, lambda: client.config.namespace)

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
        pages = self._ops.list(namespace, all_namespaces, label_selector, field_selector, limit, page_size)
        call: Optional[Call[Any]] = pages.first
        while call is not None:
            call = pages.feed(self.client._call(call))
        return pages.result

    def get(self, name: str, namespace: Optional[str] = None) -> T:
        return self.client._call(self._ops.get(name, namespace))

    def create(self, obj: Body, namespace: Optional[str] = None, *, dry_run: bool = False) -> T:
        return self.client._call(self._ops.create(obj, namespace, dry_run))

    def replace(self, obj: Body, namespace: Optional[str] = None) -> T:
        """PUT: fails with :class:`~entroos.errors.Conflict` when ``metadata.resourceVersion`` is stale."""
        return self.client._call(self._ops.replace(obj, namespace))

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
        return self.client._call(self._ops.patch(name, patch, namespace, patch_type, field_manager, subresource))

    def apply(
        self, obj: Body, namespace: Optional[str] = None, *, field_manager: str = "entroos-python", force: bool = False
    ) -> T:
        """Server-side apply: creates the object or merges this manager's fields into it."""
        return self.client._call(self._ops.apply(obj, namespace, field_manager, force))

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
        return self.client._call(self._ops.delete(name, namespace, grace_period_seconds, propagation_policy, dry_run))

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
        state = self._ops.watch(
            namespace, all_namespaces, label_selector, field_selector, resource_version, timeout, bookmarks, max_backoff
        )
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
        watch = Watch(self.client, self._ops.wait_for(name, namespace, timeout), True)
        for event in watch:
            if self._ops.waited(event, condition):
                watch.stop()
                return event.object
        raise self._ops.wait_timed_out(name, timeout)


class Scheduler:
    """The scheduler: status, decisions (``why``), profiles and the policy laboratory."""

    def __init__(self, client: Client) -> None:
        self._c = client

    def status(self) -> SchedulerStatus:
        return self._c._call(api.scheduler_status())

    def decisions(self, limit: int = 50) -> ObjectList[Decision]:
        return self._c._call(api.decision_list(limit))

    def decision(self, pod: str, namespace: Optional[str] = None) -> Decision:
        """The latest decision for a pod (``"ns/name"``, ``name`` with ``namespace``, or its uid)."""
        return self._c._call(api.decision(pod, namespace, self._c.config.namespace))

    why = decision

    def profiles(self) -> SchedulerConfig:
        return self._c._call(api.profiles())

    def set_profiles(self, config: Union[SchedulerConfig, Mapping[str, Any]]) -> SchedulerConfig:
        return self._c._call(api.set_profiles(config))

    def reset_profiles(self) -> SchedulerConfig:
        return self._c._call(api.reset_profiles())

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
        return self._c._call(api.lab(body))


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
        return self._c._call(api.proof_list(namespace, pod, node, status, limit))

    def get(self, proof_id: str) -> Proof:
        return self._c._call(api.proof(proof_id))

    def verify(
        self, ids: Optional[Sequence[str]] = None, *, proofs: Optional[Sequence[Union[Proof, Mapping[str, Any]]]] = None
    ) -> ProofVerification:
        """Stored proofs by id (all, oldest first, when None; their status is recorded), or ``proofs=`` sent
        in the request and checked against the server's keys."""
        return self._c._call(api.verify(ids, proofs))

    def export(self, path: Union[str, Path, None] = None, limit: Optional[int] = None) -> ProofExport:
        """Every proof with its verification keys; with ``path`` also written there (for ``npx entroos-verify``)."""
        return self._c._call(api.export(path, limit))


class History:
    """The cluster's history (what the dashboard charts) and nodes' sampled use."""

    def __init__(self, client: Client) -> None:
        self._c = client

    def cluster(self, window: str = "15m") -> ClusterHistory:
        return self._c._call(api.cluster_history(window))

    def nodes(self) -> List[NodeUsage]:
        return self._c._call(api.nodes_history())

    def node(self, name: str) -> List[NodeUsage]:
        return self._c._call(api.node_history(name))


__all__ = ["Client", "History", "Proofs", "Resource", "Scheduler"]

