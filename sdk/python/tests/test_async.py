"""The asyncio client: CRUD, errors, concurrent requests and an async watch with a timeout."""

from __future__ import annotations

import asyncio
import time
from typing import List, Tuple

import pytest

import entroos
from conftest import env, unique


def test_async_client_end_to_end() -> None:
    async def run() -> None:
        async with entroos.AsyncClient(env("ENTROOS_URL"), env("ENTROOS_TOKEN")) as c:
            ns = unique("pyasync")
            await c.namespaces.create({"metadata": {"name": ns}})
            await asyncio.gather(*(c.configmaps.create({"metadata": {"name": f"m{i}"}}, ns) for i in range(5)))
            listed = await c.configmaps.list(ns)
            assert {f"m{i}" for i in range(5)} <= set(listed.names())
            with pytest.raises(entroos.NotFound):
                await c.configmaps.get("missing", ns)
            with pytest.raises(entroos.Conflict):
                await c.configmaps.create({"metadata": {"name": "m0"}}, ns)

            seen: List[Tuple[str, str]] = []
            started = time.monotonic()

            async def change() -> None:
                await asyncio.sleep(0.3)
                await c.configmaps.patch("m1", {"data": {"k": "v"}}, ns)
                await c.configmaps.delete("m2", ns)

            task = asyncio.create_task(change())
            async for event in c.configmaps.watch(ns, timeout=2, initial=False):
                seen.append((event.type, event.object.name))
            await task
            assert 1.9 <= time.monotonic() - started < 3.5
            assert seen == [("MODIFIED", "m1"), ("DELETED", "m2")]

            status = await c.scheduler.status()
            assert status.nodes == 2
            who = await c.whoami()
            assert who.role == "admin"
            await c.namespaces.delete(ns)

    asyncio.run(run())
