"""EntroOS for Python: a typed REST client (sync and asyncio), watches that keep going, data helpers
(pandas, matplotlib) and a Jupyter integration (``%load_ext entroos``)."""

from __future__ import annotations

from typing import Any

from .aio import AsyncClient, AsyncResource
from .client import Client, Resource
from .config import Config, from_env, from_kubeconfig
from .errors import (
    ApiError,
    BadRequest,
    Cause,
    Conflict,
    ConnectionFailed,
    EntroOSError,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
    ServerError,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
)
from .lists import ObjectList
from .models import KubeObject, ObjectMeta
from .watch import AsyncWatch, Watch, WatchEvent

__version__ = "0.1.0"


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext entroos``: registers the ``%entroos`` / ``%%entroos`` magics."""
    from .magics import register

    register(ipython)


__all__ = [
    "ApiError",
    "AsyncClient",
    "AsyncResource",
    "AsyncWatch",
    "BadRequest",
    "Cause",
    "Client",
    "Config",
    "Conflict",
    "ConnectionFailed",
    "EntroOSError",
    "Forbidden",
    "Gone",
    "Invalid",
    "KubeObject",
    "NotFound",
    "ObjectList",
    "ObjectMeta",
    "Resource",
    "ServerError",
    "ServiceUnavailable",
    "TooManyRequests",
    "Unauthorized",
    "Watch",
    "WatchEvent",
    "from_env",
    "from_kubeconfig",
    "load_ipython_extension",
]
