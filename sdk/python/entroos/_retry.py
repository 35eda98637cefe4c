"""When to retry and how long to wait: shared by the sync and async clients and by watches."""

from __future__ import annotations

import random
from typing import Optional

from .errors import parse_retry_after

RETRY_STATUS = frozenset({429, 503})
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def backoff(attempt: int, cap: float, base: float = 0.2) -> float:
    """Exponential backoff with "equal jitter": between half and all of ``base·2^attempt``, at most ``cap``."""
    ceiling = min(cap, base * (2 ** min(attempt, 30)))
    return float(ceiling / 2 + random.uniform(0, ceiling / 2))


def retry_delay(attempt: int, cap: float, retry_after: Optional[str]) -> float:
    """The wait before retrying: the server's ``Retry-After`` (plus up to 10% jitter, so clients told the
    same value do not return in lockstep) when given, else exponential backoff; never more than ``cap``."""
    seconds = parse_retry_after(retry_after)
    if seconds is None:
        return backoff(attempt, cap)
    return min(cap, seconds + random.uniform(0, max(0.05, seconds * 0.1)))
