"""What each operation on a resource sends and how its answer is read, for both clients.

:class:`Operations` turns a method's arguments into :class:`~entroos._request.Call` values; ``Resource``
and ``AsyncResource`` only send them (awaiting or not), so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Generic, List, Mapping, Optional, TypeVar, Union

from ._request import Call, raw
from .lists import ObjectList
from .models import KubeObject
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
from .watch import WatchEvent, WatchState

T = TypeVar("T", bound=KubeObject)
Selector = Union[None, str, Mapping[str, str]]


def _answer_dict(data: Any) -> Dict[str, Any]:
    return dict(data or {})


class ListPages(Generic[T]):
    """A list, page by page: send :attr:`first`, then hand each answer to :meth:`feed` and send what it
    returns until None; :attr:`result` then holds every object."""

    def __init__(self, rtype: ResourceType[T], path: str, labels: Selector, fields: Selector, limit: Optional[int], page_size: Optional[int]) -> None:
        self._rtype = rtype
        self._path = path
        self._labels = labels
        self._fields = fields
        #: ``limit`` asks for one page only; ``page_size`` follows the ``continue`` tokens.
        self._one_page = bool(limit)
        self._size = limit or page_size
        self._pages = 0
        self.result: ObjectList[T] = ObjectList()
        self.first: Call[Any] = self._call(None)

    def _call(self, token: Optional[str]) -> Call[Any]:
        return raw("GET", self._path, list_params(self._labels, self._fields, self._size, token))

    def feed(self, data: Any) -> Optional[Call[Any]]:
        page = self._rtype.to_list(data)
        # The first page's resourceVersion and kind are the list's.
        if self._pages == 0:
            self.result = page
        else:
            self.result.extend(page)
        self._pages += 1
        token = None if self._one_page else next_continue(data)
        return self._call(token) if token else None


class Operations(Generic[T]):
    """The requests of one resource type. ``default_namespace`` is asked at each call (the client's
    configuration as it is then) for calls that name no namespace."""

    def __init__(self, rtype: ResourceType[T], default_namespace: Callable[[], str]) -> None:
        self.type = rtype
        self._default_namespace = default_namespace

    def namespace(self, namespace: Optional[str]) -> Optional[str]:
        return (namespace or self._default_namespace()) if self.type.namespaced else None

    def _body_namespace(self, body: Mapping[str, Any], namespace: Optional[str]) -> Optional[str]:
        return namespace_of(self.type, body, namespace, self._default_namespace())

    def _typed_body(self, obj: Body) -> Dict[str, Any]:
        body = body_of(obj)
        body.setdefault("apiVersion", self.type.api_version)
        if self.type.kind:
            body.setdefault("kind", self.type.kind)
        return body

    def list(
        self,
        namespace: Optional[str],
        all_namespaces: bool,
        label_selector: Selector,
        field_selector: Selector,
        limit: Optional[int],
        page_size: Optional[int],
    ) -> ListPages[T]:
        path = self.type.path(None if all_namespaces else self.namespace(namespace))
        return ListPages(self.type, path, label_selector, field_selector, limit, page_size)

    def get(self, name: str, namespace: Optional[str]) -> Call[T]:
        return Call("GET", self.type.path(self.namespace(namespace), name), self.type.to_object)

    def create(self, obj: Body, namespace: Optional[str], dry_run: bool) -> Call[T]:
        body = self._typed_body(obj)
        params = {"dryRun": "All"} if dry_run else None
        path = self.type.path(self._body_namespace(body, namespace))
        return Call("POST", path, self.type.to_object, params, json_body=body)

    def replace(self, obj: Body, namespace: Optional[str]) -> Call[T]:
        body = body_of(obj)
        path = self.type.path(self._body_namespace(body, namespace), name_of(body))
        return Call("PUT", path, self.type.to_object, json_body=body)

    def patch(
        self,
        name: str,
        patch: Union[Body, List[Any], str],
        namespace: Optional[str],
        patch_type: str,
        field_manager: Optional[str],
        subresource: Optional[str],
    ) -> Call[T]:
        content, headers, params = patch_request(patch, patch_type, field_manager, False)
        path = self.type.path(self.namespace(namespace), name, subresource)
        return Call("PATCH", path, self.type.to_object, params, content=content, headers=headers)

    def apply(self, obj: Body, namespace: Optional[str], field_manager: str, force: bool) -> Call[T]:
        body = self._typed_body(obj)
        content, headers, params = patch_request(body, "apply", field_manager, force)
        path = self.type.path(self._body_namespace(body, namespace), name_of(body))
        return Call("PATCH", path, self.type.to_object, params, content=content, headers=headers)

    def delete(
        self, name: str, namespace: Optional[str], grace_period_seconds: Optional[int], propagation_policy: Optional[str], dry_run: bool
    ) -> Call[Dict[str, Any]]:
        params = delete_params(grace_period_seconds, propagation_policy, dry_run)
        return Call("DELETE", self.type.path(self.namespace(namespace), name), _answer_dict, params)

    def watch(
        self,
        namespace: Optional[str],
        all_namespaces: bool,
        label_selector: Selector,
        field_selector: Selector,
        resource_version: Optional[str],
        timeout: Optional[float],
        bookmarks: bool,
        max_backoff: float,
    ) -> WatchState[T]:
        ns = None if all_namespaces else self.namespace(namespace)
        return WatchState(self.type, ns, label_selector, field_selector, resource_version, timeout, bookmarks, max_backoff)

    def wait_for(self, name: str, namespace: Optional[str], timeout: float) -> WatchState[T]:
        """The watch ``wait_for`` follows: the one object, until ``timeout``."""
        return self.watch(namespace, False, None, {"metadata.name": name}, None, timeout, False, 30.0)

    def waited(self, event: WatchEvent[T], condition: Callable[[T], bool]) -> bool:
        return event.type != "DELETED" and condition(event.object)

    def wait_timed_out(self, name: str, timeout: float) -> TimeoutError:
        return TimeoutError(f"{self.type.plural}/{name}: condition not met within {timeout} s")
