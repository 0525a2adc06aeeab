"""A real HTTP server on 127.0.0.1 for feed tests: static files with ETag/Last-Modified and 304s,
dynamic routes (the NVD API), a request log, and injected faults (a status, a connection
dropped mid-body, a delay longer than the client's timeout)."""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class Request:
    path: str  # unquoted
    raw_path: str  # as sent (percent-encoded)
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    kind: str  # "status" | "drop" | "delay"
    status: int = 500
    delay: float = 0.0


Route = Callable[[Request], Response]


class FeedServer:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.mtimes: dict[str, float] = {}
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self.faults: dict[str, list[Fault]] = {}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are separate writes

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- content and faults -----------------------------------------------------------------------

    def put(self, path: str, data: bytes) -> None:
        with self.lock:
            if self.files.get(path) != data:
                self.mtimes[path] = time.time()
            self.files[path] = data

    def fail(self, path: str, kind: str = "status", *, times: int = 1, **kw: object) -> None:
        """The next ``times`` requests of ``path`` fail (``"*"`` matches every path)."""
        with self.lock:
            self.faults.setdefault(path, []).extend(Fault(kind, **kw) for _ in range(times))  # type: ignore[arg-type]

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def requests(self, path: str | None = None) -> list[Request]:
        with self.lock:
            return [r for r in self.log if path is None or r.path == path]

    def paths(self) -> list[str]:
        return [r.path for r in self.requests()]

    def reset_log(self) -> None:
        with self.lock:
            self.log.clear()

    # -- handling ---------------------------------------------------------------------------------

    def _take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for key in (path, "*"):
                queue = self.faults.get(key)
                if queue:
                    return queue.pop(0)
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        path = unquote(parts.path)
        request = Request(
            path=path,
            raw_path=parts.path,
            query={k: v[0] for k, v in parse_qs(parts.query).items()},
            headers={k.lower(): v for k, v in handler.headers.items()},
        )
        with self.lock:
            self.log.append(request)
        fault = self._take_fault(path)
        try:
            if fault is not None and fault.kind == "status":
                self._send(handler, Response(fault.status, b"injected failure\n"))
                return
            if fault is not None and fault.kind == "delay":
                time.sleep(fault.delay)
            response = self._respond(request)
            if fault is not None and fault.kind == "drop":
                self._send_truncated(handler, response)
                return
            self._send(handler, response)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True

    def _respond(self, request: Request) -> Response:
        route = self.routes.get(request.path)
        if route is not None:
            return route(request)
        with self.lock:
            body = self.files.get(request.path)
            mtime = self.mtimes.get(request.path, 0.0)
        if body is None:
            return Response(404, b"not found\n")
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        headers = {
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(mtime, usegmt=True),
        }
        if request.headers.get("if-none-match") == etag:
            return Response(304, b"", headers)
        return Response(200, body, headers)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, response: Response) -> None:
        handler.send_response(response.status)
        for name, value in response.headers.items():
            handler.send_header(name, value)
        if response.status != 304:
            handler.send_header("Content-Length", str(len(response.body)))
        handler.end_headers()
        if response.status != 304:
            handler.wfile.write(response.body)

    @staticmethod
    def _send_truncated(handler: BaseHTTPRequestHandler, response: Response) -> None:
        """Promise the whole body, send half of it, and close the connection."""
        handler.send_response(response.status)
        for name, value in response.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(max(len(response.body), 2)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(response.body[: len(response.body) // 2])
        handler.wfile.flush()
        handler.close_connection = True
