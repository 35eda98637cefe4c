"""Connecting from a kubeconfig (https with the server's CA) and from ENTROOS_URL/ENTROOS_TOKEN."""

from __future__ import annotations

import os

import entroos
from conftest import env


def test_kubeconfig_from_npm_run_kubeconfig() -> None:
    path = env("ENTROOS_KUBECONFIG")
    config = entroos.from_kubeconfig(path)
    assert config.url.startswith("https://")
    with entroos.Client(kubeconfig=path) as c:
        assert c.whoami().username == "admin"
        assert c.whoami().via == "token"
        assert c.nodes.list() is not None


def test_environment_variables() -> None:
    os.environ.setdefault("ENTROOS_URL", env("ENTROOS_URL"))
    with entroos.Client() as c:
        assert c.config.url == os.environ["ENTROOS_URL"]
        assert c.whoami().role == "admin"
