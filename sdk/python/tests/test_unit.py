"""Retries, errors and watch bookkeeping against an httpx MockTransport (no server): the only place where
the server is simulated, because 503s and precise Retry-After values cannot be provoked on demand."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

import httpx
import pytest

import entroos
from entroos import kinds
from entroos._operations import Operations
from entroos._request import Attempts, outgoing
from entroos._retry import backoff, retry_delay
from entroos.config import Config
from entroos.models import Pod
from entroos.watch import WatchState


def status(code: int, reason: str, message: str, **details: Any) -> Dict[str, Any]:
    return {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": code, "reason": reason,
            "message": message, "details": details}


def test_retries_429_and_503_honouring_retry_after_with_a_cap() -> None:
    answers = [
        httpx.Response(429, json=status(429, "TooManyRequests", "slow down"), headers={"Retry-After": "2"}),
        httpx.Response(503, json=status(503, "ServiceUnavailable", "starting"), headers={"Retry-After": "100"}),
        httpx.Response(503, json=status(503, "ServiceUnavailable", "starting")),
        httpx.Response(200, json={"kind": "WhoAmI", "username": "u", "role": "admin"}),
    ]
    sleeps: List[float] = []
    transport = httpx.MockTransport(lambda request: answers.pop(0))
    c = entroos.Client("http://mock", "t", transport=transport, sleep=sleeps.append, max_backoff=5)
    assert c.whoami().username == "u"
    assert len(sleeps) == 3
    assert 2 <= sleeps[0] <= 2.2  # Retry-After plus at most 10% jitter
    assert sleeps[1] == 5  # capped
    assert 0 < sleeps[2] <= 5  # exponential backoff without a header


def test_gives_up_after_max_retries_with_a_typed_error() -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(429, json=status(429, "TooManyRequests", "no"), headers={"Retry-After": "1"})
    )
    sleeps: List[float] = []
    c = entroos.Client("http://mock", "t", transport=transport, sleep=sleeps.append, max_retries=2)
    with pytest.raises(entroos.TooManyRequests) as info:
        c.pods.list()
    assert info.value.retry_after == 1
    assert len(sleeps) == 2


def test_async_client_retries_too() -> None:
    answers = [
        httpx.Response(429, json=status(429, "TooManyRequests", "slow"), headers={"Retry-After": "1"}),
        httpx.Response(200, json={"kind": "PodList", "metadata": {"resourceVersion": "5"}, "items": []}),
    ]
    sleeps: List[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def run() -> None:
        transport = httpx.MockTransport(lambda request: answers.pop(0))
        async with entroos.AsyncClient("http://mock", "t", transport=transport, sleep=sleep) as c:
            pods = await c.pods.list()
            assert pods.resource_version == "5"

    asyncio.run(run())
    assert len(sleeps) == 1 and sleeps[0] >= 1


def test_backoff_is_jittered_and_capped() -> None:
    values = {round(backoff(3, 30), 6) for _ in range(20)}
    assert len(values) > 1
    assert all(0.8 <= v <= 1.6 for v in values)
    assert all(backoff(50, 7) <= 7 for _ in range(20))
    assert retry_delay(0, 1.5, "10") == 1.5


def test_errors_are_typed_from_the_status_body() -> None:
    body = status(422, "Invalid", 'Pod "x" is invalid', causes=[
        {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers"}])
    transport = httpx.MockTransport(lambda request: httpx.Response(422, json=body))
    c = entroos.Client("http://mock", "t", transport=transport)
    with pytest.raises(entroos.Invalid) as info:
        c.pods.create({"metadata": {"name": "x"}})
    assert info.value.code == 422
    assert [x.field for x in info.value.causes] == ["spec.containers"]


def _pod(name: str, uid: str, rv: str) -> Dict[str, Any]:
    return {"metadata": {"name": name, "namespace": "d", "uid": uid, "resourceVersion": rv}}


def test_watch_relists_once_on_410_and_hands_out_what_changed() -> None:
    calls: List[str] = []
    lists = [
        {"metadata": {"resourceVersion": "10"}, "items": [_pod("a", "ua", "5"), _pod("b", "ub", "6")]},
        # after the 410: a changed, b gone, c new
        {"metadata": {"resourceVersion": "30"}, "items": [_pod("a", "ua", "25"), _pod("c", "uc", "28")]},
    ]
    watches = [
        httpx.Response(200, content=json.dumps({"type": "MODIFIED", "object": _pod("a", "ua", "11")}) + "\n"),
        httpx.Response(410, json=status(410, "Expired", "too old")),
        httpx.Response(200, content=(json.dumps({"type": "ADDED", "object": _pod("d", "ud", "31")}) + "\n"
                                      + json.dumps({"type": "ADDED", "object": _pod("d", "ud", "31")}) + "\n")),
    ]

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url.params.get("resourceVersion", "list")))
        if request.url.params.get("watch") == "true":
            return watches.pop(0) if watches else httpx.Response(200, content=b"")
        return httpx.Response(200, json=lists.pop(0))

    c = entroos.Client("http://mock", "t", transport=httpx.MockTransport(handle), sleep=lambda s: None)
    watch = c.pods.watch("d")
    seen = []
    for event in watch:
        seen.append((event.type, event.object.name, event.relisted))
        if event.object.name == "d":
            watch.stop()
    assert seen == [
        ("ADDED", "a", False), ("ADDED", "b", False),
        ("MODIFIED", "a", False),
        ("MODIFIED", "a", True), ("ADDED", "c", True), ("DELETED", "b", True),
        ("ADDED", "d", False),  # the repeated line is dropped
    ]
    # resumed from the last version each time: list, watch@10, watch@11 (410), list, watch@30
    assert calls == ["list", "10", "11", "list", "30"]


def test_a_second_410_straight_after_a_relist_is_raised() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("watch") == "true":
            return httpx.Response(410, json=status(410, "Expired", "too old"))
        return httpx.Response(200, json={"metadata": {"resourceVersion": "1"}, "items": []})

    c = entroos.Client("http://mock", "t", transport=httpx.MockTransport(handle), sleep=lambda s: None)
    with pytest.raises(entroos.Gone):
        list(c.pods.watch("d"))


def test_watch_state_drops_events_at_or_before_its_version() -> None:
    state = WatchState(kinds.PODS, "d", None, None, "10", None, False, 1.0)
    assert state.on_line(json.dumps({"type": "ADDED", "object": _pod("a", "ua", "9")})) is None
    event = state.on_line(json.dumps({"type": "ADDED", "object": _pod("a", "ua", "11")}))
    assert event is not None and isinstance(event.object, Pod)
    assert state.resource_version == "11"
    assert state.on_line(json.dumps({"type": "BOOKMARK", "object": {"metadata": {"resourceVersion": "15"}}})) is None
    assert state.resource_version == "15"


def test_attempts_decide_retries_without_io() -> None:
    config = Config(url="http://mock", max_retries=2, max_backoff=3)
    post = Attempts(outgoing("POST", "/api/v1/pods", None, {"a": 1}, None, None), config)
    # A read failure may have reached the server: a POST is not sent again; a failure to connect is.
    with pytest.raises(entroos.ConnectionFailed):
        post.after_error(httpx.ReadError("reset"))
    assert 0 < post.after_error(httpx.ConnectError("refused")) <= 3
    get = Attempts(outgoing("GET", "/api/v1/pods", None, None, None, None), config)
    assert get.after_response(200, {}) is None
    assert 1 <= (get.after_response(429, {"retry-after": "1"}) or 0) <= 1.1
    assert get.after_error(httpx.ReadError("reset")) > 0
    assert get.after_response(503, {}) is None  # retries used up: the 503 is the answer


def test_operations_build_requests_and_page_lists_without_io() -> None:
    ops = Operations(kinds.PODS, lambda: "team")
    call = ops.create({"metadata": {"name": "p"}}, None, dry_run=True)
    assert (call.method, call.path, call.params) == ("POST", "/api/v1/namespaces/team/pods", {"dryRun": "All"})
    assert call.json_body == {"metadata": {"name": "p"}, "apiVersion": "v1", "kind": "Pod"}
    pages = ops.list(None, True, {"app": "web"}, None, None, 2)
    assert pages.first.path == "/api/v1/pods" and pages.first.params == {"labelSelector": "app=web", "limit": "2"}
    second = pages.feed({"kind": "PodList", "metadata": {"resourceVersion": "7", "continue": "c1"},
                         "items": [_pod("a", "ua", "5"), _pod("b", "ub", "6")]})
    assert second is not None and second.params == {"labelSelector": "app=web", "limit": "2", "continue": "c1"}
    assert pages.feed({"metadata": {"resourceVersion": "8"}, "items": [_pod("c", "uc", "7")]}) is None
    assert pages.result.names() == ["a", "b", "c"] and pages.result.resource_version == "7"


def test_watch_state_decides_relist_reconnect_or_raise() -> None:
    state = WatchState(kinds.PODS, "d", None, None, "10", None, False, 1.0)
    gone = entroos.Gone(410, "too old")
    assert state.failed(gone) is True  # relist
    with pytest.raises(entroos.Gone):
        state.failed(gone)  # twice in a row: raised
    assert state.failed(httpx.ReadError("reset")) is False  # reconnect
    assert state.failed(entroos.ServiceUnavailable(503, "starting")) is False
    with pytest.raises(entroos.Forbidden):
        state.failed(entroos.Forbidden(403, "no"))
    assert (state.reconnect_delay() or 0) > 0 and state.reconnects == 1
    state.stopped = True
    assert state.reconnect_delay() is None


def test_models_keep_unknown_fields() -> None:
    data = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "futureField": 1},
            "spec": {"containers": [{"name": "c", "image": "i", "newThing": True}], "tolerations": [{"key": "k"}]},
            "status": {"phase": "Running"}}
    pod = entroos.models.build(Pod, data)
    assert pod.to_dict() == data
    assert entroos.models.parse(Pod, data).to_dict() == data
