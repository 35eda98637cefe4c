"""Pausing the cyclic garbage collector while a large answer is decoded and built into models.

Decoding a list of 1,000 pods (1.8 MB of JSON) and building their models allocates a few hundred
thousand dicts, lists and models. With the collector on, those allocations set off collection after
collection, each walking every object still alive (the growing list included): 60-80 ms of CPU per list
on the benchmark machine, against 30-40 ms for the decoding and building themselves. What is built is
trees (JSON holds no cycles), so nothing collectable is made meanwhile; the collector runs as usual once
re-enabled. It is process-wide: other threads go without cyclic collection for those milliseconds, and
a collector the application turned off stays off.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
