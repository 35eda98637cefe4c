"""One request without its I/O: what to send, whether and when to try again, what the answer means.

The sync and async clients both drive these (the "sans-io" pattern) and differ only in how they send
and how they sleep, so a fix to retries or error mapping lands in both at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Dict, Generic, Mapping, Optional, TypeVar

import httpx

from ._gc import paused_gc
from ._retry import IDEMPOTENT, RETRY_STATUS, retry_delay
from .config import Config
from .errors import ConnectionFailed, error_for

R = TypeVar("R")

#: Answers at least this large are decoded with the cyclic garbage collector paused (see ``_gc``).
LARGE_ANSWER = 64 * 1024


def _identity(data: Any) -> Any:
    return data


@dataclass(frozen=True)
class Call(Generic[R]):
    """A request and how to read its decoded JSON answer into what the caller returns."""

    method: str
    path: str
    parse: Callable[[Any], R]
    params: Optional[Mapping[str, str]] = None
    json_body: Any = None
    content: Optional[bytes] = None
    headers: Optional[Mapping[str, str]] = None


def raw(method: str, path: str, params: Optional[Mapping[str, str]] = None) -> "Call[Any]":
    """A call whose answer is handed back as decoded JSON."""
    return Call(method, path, _identity, params)


@dataclass(frozen=True)
class Outgoing:
    """What goes on the wire: a JSON body already encoded, with its Content-Type."""

    method: str
    path: str
    params: Optional[Mapping[str, str]]
    content: Optional[bytes]
    headers: Optional[Mapping[str, str]]


def outgoing(
    method: str,
    path: str,
    params: Optional[Mapping[str, str]],
    json_body: Any,
    content: Optional[bytes],
    headers: Optional[Mapping[str, str]],
) -> Outgoing:
    if json_body is not None:
        content = json.dumps(json_body).encode()
        headers = {"Content-Type": "application/json", **(headers or {})}
    return Outgoing(method, path, params, content, headers)


class Attempts:
    """Counts one request's attempts and decides after each whether to try again and after how long:
    429/503 honouring ``Retry-After`` (jittered, capped), connection failures with backoff."""

    def __init__(self, request: Outgoing, config: Config) -> None:
        self.request = request
        self.config = config
        self.attempt = 0

    def _next(self, retry_after: Optional[str]) -> float:
        delay = retry_delay(self.attempt, self.config.max_backoff, retry_after)
        self.attempt += 1
        return delay

    def after_error(self, error: httpx.TransportError) -> float:
        """The wait before trying again after ``error``; raises :class:`ConnectionFailed` when it may not."""
        # A failure to connect means nothing was sent: safe to retry whatever the method. Otherwise the
        # server may have acted on it, so only idempotent methods are sent again.
        unsent = isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout))
        if (not unsent and self.request.method not in IDEMPOTENT) or self.attempt >= self.config.max_retries:
            raise ConnectionFailed(f"{self.request.method} {self.config.url}{self.request.path}: {error}") from error
        return self._next(None)

    def after_response(self, status: int, headers: Mapping[str, str]) -> Optional[float]:
        """The wait before trying again after an answer with ``status``, or None to take this answer."""
        if status in RETRY_STATUS and self.attempt < self.config.max_retries:
            return self._next(headers.get("retry-after"))
        return None


def answer(status: int, content: bytes, headers: Mapping[str, str]) -> Any:
    """The decoded JSON of a final answer (None when empty), or the typed error from its ``Status``."""
    if status >= 400:
        raise error_for(status, content, headers)
    if not content:
        return None
    # json.loads on the bytes: httpx 0.23 would first guess the charset of a body without one (slow).
    if len(content) < LARGE_ANSWER:
        return json.loads(content)
    with paused_gc():
        return json.loads(content)


def http_options(config: Config) -> Dict[str, Any]:
    """The httpx client settings both clients open their connection pool with."""
    return {
        "base_url": config.url,
        "headers": config.auth_headers(),
        "verify": config.verify,
        "timeout": config.timeout,
    }
