"""A local OSV API for benchmarks: the endpoints pip-audit and osv-scanner call, on 127.0.0.1.

    POST /v1/query       {"package": {"name", "ecosystem"}, "version"} -> {"vulns": [record...]}
    POST /v1/querybatch  {"queries": [query...]} -> {"results": [{"vulns": [{id, modified}]}]}
    GET  /v1/vulns/{id}  -> the record

It answers from a directory of OSV records (JSON, or YAML as the PyPA advisory database writes
them), read once at start. Matching is independent of Runink, so that comparing the two is a
real cross-check: ``packaging`` parses and orders the PEP 440 versions, and the OSV range
algorithm is written out below. A query matches an ``affected[]`` entry of its ecosystem and
name (names compared in PEP 503 form for PyPI) when the version is listed in ``versions[]``
(as text, or as the same PEP 440 version) or falls in an ``ECOSYSTEM`` range: events sorted by
version, ``introduced`` opens, ``fixed`` and ``limit`` close before their version,
``last_affected`` closes after it. Only PyPI versions are ordered (the benchmark's purpose); an
event version ``packaging`` cannot parse is ignored and counted. Withdrawn records never match.
As the real API does, an empty answer is ``{}``.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _jsonable(value: Any) -> Any:
    """YAML dates and times as the RFC 3339 text OSV JSON carries."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _key(ecosystem: str, name: str) -> tuple[str, str]:
    return (ecosystem, canonicalize_name(name) if ecosystem == "PyPI" else name)


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


@dataclass(slots=True)
class OsvStore:
    """OSV records by id, and (record, affected entry) pairs by (ecosystem, name)."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_package: dict[tuple[str, str], list[tuple[dict[str, Any], dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    unparsed_events: int = 0

    @classmethod
    def from_tree(cls, root: Path) -> OsvStore:
        store = cls()
        for path in sorted(root.rglob("*")):
            if path.suffix in (".yaml", ".yml"):
                record = yaml.load(path.read_bytes(), Loader=_Loader)
            elif path.suffix == ".json":
                record = json.loads(path.read_bytes())
            else:
                continue
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                store.add(_jsonable(record))
        return store

    def add(self, record: dict[str, Any]) -> None:
        self.records[record["id"]] = record
        for affected in record.get("affected") or []:
            package = affected.get("package") or {}
            if isinstance(package.get("name"), str) and isinstance(package.get("ecosystem"), str):
                self.by_package[_key(package["ecosystem"], package["name"])].append(
                    (record, affected)
                )

    def query(self, ecosystem: str, name: str, version: str) -> list[dict[str, Any]]:
        matched: dict[str, dict[str, Any]] = {}
        parsed = _version(version) if ecosystem == "PyPI" else None
        for record, affected in self.by_package.get(_key(ecosystem, name), []):
            if record.get("withdrawn") or record["id"] in matched:
                continue
            if self._affects(affected, version, parsed):
                matched[record["id"]] = record
        return list(matched.values())

    def _affects(self, affected: dict[str, Any], text: str, version: Version | None) -> bool:
        for listed in affected.get("versions") or []:
            if listed == text or (version is not None and _version(listed) == version):
                return True
        if version is None:
            return False
        return any(
            r.get("type") == "ECOSYSTEM" and self._in_range(r.get("events") or [], version)
            for r in affected.get("ranges") or []
        )

    def _in_range(self, events: list[dict[str, str]], version: Version) -> bool:
        ordered: list[tuple[Version | None, int, str]] = []
        for event in events:
            for kind, text in event.items():
                if kind == "introduced" and text == "0":
                    ordered.append((None, 0, kind))
                    continue
                at = _version(text)
                if at is None:
                    self.unparsed_events += 1
                    continue
                ordered.append((at, 0 if kind == "introduced" else 1, kind))
        ordered.sort(key=lambda e: (e[0] is not None, e[0] or Version("0"), e[1]))
        affected = False
        for at, _, kind in ordered:
            if kind == "introduced":
                if at is None or version >= at:
                    affected = True
            elif kind in ("fixed", "limit"):
                if at is not None and version >= at:
                    affected = False
            elif kind == "last_affected" and at is not None and version > at:
                affected = False
        return affected


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API
    server: OsvServer

    def setup(self) -> None:
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def _answer(self, query: Any) -> list[dict[str, Any]] | None:
        if not isinstance(query, dict):
            return None
        package = query.get("package")
        version = query.get("version")
        if not isinstance(package, dict) or not isinstance(version, str):
            return None
        name, ecosystem = package.get("name"), package.get("ecosystem")
        if not isinstance(name, str) or not isinstance(ecosystem, str):
            return None
        self.server.count("query")
        return self.server.store.query(ecosystem, name, version)

    def do_POST(self) -> None:
        try:
            body = self._body()
        except (ValueError, UnicodeDecodeError):
            self._reply(400, {"code": 3, "message": "invalid JSON"})
            return
        if self.path == "/v1/query":
            vulns = self._answer(body)
            if vulns is None:
                self._reply(400, {"code": 3, "message": "expected package.name/ecosystem, version"})
            else:
                self._reply(200, {"vulns": vulns} if vulns else {})
        elif self.path == "/v1/querybatch":
            queries = body.get("queries") if isinstance(body, dict) else None
            if not isinstance(queries, list):
                self._reply(400, {"code": 3, "message": "expected queries"})
                return
            results = []
            for query in queries:
                vulns = self._answer(query) or []
                brief = [{"id": v["id"], "modified": v.get("modified")} for v in vulns]
                results.append({"vulns": brief} if brief else {})
            self._reply(200, {"results": results})
        else:
            self._reply(404, {"code": 5, "message": "not found"})

    def do_GET(self) -> None:
        prefix = "/v1/vulns/"
        record = self.server.store.records.get(self.path[len(prefix) :])
        if self.path.startswith(prefix) and record is not None:
            self.server.count("vulns")
            self._reply(200, record)
        else:
            self._reply(404, {"code": 5, "message": "not found"})


class OsvServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, store: OsvStore) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.store = store
        self.requests: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def count(self, endpoint: str) -> None:
        with self._lock:
            self.requests[endpoint] += 1

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


@contextmanager
def serving(store: OsvStore) -> Iterator[OsvServer]:
    """Run the server on an ephemeral 127.0.0.1 port for the duration of the block."""
    server = OsvServer(store)
    thread = threading.Thread(target=server.serve_forever, name="osv-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
