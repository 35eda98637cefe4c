"""The asynchronous client (asyncio, httpx.AsyncClient): the same API as :mod:`entroos.client`, awaited."""

from __future__ import annotations

import json
import asyncio
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Generic, List, Mapping, Optional, Sequence, Type, TypeVar, Union

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
from .watch import AsyncWatch, WatchState
from .client import _documents, _discovery_path, _looks_like_uid, _type_for

T = TypeVar("T", bound=KubeObject)
Selector = Union[None, str, Mapping[str, str]]


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
        self.http = httpx.AsyncClient(
            base_url=self.config.url,
            headers=self.config.auth_headers(),
            verify=self.config.verify,
            timeout=self.config.timeout,
            transport=transport,
        )
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
        if json_body is not None:
            content = json.dumps(json_body).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        attempt = 0
        while True:
            try:
                response = await self.http.request(method, path, params=params, content=content, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                # Nothing was sent: safe to retry whatever the method.
                if attempt >= self.config.max_retries:
                    raise ConnectionFailed(f"{method} {self.config.url}{path}: {error}") from error
                await self._sleep(retry_delay(attempt, self.config.max_backoff, None))
                attempt += 1
                continue
            except httpx.TransportError as error:
                if method not in IDEMPOTENT or attempt >= self.config.max_retries:
                    raise ConnectionFailed(f"{method} {self.config.url}{path}: {error}") from error
                await self._sleep(retry_delay(attempt, self.config.max_backoff, None))
                attempt += 1
                continue
            if response.status_code in RETRY_STATUS and attempt < self.config.max_retries:
                await self._sleep(retry_delay(attempt, self.config.max_backoff, response.headers.get("retry-after")))
                attempt += 1
                continue
            if response.status_code >= 400:
                raise error_for(response.status_code, response.content, response.headers)
            if not response.content:
                return None
            # json.loads on the bytes: httpx 0.23 would first guess the charset of a body without one (slow).
            return json.loads(response.content)

    def resource(self, group: str, version: str, plural: str, namespaced: bool = True, model: Type[T] = KubeObject) -> "AsyncResource[T]":  # type: ignore[assignment]
        """Any resource by group/version/plural: custom resources (``client.resource("stable.example.com",
        "v1", "crontabs")``) or built-ins without an accessor. ``model`` types its objects."""
        return AsyncResource(self, ResourceType(group, version, plural, namespaced, model))

    async def whoami(self) -> WhoAmI:
        return build(WhoAmI, await self.request("GET", f"{api.BASE}/whoami"))

    async def apply_manifest(self, manifest: Union[str, Mapping[str, Any]], field_manager: str = "entroos-python", namespace: Optional[str] = None) -> List[KubeObject]:
        """Server-side applies every document of a YAML/JSON manifest (built-in kinds and custom resources)."""
        results: List[KubeObject] = []
        for doc in _documents(manifest):
            results.append(await (await self._resource_for(doc)).apply(doc, field_manager=field_manager, namespace=namespace))
        return results

    async def _resource_for(self, doc: Mapping[str, Any]) -> "AsyncResource[KubeObject]":
        kind = kinds.BY_KIND.get(str(doc.get("kind", "")))
        listing: Any = None
        if kind is None or kind.api_version != doc.get("apiVersion"):
            listing = await self.request("GET", _discovery_path(str(doc.get("apiVersion", ""))))
        return AsyncResource(self, _type_for(doc, lambda _: listing))



class AsyncResource(Generic[T]):
    """One resource type: list, get, create, replace, patch, apply, delete, watch."""

    def __init__(self, client: AsyncClient, rtype: ResourceType[T]) -> None:
        self.client = client
        self.type = rtype

    def _ns(self, namespace: Optional[str]) -> Optional[str]:
        return (namespace or self.client.config.namespace) if self.type.namespaced else None

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
        path = self.type.path(None if all_namespaces else self._ns(namespace))
        if limit:
            return self.type.to_list(await self.client.request("GET", path, params=list_params(label_selector, field_selector, limit)))
        data = await self.client.request("GET", path, params=list_params(label_selector, field_selector, page_size))
        result = self.type.to_list(data)
        token = next_continue(data)
        while token:
            data = await self.client.request("GET", path, params=list_params(label_selector, field_selector, page_size, token))
            result.extend(self.type.to_list(data))
            token = next_continue(data)
        return result

    async def get(self, name: str, namespace: Optional[str] = None) -> T:
        return self.type.to_object(await self.client.request("GET", self.type.path(self._ns(namespace), name)))

    async def create(self, obj: Body, namespace: Optional[str] = None, *, dry_run: bool = False) -> T:
        body = body_of(obj)
        body.setdefault("apiVersion", self.type.api_version)
        if self.type.kind:
            body.setdefault("kind", self.type.kind)
        ns = namespace_of(self.type, body, namespace, self.client.config.namespace)
        params = {"dryRun": "All"} if dry_run else None
        return self.type.to_object(await self.client.request("POST", self.type.path(ns), params=params, json_body=body))

    async def replace(self, obj: Body, namespace: Optional[str] = None) -> T:
        """PUT: fails with :class:`~entroos.errors.Conflict` when ``metadata.resourceVersion`` is stale."""
        body = body_of(obj)
        ns = namespace_of(self.type, body, namespace, self.client.config.namespace)
        return self.type.to_object(await self.client.request("PUT", self.type.path(ns, name_of(body)), json_body=body))

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
        content, headers, params = patch_request(patch, patch_type, field_manager, False)
        path = self.type.path(self._ns(namespace), name, subresource)
        return self.type.to_object(await self.client.request("PATCH", path, params=params, content=content, headers=headers))

    async def apply(
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
        return self.type.to_object(await self.client.request("PATCH", path, params=params, content=content, headers=headers))

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
        params = delete_params(grace_period_seconds, propagation_policy, dry_run)
        answer = await self.client.request("DELETE", self.type.path(self._ns(namespace), name), params=params)
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
    ) -> AsyncWatch[T]:
        """Events until ``timeout`` seconds have passed (forever when None) or ``stop()``.

        Without ``resource_version`` it lists first and hands out the current objects as ADDED (unless
        ``initial=False``). It resumes from the last resourceVersion after a dropped connection or a
        server restart (reconnecting with jittered exponential backoff up to ``max_backoff``), and on
        410 Gone lists again once and hands out what changed meanwhile (events with ``relisted=True``).
        """
        ns = None if all_namespaces else self._ns(namespace)
        state = WatchState(self.type, ns, label_selector, field_selector, resource_version, timeout, bookmarks, max_backoff)
        return AsyncWatch(self.client, state, initial)

    async def wait_for(
        self,
        name: str,
        condition: Callable[[T], bool],
        namespace: Optional[str] = None,
        timeout: float = 60.0,
    ) -> T:
        """Watches one object until ``condition(obj)`` holds; raises ``TimeoutError`` after ``timeout``."""
        watch = self.watch(namespace, field_selector={"metadata.name": name}, timeout=timeout)
        async for event in watch:
            if event.type != "DELETED" and condition(event.object):
                watch.stop()
                return event.object
        raise TimeoutError(f"{self.type.plural}/{name}: condition not met within {timeout} s")


class AsyncScheduler:
    """The scheduler: status, decisions (``why``), profiles and the policy laboratory."""

    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def status(self) -> SchedulerStatus:
        return build(SchedulerStatus, await self._c.request("GET", f"{api.BASE}/scheduler"))

    async def decisions(self, limit: int = 50) -> ObjectList[Decision]:
        return api.decisions(await self._c.request("GET", f"{api.BASE}/scheduler/decisions", params={"limit": str(limit)}))

    async def decision(self, pod: str, namespace: Optional[str] = None) -> Decision:
        """The latest decision for a pod (``"ns/name"``, ``name`` with ``namespace``, or its uid)."""
        key = pod if "/" in pod or namespace is None and _looks_like_uid(pod) else f"{namespace or self._c.config.namespace}/{pod}"
        return build(Decision, await self._c.request("GET", f"{api.BASE}/scheduler/decisions", params={"pod": key}))

    why = decision

    async def profiles(self) -> SchedulerConfig:
        return build(SchedulerConfig, await self._c.request("GET", f"{api.BASE}/scheduler/config"))

    async def set_profiles(self, config: Union[SchedulerConfig, Mapping[str, Any]]) -> SchedulerConfig:
        return build(SchedulerConfig, await self._c.request("PUT", f"{api.BASE}/scheduler/config", json_body=body_of(config)))

    async def reset_profiles(self) -> SchedulerConfig:
        return build(SchedulerConfig, await self._c.request("DELETE", f"{api.BASE}/scheduler/config"))

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
        return build(LabResult, await self._c.request("POST", f"{api.BASE}/scheduler/lab", json_body=body))



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
        params = api.proof_query(namespace, pod, node, status, limit)
        return api.placements(await self._c.request("GET", f"{api.BASE}/proofs", params=params))

    async def get(self, proof_id: str) -> Proof:
        return build(Proof, await self._c.request("GET", f"{api.BASE}/proofs/{proof_id}"))

    async def verify(
        self, ids: Optional[Sequence[str]] = None, *, proofs: Optional[Sequence[Union[Proof, Mapping[str, Any]]]] = None
    ) -> ProofVerification:
        """Stored proofs by id (all, oldest first, when None; their status is recorded), or ``proofs=`` sent
        in the request and checked against the server's keys."""
        body = api.verify_body(ids, proofs)
        return build(ProofVerification, await self._c.request("POST", f"{api.BASE}/proofs/verify", json_body=body))

    async def export(self, path: Union[str, Path, None] = None, limit: Optional[int] = None) -> ProofExport:
        """Every proof with its verification keys; with ``path`` also written there (for ``npx entroos-verify``)."""
        params = {"limit": str(limit)} if limit else None
        data = await self._c.request("GET", f"{api.BASE}/proofs/export", params=params)
        if path is not None:
            Path(path).write_text(json.dumps(data))
        return build(ProofExport, data)


class AsyncHistory:
    """The cluster's history (what the dashboard charts) and nodes' sampled use."""

    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def cluster(self, window: str = "15m") -> ClusterHistory:
        return build(ClusterHistory, await self._c.request("GET", f"{api.BASE}/history", params={"window": window}))

    async def nodes(self) -> List[NodeUsage]:
        return api.node_usage(await self._c.request("GET", f"{api.BASE}/history/nodes"), "items")

    async def node(self, name: str) -> List[NodeUsage]:
        return api.node_usage(await self._c.request("GET", f"{api.BASE}/history/nodes/{name}"), "points")


__all__ = ["AsyncClient", "AsyncHistory", "AsyncProofs", "AsyncResource", "AsyncScheduler"]

