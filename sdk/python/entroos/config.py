"""Where the server is and how to authenticate: a token, a kubeconfig, or ``ENTROOS_URL``/``ENTROOS_TOKEN``."""

from __future__ import annotations

import base64
import os
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Union

Verify = Union[bool, ssl.SSLContext]


@dataclass
class Config:
    """Connection settings shared by :class:`entroos.Client` and :class:`entroos.AsyncClient`."""

    url: str
    token: Optional[str] = None
    verify: Verify = True
    namespace: str = "default"
    #: Seconds for connecting and for each read (a watch uses its own read timeout).
    timeout: float = 30.0
    #: Attempts after the first one for 429 and 503 answers and connection failures.
    max_retries: int = 5
    #: Upper bound of a single wait between retries, in seconds (``Retry-After`` included).
    max_backoff: float = 30.0
    user_agent: str = "entroos-python"
    headers: Dict[str, str] = field(default_factory=dict)

    def auth_headers(self) -> Dict[str, str]:
        headers = {"User-Agent": self.user_agent, "Accept": "application/json", **self.headers}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


def from_env(environ: Optional[Mapping[str, str]] = None) -> Optional[Config]:
    """``ENTROOS_URL`` (and ``ENTROOS_TOKEN``, ``ENTROOS_NAMESPACE``, ``ENTROOS_CA_FILE``) when set."""
    env = os.environ if environ is None else environ
    url = env.get("ENTROOS_URL")
    if not url:
        return None
    verify: Verify = True
    ca_file = env.get("ENTROOS_CA_FILE")
    if ca_file:
        verify = ssl.create_default_context(cafile=ca_file)
    elif env.get("ENTROOS_INSECURE", "").lower() in ("1", "true", "yes"):
        verify = False
    return Config(
        url=url.rstrip("/"),
        token=env.get("ENTROOS_TOKEN") or None,
        verify=verify,
        namespace=env.get("ENTROOS_NAMESPACE", "default"),
    )


def _named(entries: Any, name: str, what: str) -> Dict[str, Any]:
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get("name") == name:
            value = entry.get(what)
            return value if isinstance(value, dict) else {}
    raise ValueError(f"kubeconfig: no {what} named {name!r}")


def from_kubeconfig(path: Union[str, Path, None] = None, context: Optional[str] = None) -> Config:
    """Reads a kubeconfig (``$KUBECONFIG`` or ``~/.kube/config`` by default): server, CA and bearer token.

    EntroOS kubeconfigs (``npm run -s kubeconfig``) point at ``https://`` with the server's CA in
    ``certificate-authority-data``; the CA is trusted for that connection only.
    """
    import yaml  # PyYAML: Debian's python3-yaml

    if path is None:
        path = os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or Path.home() / ".kube" / "config"
    source = Path(path)
    document = yaml.safe_load(source.read_text())
    if not isinstance(document, dict):
        raise ValueError(f"kubeconfig {source}: not a YAML mapping")
    context_name = context or document.get("current-context")
    if not context_name:
        raise ValueError(f"kubeconfig {source}: no current-context; pass context=")
    ctx = _named(document.get("contexts"), str(context_name), "context")
    cluster = _named(document.get("clusters"), str(ctx.get("cluster")), "cluster")
    user = _named(document.get("users"), str(ctx.get("user")), "user")
    server = cluster.get("server")
    if not isinstance(server, str):
        raise ValueError(f"kubeconfig {source}: cluster {ctx.get('cluster')!r} has no server")

    verify: Verify = True
    if cluster.get("insecure-skip-tls-verify"):
        verify = False
    elif cluster.get("certificate-authority-data"):
        pem = base64.b64decode(str(cluster["certificate-authority-data"])).decode()
        verify = ssl.create_default_context(cadata=pem)
    elif cluster.get("certificate-authority"):
        ca_path = Path(str(cluster["certificate-authority"]))
        if not ca_path.is_absolute():
            ca_path = source.parent / ca_path
        verify = ssl.create_default_context(cafile=str(ca_path))

    token = user.get("token")
    if not token and user.get("tokenFile"):
        token = Path(str(user["tokenFile"])).read_text().strip()
    return Config(
        url=server.rstrip("/"),
        token=str(token) if token else None,
        verify=verify,
        namespace=str(ctx.get("namespace") or "default"),
    )


def resolve(
    url: Optional[str] = None,
    token: Optional[str] = None,
    kubeconfig: Union[str, Path, None] = None,
    context: Optional[str] = None,
    verify: Optional[Verify] = None,
    **options: Any,
) -> Config:
    """Explicit arguments first, then a kubeconfig, then the environment, then ``$KUBECONFIG``/``~/.kube/config``."""
    config: Optional[Config]
    if url is not None:
        config = Config(url=url.rstrip("/"), token=token)
    elif kubeconfig is not None:
        config = from_kubeconfig(kubeconfig, context)
    else:
        config = from_env()
        if config is None:
            try:
                config = from_kubeconfig(None, context)
            except FileNotFoundError:
                raise ValueError(
                    "no server given: pass url= (and token=), kubeconfig=, or set ENTROOS_URL and ENTROOS_TOKEN"
                ) from None
    if token is not None:
        config.token = token
    if verify is not None:
        config.verify = verify
    for key, value in options.items():
        if not hasattr(config, key):
            raise TypeError(f"unknown option {key!r}")
        setattr(config, key, value)
    return config
