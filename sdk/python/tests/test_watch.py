"""Watches against the real server: initial objects, live changes, timeouts, stopping from another thread."""

from __future__ import annotations

import threading
import time
from typing import List, Tuple

import entroos


def test_watch_lists_then_streams_and_honours_its_timeout(client: entroos.Client, namespace: str) -> None:
    client.configmaps.create({"metadata": {"name": "before"}}, namespace)
    seen: List[Tuple[str, str]] = []
    started = time.monotonic()
    watch = client.configmaps.watch(namespace, timeout=2.5)

    def change() -> None:
        time.sleep(0.3)
        client.configmaps.create({"metadata": {"name": "during"}}, namespace)
        client.configmaps.patch("during", {"data": {"x": "1"}}, namespace)
        client.configmaps.delete("before", namespace)

    worker = threading.Thread(target=change)
    worker.start()
    for event in watch:
        seen.append((event.type, event.object.name))
    worker.join()
    elapsed = time.monotonic() - started
    assert 2.4 <= elapsed < 4.0, elapsed
    assert [s for s in seen if s[1] != "kube-root-ca.crt"] == [
        ("ADDED", "before"), ("ADDED", "during"), ("MODIFIED", "during"), ("DELETED", "before")]
    assert watch.resource_version is not None


def test_resume_from_a_resource_version_and_stop_from_another_thread(client: entroos.Client, namespace: str) -> None:
    start = client.configmaps.list(namespace).resource_version
    client.configmaps.create({"metadata": {"name": "later"}}, namespace)
    watch = client.configmaps.watch(namespace, resource_version=start)  # no timeout: runs until stopped
    stopper = threading.Timer(1.0, watch.stop)
    stopper.start()
    got = [(e.type, e.object.name) for e in watch]
    stopper.join()
    assert got == [("ADDED", "later")]


def test_selector_watch_sees_objects_leave(client: entroos.Client, namespace: str) -> None:
    client.configmaps.create({"metadata": {"name": "sel", "labels": {"keep": "yes"}}}, namespace)
    watch = client.configmaps.watch(namespace, label_selector={"keep": "yes"}, timeout=10)
    events = []
    for event in watch:
        events.append((event.type, event.object.name))
        if event.type == "ADDED":
            client.configmaps.patch("sel", {"metadata": {"labels": {"keep": "no"}}}, namespace)
        elif event.type == "DELETED":
            watch.stop()
    assert events == [("ADDED", "sel"), ("DELETED", "sel")]
