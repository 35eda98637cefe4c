"""429 from the server's rate limiter, typed and retried: on the second server, which the runner starts with
5 requests/s and bursts of 30 per principal, as a user of its own."""

from __future__ import annotations

import time
from pathlib import Path
from typing import List

import pytest

import entroos
from conftest import env, eventually


def test_429_is_typed_then_retried_after_retry_after() -> None:
    # The server is restarted for test_restart (started when pytest collected it): wait until it is back.
    directory = Path(env("ENTROOS_RESTART_DIR"))
    eventually(lambda: (directory / "restarted").exists(), timeout=150, interval=0.2, what="server restarted")
    url, token = env("ENTROOS_RESTART_URL"), env("ENTROOS_LIMITED_TOKEN")
    with entroos.Client(url, token, max_retries=0) as impatient:
        with pytest.raises(entroos.TooManyRequests) as info:
            for _ in range(200):
                impatient.whoami()
    assert info.value.code == 429 and info.value.reason == "TooManyRequests"
    assert info.value.retry_after is not None and info.value.retry_after >= 1

    waited: List[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        time.sleep(seconds)

    # The bucket refills at 5 requests/s: ten requests at once outrun it, and every one still succeeds.
    with entroos.Client(url, token, sleep=sleep, max_retries=5, max_backoff=10) as patient:
        assert [patient.whoami().username for _ in range(10)] == ["limited"] * 10
    assert waited and all(w >= 1 for w in waited)
