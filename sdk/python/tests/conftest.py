"""Fixtures for the SDK's tests, run by tests/compat/python-sdk.test.ts against real servers.

Environment (set by the runner): ENTROOS_URL and ENTROOS_TOKEN (admin, a server with two simulated nodes
and a prover), ENTROOS_VIEWER_TOKEN, ENTROOS_KUBECONFIG (from `npm run -s kubeconfig`), and for the
restartable, rate-limited second server ENTROOS_RESTART_URL, ENTROOS_RESTART_TOKEN, ENTROOS_LIMITED_TOKEN,
ENTROOS_RESTART_DIR (where a test asks for a restart).
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import entroos  # noqa: E402

T = TypeVar("T")


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run these tests through tests/compat/python-sdk.test.ts")
    return value


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def eventually(fn: Callable[[], T], timeout: float = 30.0, interval: float = 0.1, what: str = "condition") -> T:
    """Polls ``fn`` until it returns something truthy, with a deadline."""
    deadline = time.monotonic() + timeout
    last: T = fn()
    while not last:
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout} s (last: {last!r})")
        time.sleep(interval)
        last = fn()
    return last


@pytest.fixture(scope="session")
def client() -> Iterator[entroos.Client]:
    with entroos.Client(env("ENTROOS_URL"), env("ENTROOS_TOKEN")) as c:
        yield c


@pytest.fixture(scope="session")
def viewer() -> Iterator[entroos.Client]:
    with entroos.Client(env("ENTROOS_URL"), env("ENTROOS_VIEWER_TOKEN")) as c:
        yield c


@pytest.fixture()
def namespace(client: entroos.Client) -> Iterator[str]:
    name = unique("py")
    client.namespaces.create({"metadata": {"name": name}})
    yield name
    try:
        client.namespaces.delete(name)
    except entroos.NotFound:
        pass


def pod_manifest(name: str, cpu: str = "100m", memory: str = "64Mi", labels: "dict[str, str] | None" = None) -> "dict[str, object]":
    return {
        "metadata": {"name": name, "labels": labels or {"app": "sdk-test"}},
        "spec": {
            "containers": [
                {"name": "c", "image": "nginx:1.27", "resources": {"requests": {"cpu": cpu, "memory": memory}}}
            ]
        },
    }
