"""The asynchronous client (asyncio, httpx.AsyncClient): the same API as :mod:`entroos.client`, awaited.

Both send the same shared, I/O-free requests (see :mod:`entroos.client`); only the sending differs.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Generic, List, Mapping, Optional, Sequence, Type, TypeVar, Union

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
from .watch import AsyncWatch

T = TypeVar("T", bound=KubeObject)


class AsyncClient:
    """An asyncio EntroOS client (``async with AsyncClient() as c: await c.pods.list()``).

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
        transport: Optional[httpx.AsyncBaseTransport] = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **options: Any,
    ) -> None:
        self.config: Config = resolve(url, token, kubeconfig, context, verify, **options)
        self.http = httpx.AsyncClient(**http_options(self.config), transport=transport)
        self._sleep = sleep
        self.pods = AsyncResource(self, kinds.PODS)
        self.nodes = AsyncResource(self, kinds.NODES)
        self.services = AsyncResource(self, kinds.SERVICES)
        self.events = AsyncResource(self, kinds.EVENTS)
        self.secrets = AsyncResource(self, kinds.SECRETS)
        self.configmaps = AsyncResource(self, kinds.CONFIGMAPS)
        self.namespaces = AsyncResource(self, kinds.NAMESPACES)
        self.deployments = AsyncResource(self, kinds.DEPLOYMENTS)
        self.jobs = AsyncResource(self, kinds.JOBS)
        self.crds = AsyncResource(self, kinds.CRDS)
        self.scheduler = AsyncScheduler(self)
        self.proofs = AsyncProofs(self)
        self.history = AsyncHistory(self)

    # -- plumbing ------------------------------------------------------------------------------------------

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.http.aclose()

    async def request(
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
                response = await self.http.request(out.method, out.path, params=out.params, content=out.content, headers=out.headers)
            except httpx.TransportError as error:
                await self._sleep(attempts.after_error(error))
                continue
            delay = attempts.after_response(response.status_code, response.headers)
            if delay is None:
                return answer(response.status_code, response.content, response.headers)
            await self._sleep(delay)

    async def _call(self, call: Call[R]) -> R:
        return call.parse(
            await self.request(call.method, call.path, params=call.params, json_body=call.json_body, content=call.content, headers=call.headers)
        )

    def resource(self, group: str, version: str, plural: str, namespaced: bool = True, model: Type[T] = KubeObject) -> "AsyncResource[T]":  # type: ignore[assignment]
        """Any resource by group/version/plural: custom resources (``client.resource("stable.example.com",
        "v1", "crontabs")``) or built-ins without an accessor. ``model`` types its objects."""
        return AsyncResource(self, ResourceType(group, version, plural, namespaced, model))

    async def whoami(self) -> WhoAmI:
        return await self._call(api.whoami())

    async def apply_manifest(self, manifest: Union[str, Mapping[str, Any]], field_manager: str = "entroos-python", namespace: Optional[str] = None) -> List[KubeObject]:
        """Server-side applies every document of a YAML/JSON manifest (built-in kinds and custom resources)."""
        results: List[KubeObject] = []
        for doc in documents(manifest):
            rtype = known_type(doc)
            if rtype is None:
                discovered: ResourceType[KubeObject] = await self._call(discovery(doc))
                rtype = discovered
            results.append(await AsyncResource(self, rtype).apply(doc, field_manager=field_manager, namespace=namespace))
        return results


class AsyncResource(Generic[T]):
    """One resource type: list, get, create, replace, patch, apply, delete, watch."""

    def __init__(self, client: AsyncClient, rtype: ResourceType[T]) -> None:
        self.client = client
        self.type = rtype
        self._ops = Operations(rtype, lambda: client.config.namespace)

    async def list(
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
            call = pages.feed(await self.client._call(call))
        return pages.result

    async def get(self, name: str, namespace: Optional[str] = None) -> T:
        return await self.client._call(self._ops.get(name, namespace))

    async def create(self, obj: Body, namespace: Optional[str] = None, *, dry_run: bool = False) -> T:
        return await self.client._call(self._ops.create(obj, namespace, dry_run))

    async def replace(self, obj: Body, namespace: Optional[str] = None) -> T:
        """PUT: fails with :class:`~entroos.errors.Conflict` when ``metadata.resourceVersion`` is stale."""
        return await self.client._call(self._ops.replace(obj, namespace))

    async def patch(
        self,
        name: str,
        patch: Union[Body, List[Any], str],
        namespace: Optional[str] = None,
        *,
        patch_type: str = "merge",
        field_manager: Optional[str] = None,
        subresource: Optional[str] = None,
    ) -> T:
        return await self.client._call(self._ops.patch(name, patch, namespace, patch_type, field_manager, subresource))

    async def apply(
        self, obj: Body, namespace: Optional[str] = None, *, field_manager: str = "entroos-python", force: bool = False
    ) -> T:
        """Server-side apply: creates the object or merges this manager's fields into it."""
        return await self.client._call(self._ops.apply(obj, namespace, field_manager, force))

    async def delete(
        self,
        name: str,
        namespace: Optional[str] = None,
        *,
        grace_period_seconds: Optional[int] = None,
        propagation_policy: Optional[str] = None,
        dry_run: bool = False,
    ) -> Dict[str, Any]:
        """Deletes; returns the server's answer (the object being deleted, or a ``Status``)."""
        return await self.client._call(self._ops.delete(name, namespace, grace_period_seconds, propagation_policy, dry_run))

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
    ) -> AsyncWatch[T]:
        """Events until ``timeout`` seconds have passed (forever when None) or ``stop()``.

        Without ``resource_version`` it lists first and hands out the current objects as ADDED (unless
        ``initial=False``). It resumes from the last resourceVersion after a dropped connection or a
        server restart (reconnecting with jittered exponential backoff up to ``max_backoff``), and on
        410 Gone lists again once and hands out what changed meanwhile (events with ``relisted=True``).
        """
        state = self._ops.watch(
            namespace, all_namespaces, label_selector, field_selector, resource_version, timeout, bookmarks, max_backoff
        )
        return AsyncWatch(self.client, state, initial)

    async def wait_for(
        self,
        name: str,
        condition: Callable[[T], bool],
        namespace: Optional[str] = None,
        timeout: float = 60.0,
    ) -> T:
        """Watches one object until ``condition(obj)`` holds; raises ``TimeoutError`` after ``timeout``."""
        watch = AsyncWatch(self.client, self._ops.wait_for(name, namespace, timeout), True)
        async for event in watch:
            if self._ops.waited(event, condition):
                watch.stop()
                return event.object
        raise self._ops.wait_timed_out(name, timeout)


class AsyncScheduler:
    """The scheduler: status, decisions (``why``), profiles and the policy laboratory."""

    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def status(self) -> SchedulerStatus:
        return await self._c._call(api.scheduler_status())

    async def decisions(self, limit: int = 50) -> ObjectList[Decision]:
        return await self._c._call(api.decision_list(limit))

    async def decision(self, pod: str, namespace: Optional[str] = None) -> Decision:
        """The latest decision for a pod (``"ns/name"``, ``name`` with ``namespace``, or its uid)."""
        return await self._c._call(api.decision(pod, namespace, self._c.config.namespace))

    why = decision

    async def profiles(self) -> SchedulerConfig:
        return await self._c._call(api.profiles())

    async def set_profiles(self, config: Union[SchedulerConfig, Mapping[str, Any]]) -> SchedulerConfig:
        return await self._c._call(api.set_profiles(config))

    async def reset_profiles(self) -> SchedulerConfig:
        return await self._c._call(api.reset_profiles())

    async def lab(
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
        return await self._c._call(api.lab(body))


class AsyncProofs:
    """Placement proofs: list, get, verify on the server, export for offline checking."""

    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def list(
        self,
        namespace: Optional[str] = None,
        pod: Optional[str] = None,
        node: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> api.PlacementList:
        return await self._c._call(api.proof_list(namespace, pod, node, status, limit))

    async def get(self, proof_id: str) -> Proof:
        return await self._c._call(api.proof(proof_id))

    async def verify(
        self, ids: Optional[Sequence[str]] = None, *, proofs: Optional[Sequence[Union[Proof, Mapping[str, Any]]]] = None
    ) -> ProofVerification:
        """Stored proofs by id (all, oldest first, when None; their status is recorded), or ``proofs=`` sent
        in the request and checked against the server's keys."""
        return await self._c._call(api.verify(ids, proofs))

    async def export(self, path: Union[str, Path, None] = None, limit: Optional[int] = None) -> ProofExport:
        """Every proof with its verification keys; with ``path`` also written there (for ``npx entroos-verify``)."""
        return await self._c._call(api.export(path, limit))


class AsyncHistory:
    """The cluster's history (what the dashboard charts) and nodes' sampled use."""

    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def cluster(self, window: str = "15m") -> ClusterHistory:
        return await self._c._call(api.cluster_history(window))

    async def nodes(self) -> List[NodeUsage]:
        return await self._c._call(api.nodes_history())

    async def node(self, name: str) -> List[NodeUsage]:
        return await self._c._call(api.node_history(name))


__all__ = ["AsyncClient", "AsyncHistory", "AsyncProofs", "AsyncResource", "AsyncScheduler"]

