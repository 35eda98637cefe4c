"""A watch that spans a restart of the server: no event is lost and none is handed out twice.

The runner (tests/compat/python-sdk.test.ts) restarts the second server, on the same port and database,
when ``$ENTROOS_RESTART_DIR/restart-request`` appears, and writes ``restarted`` when it is back. The first
half (watch, changes, asking for the restart) starts when pytest collects this file, so the restart (about
20 s) overlaps the other tests; the test itself makes the changes after the restart and checks the events.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import List, Optional, Tuple

import entroos
from conftest import eventually, unique


class RestartedWatch:
    def __init__(self) -> None:
        self.events: List[Tuple[str, str, str]] = []
        self.error: Optional[BaseException] = None
        self.ready = threading.Event()
        self.client: Optional[entroos.Client] = None
        self.watch: Optional["entroos.Watch[entroos.models.ConfigMap]"] = None
        self.namespace = unique("restart")
        self.reconnects_before = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.follower: Optional[threading.Thread] = None

    def _run(self) -> None:
        try:
            url, token = os.environ["ENTROOS_RESTART_URL"], os.environ["ENTROOS_RESTART_TOKEN"]
            directory = Path(os.environ["ENTROOS_RESTART_DIR"])
            c = self.client = entroos.Client(url, token, max_retries=60, max_backoff=2)
            ns = self.namespace
            c.namespaces.create({"metadata": {"name": ns}})
            c.configmaps.create({"metadata": {"name": "a"}}, ns)
            watch = self.watch = c.configmaps.watch(ns, timeout=240, max_backoff=1)
            self.follower = threading.Thread(target=self._follow, daemon=True)
            self.follower.start()
            eventually(lambda: ("ADDED", "a") in [(t, n) for t, n, _ in self.events], what="initial ADDED a")
            c.configmaps.create({"metadata": {"name": "b"}}, ns)
            c.configmaps.patch("a", {"data": {"v": "1"}}, ns)
            eventually(lambda: len(self.events) >= 3, what="events before the restart")
            self.reconnects_before = watch.state.reconnects
            (directory / "restart-request").write_text("please")
        except BaseException as error:  # noqa: BLE001 - re-raised by the test
            self.error = error
        finally:
            self.ready.set()

    def _follow(self) -> None:
        assert self.watch is not None
        try:
            for event in self.watch:
                if event.object.name != "kube-root-ca.crt":
                    self.events.append((event.type, event.object.name, event.resource_version or ""))
        except BaseException as error:  # noqa: BLE001 - re-raised by the test
            self.error = error


STARTED: Optional[RestartedWatch] = None
if os.environ.get("ENTROOS_RESTART_URL") and os.environ.get("ENTROOS_RESTART_DIR"):
    STARTED = RestartedWatch()
    STARTED.thread.start()


def test_watch_survives_a_server_restart() -> None:
    assert STARTED is not None, "ENTROOS_RESTART_URL/ENTROOS_RESTART_DIR not set: run through the vitest runner"
    run = STARTED
    assert run.ready.wait(120) and run.error is None, run.error
    assert run.client is not None and run.watch is not None
    directory = Path(os.environ["ENTROOS_RESTART_DIR"])
    eventually(lambda: (directory / "restarted").exists(), timeout=150, interval=0.2, what="server restarted")

    c, ns = run.client, run.namespace
    c.configmaps.create({"metadata": {"name": "c"}}, ns)
    c.configmaps.delete("b", ns)
    c.configmaps.patch("a", {"data": {"v": "2"}}, ns)
    eventually(lambda: len(run.events) >= 6, timeout=60, what="events after the restart")
    time.sleep(0.5)  # room for a duplicate to show up, were one to come
    run.watch.stop()
    assert run.follower is not None
    run.follower.join(10)
    assert run.error is None, run.error

    assert [(t, n) for t, n, _ in run.events] == [
        ("ADDED", "a"), ("ADDED", "b"), ("MODIFIED", "a"),
        ("ADDED", "c"), ("DELETED", "b"), ("MODIFIED", "a"),
    ], run.events
    versions = [int(rv) for _, _, rv in run.events]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert run.watch.state.reconnects > run.reconnects_before  # it did lose the connection and come back
    c.close()
