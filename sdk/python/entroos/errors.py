"""Typed exceptions built from the Kubernetes ``Status`` body the server answers with."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Type


@dataclass(frozen=True)
class Cause:
    """One ``details.causes`` entry: which field was wrong and why."""

    reason: str
    message: str
    field: str


class EntroOSError(Exception):
    """Base class of every error the SDK raises."""


class ConnectionFailed(EntroOSError):
    """The server could not be reached (after the configured retries)."""


class ApiError(EntroOSError):
    """An HTTP error answered by the server, with the parsed ``Status`` (when there was one)."""

    def __init__(
        self,
        code: int,
        message: str,
        reason: str = "",
        status: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        super().__init__(f"{code} {reason}: {message}" if reason else f"{code}: {message}")
        self.code = code
        self.message = message
        self.reason = reason
        self.status: Dict[str, Any] = dict(status or {})
        self.headers: Dict[str, str] = dict(headers or {})

    @property
    def details(self) -> Dict[str, Any]:
        details = self.status.get("details")
        return details if isinstance(details, dict) else {}

    @property
    def causes(self) -> List[Cause]:
        raw = self.details.get("causes")
        if not isinstance(raw, list):
            return []
        return [
            Cause(str(c.get("reason", "")), str(c.get("message", "")), str(c.get("field", "")))
            for c in raw
            if isinstance(c, dict)
        ]


class BadRequest(ApiError):
    """400: the request itself is malformed."""


class Unauthorized(ApiError):
    """401: no or an invalid token."""


class Forbidden(ApiError):
    """403: the caller's role may not do this."""


class NotFound(ApiError):
    """404: no such object (or resource)."""


class MethodNotAllowed(ApiError):
    """405."""


class Conflict(ApiError):
    """409: already exists, or a stale ``resourceVersion`` (optimistic concurrency)."""


class Gone(ApiError):
    """410: a watch's ``resourceVersion`` is too old; list again."""


class UnsupportedMediaType(ApiError):
    """415."""


class Invalid(ApiError):
    """422: the object is invalid; ``causes`` names each field."""


class TooManyRequests(ApiError):
    """429: rate limited. ``retry_after`` is the server's ``Retry-After`` in seconds."""

    @property
    def retry_after(self) -> Optional[float]:
        return parse_retry_after(self.headers.get("retry-after"))


class ServerError(ApiError):
    """5xx."""


class ServiceUnavailable(ServerError):
    """503: not ready (for instance starting or not the leader yet)."""

    @property
    def retry_after(self) -> Optional[float]:
        return parse_retry_after(self.headers.get("retry-after"))


_BY_CODE: Dict[int, Type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    410: Gone,
    415: UnsupportedMediaType,
    422: Invalid,
    429: TooManyRequests,
    503: ServiceUnavailable,
}


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a ``Retry-After`` header (only the delta-seconds form is used by EntroOS)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds)


def error_for(code: int, body: bytes, headers: Optional[Mapping[str, str]] = None) -> ApiError:
    """The typed exception for an HTTP error answer, read from its ``Status`` body when it has one."""
    status: Dict[str, Any] = {}
    message = ""
    reason = ""
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        status = parsed
        message = str(parsed.get("message", ""))
        reason = str(parsed.get("reason", ""))
    elif body:
        message = body.decode("utf-8", "replace")[:500]
    cls = _BY_CODE.get(code, ServerError if code >= 500 else ApiError)
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    return cls(code, message or f"HTTP {code}", reason, status, lowered)


def error_from_status(status: Mapping[str, Any]) -> ApiError:
    """The typed exception for a ``Status`` object received inside a watch stream (an ERROR event)."""
    code = status.get("code")
    code_int = code if isinstance(code, int) else 500
    cls = _BY_CODE.get(code_int, ServerError if code_int >= 500 else ApiError)
    return cls(code_int, str(status.get("message", "")), str(status.get("reason", "")), status)
