"""A live table in a notebook: one displayed table updated in place from a watch, until stopped."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Dict, Generic, Mapping, Optional, TypeVar, Union

from .display import table
from .frames import rows
from .models import KubeObject
from .watch import Watch

T = TypeVar("T", bound=KubeObject)


class LiveTable(Generic[T]):
    """Shows the objects of a watch as one table (an IPython display handle) and keeps it current.

    ``live = client.pods.live(namespace="demo")`` displays it; ``live.stop()`` ends the watch. Updates are
    coalesced to at most one re-render per ``interval`` seconds, so a burst of changes costs one redraw.
    """

    def __init__(self, watch: Watch[T], title: str = "", interval: float = 0.25, display: bool = True) -> None:
        self.watch = watch
        self.title = title
        self.interval = interval
        self.objects: Dict[str, T] = {}
        self.updates = 0
        self.error: Optional[BaseException] = None
        self._dirty = threading.Event()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._handle: Any = None
        self._display = display
        self._threads = [
            threading.Thread(target=self._follow, name="entroos-live-watch", daemon=True),
            threading.Thread(target=self._render_loop, name="entroos-live-render", daemon=True),
        ]

    def start(self) -> "LiveTable[T]":
        if self._display:
            from IPython.display import HTML, display

            self._handle = display(HTML(self.html()), display_id=True)
        for thread in self._threads:
            thread.start()
        return self

    def html(self) -> str:
        with self._lock:
            listed = sorted(self.objects.values(), key=lambda o: (o.metadata.namespace or "", o.name))
        status = " (stopped)" if self._stopped.is_set() else " (live)"
        return table(rows(listed), self.title + status)

    def _follow(self) -> None:
        try:
            for event in self.watch:
                key = f"{event.object.metadata.namespace}/{event.object.name}"
                with self._lock:
                    if event.type == "DELETED":
                        self.objects.pop(key, None)
                    elif event.type != "BOOKMARK":
                        self.objects[key] = event.object
                self._dirty.set()
        except BaseException as error:  # noqa: BLE001 - shown in the table's place, not lost in a thread
            self.error = error
        finally:
            self._stopped.set()
            self._dirty.set()

    def _render_loop(self) -> None:
        while True:
            self._dirty.wait()
            self._dirty.clear()
            self._render()
            if self._stopped.is_set():
                return
            time.sleep(self.interval)

    def _render(self) -> None:
        self.updates += 1
        if self._handle is None:
            return
        from IPython.display import HTML

        body = self.html()
        if self.error is not None:
            body += f"<pre>{type(self.error).__name__}: {self.error}</pre>"
        self._handle.update(HTML(body))

    def stop(self, timeout: float = 5.0) -> None:
        """Stops the watch and waits for the last redraw."""
        self.watch.stop()
        self._stopped.set()
        self._dirty.set()
        for thread in self._threads:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return not self._stopped.is_set()

    def wait_until(self, predicate: Callable[[Mapping[str, T]], bool], timeout: float = 30.0) -> bool:
        """Polls the current objects until ``predicate`` holds (for scripts and tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                snapshot = dict(self.objects)
            if predicate(snapshot):
                return True
            time.sleep(0.05)
        return False


def live(resource: Any, namespace: Optional[str] = None, *, title: Optional[str] = None,
         label_selector: Union[None, str, Mapping[str, str]] = None, all_namespaces: bool = False,
         display: bool = True) -> "LiveTable[Any]":
    """Starts a :class:`LiveTable` for a sync :class:`entroos.client.Resource`."""
    watch = resource.watch(namespace, all_namespaces=all_namespaces, label_selector=label_selector)
    name = title or f"{resource.type.plural}" + ("" if all_namespaces else f" in {namespace or resource.client.config.namespace}")
    return LiveTable(watch, name, display=display).start()
