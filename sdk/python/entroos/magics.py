"""IPython magics: ``%load_ext entroos``, then ``%entroos get pods -n demo``, ``%entroos why POD``,
``%%entroos apply`` (a YAML cell), ``%entroos live pods -n demo`` / ``%entroos stop``, ``%entroos connect``."""

from __future__ import annotations

import argparse
import json
import shlex
from typing import Any, List, Optional

from IPython.core.magic import Magics, line_cell_magic, magics_class

from . import kinds
from .client import Client, Resource
from .live import LiveTable
from .models import KubeObject
from .resource import ResourceType


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit the kernel
        raise ValueError(f"%entroos: {message}\n{self.format_usage()}")


def _parser() -> _Parser:
    parser = _Parser(prog="%entroos", add_help=False)
    sub = parser.add_subparsers(dest="command")
    get = sub.add_parser("get", add_help=False)
    get.add_argument("kind")
    get.add_argument("name", nargs="?")
    get.add_argument("-n", "--namespace")
    get.add_argument("-A", "--all-namespaces", action="store_true")
    get.add_argument("-l", "--selector")
    get.add_argument("-o", "--output", choices=["html", "yaml", "json", "df", "name"], default="html")
    why = sub.add_parser("why", add_help=False)
    why.add_argument("pod")
    why.add_argument("-n", "--namespace")
    apply = sub.add_parser("apply", add_help=False)
    apply.add_argument("-n", "--namespace")
    apply.add_argument("--field-manager", default="entroos-jupyter")
    live = sub.add_parser("live", add_help=False)
    live.add_argument("kind")
    live.add_argument("-n", "--namespace")
    live.add_argument("-A", "--all-namespaces", action="store_true")
    live.add_argument("-l", "--selector")
    sub.add_parser("stop", add_help=False)
    connect = sub.add_parser("connect", add_help=False)
    connect.add_argument("--url")
    connect.add_argument("--token")
    connect.add_argument("--kubeconfig")
    connect.add_argument("--context")
    return parser


@magics_class
class EntroOSMagics(Magics):  # type: ignore[misc]  # IPython ships no type information
    """``%entroos`` and ``%%entroos``."""

    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        self._client: Optional[Client] = None
        self.lives: List[LiveTable[Any]] = []
        self._parser = _parser()

    @property
    def client(self) -> Client:
        """The client the magics use: ``%entroos connect``'s, else one from the environment (``ENTROOS_URL``…)."""
        if self._client is None:
            self._client = Client()
        return self._client

    @client.setter
    def client(self, value: Client) -> None:
        self._client = value

    @line_cell_magic  # type: ignore[misc]
    def entroos(self, line: str, cell: Optional[str] = None) -> Any:
        args = self._parser.parse_args(shlex.split(line))
        if cell is not None and args.command != "apply":
            raise ValueError("%%entroos cells only support `apply` (a YAML manifest)")
        if args.command == "get":
            return self._get(args)
        if args.command == "why":
            return self.client.scheduler.why(args.pod, args.namespace)
        if args.command == "apply":
            if not cell:
                raise ValueError("%%entroos apply: put the YAML manifest in the cell body")
            applied = self.client.apply_manifest(cell, field_manager=args.field_manager, namespace=args.namespace)
            for obj in applied:
                print(f"{(obj.kind or '').lower()}/{obj.name} applied")
            return None
        if args.command == "live":
            resource = self._resource(args.kind)
            table = resource.live(args.namespace, all_namespaces=args.all_namespaces, label_selector=args.selector)
            self.lives.append(table)
            return None
        if args.command == "stop":
            for table in self.lives:
                table.stop()
            stopped = len(self.lives)
            self.lives.clear()
            print(f"stopped {stopped} live view(s)")
            return None
        if args.command == "connect":
            if args.url:
                self._client = Client(args.url, args.token)
            else:
                self._client = Client(kubeconfig=args.kubeconfig, context=args.context)
            who = self._client.whoami()
            print(f"connected to {self._client.config.url} as {who.username} ({who.role})")
            return None
        raise ValueError(f"%entroos: {self._parser.format_usage()}")

    def _resource(self, name: str) -> Resource[KubeObject]:
        known = kinds.lookup(name)
        if known is not None:
            return Resource(self.client, known)
        return Resource(self.client, _discover(self.client, name))

    def _get(self, args: argparse.Namespace) -> Any:
        resource = self._resource(args.kind)
        if args.name:
            obj = resource.get(args.name, args.namespace)
            return _format_one(obj, args.output)
        items = resource.list(args.namespace, all_namespaces=args.all_namespaces, label_selector=args.selector)
        if args.output == "df":
            return items.to_dataframe()
        if args.output == "name":
            print("\n".join(f"{args.kind}/{n}" for n in items.names()))
            return None
        if args.output in ("yaml", "json"):
            return _format_one(items, args.output)
        return items


def _format_one(obj: Any, output: str) -> Any:
    if output not in ("yaml", "json"):
        return obj
    data = [o.to_dict() for o in obj] if isinstance(obj, list) else obj.to_dict()
    if output == "json":
        print(json.dumps(data, indent=2))
    else:
        import yaml

        print(yaml.safe_dump(data, sort_keys=False))
    return None


def _discover(client: Client, name: str) -> ResourceType[KubeObject]:
    """A custom resource by plural, singular, short name or ``plural.group``, from discovery."""
    wanted = name.lower()
    groups = client.request("GET", "/apis").get("groups") or []
    for group in groups:
        version = (group.get("preferredVersion") or {}).get("groupVersion")
        if not version:
            continue
        listing = client.request("GET", f"/apis/{version}")
        gname, _, vname = str(version).rpartition("/")
        for res in listing.get("resources") or []:
            plural = str(res.get("name", ""))
            if "/" in plural:
                continue
            names = {plural, str(res.get("singularName", "")), f"{plural}.{gname}", *res.get("shortNames", [])}
            if wanted in names:
                return ResourceType(gname, vname, plural, bool(res.get("namespaced")), KubeObject, str(res.get("kind", "")))
    raise ValueError(f"%entroos: the server has no resource {name!r}")


def register(ipython: Any) -> EntroOSMagics:
    magics = EntroOSMagics(ipython)
    ipython.register_magics(magics)
    return magics
