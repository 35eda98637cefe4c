"""Helpers the compatibility tests share (imported by the test modules; the fixtures are in conftest.py)."""

import os
import time

from kubernetes import client


def make_client(token=None):
    """An ApiClient for the server under test (ENTROOS_URL), as the holder of `token` (ENTROOS_TOKEN by default)."""
    config = client.Configuration()
    config.host = os.environ["ENTROOS_URL"]
    config.api_key = {"authorization": "Bearer " + (token or os.environ["ENTROOS_TOKEN"])}
    config.verify_ssl = False
    return client.ApiClient(config)


def until(check, what, timeout=15.0):
    """Polls `check` until it returns something truthy, which it returns; fails naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.1)
