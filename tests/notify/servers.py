"""Real servers on 127.0.0.1 for notification tests: SMTP (aiosmtpd) and HTTP (http.server).

Both bind an ephemeral port, run in a background thread, record what they receive, and answer
from a script so a test can make them fail the way real servers do. Reusable by other tests
(e.g. the end-to-end policy tests): ``SmtpServer`` and ``HttpServer`` are context managers.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import http.server
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

# -- SMTP ------------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: str | None
    tls: bool

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None, "no text/plain part"
        return str(part.get_content())

    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None, "no text/html part"
        return str(part.get_content())


@dataclass
class MailHandler:
    """Records accepted mail. ``data_replies`` are answered to DATA in order (a reply other
    than 250 refuses that message); ``refuse`` lists recipients answered with 550."""

    data_replies: list[str] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    received: list[ReceivedMail] = field(default_factory=list)
    data_commands: int = 0

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 <" + address + ">: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.data_commands += 1
        if self.data_replies:
            reply = self.data_replies.pop(0)
            if not reply.startswith("250"):
                return reply
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        auth = session.auth_data
        login = auth.login if isinstance(auth, LoginPassword) else None
        self.received.append(
            ReceivedMail(
                mail_from=str(envelope.mail_from),
                rcpt_tos=list(envelope.rcpt_tos),
                message=message,
                login=login.decode() if isinstance(login, bytes) else login,
                tls=session.ssl is not None,
            )
        )
        return "250 2.0.0 Message accepted for delivery"


class Authenticator:
    """Accepts exactly ``users`` (name → password) over any mechanism that sends both."""

    def __init__(self, users: dict[str, str]) -> None:
        self.users = users
        self.attempts: list[tuple[str, str]] = []

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)  # aiosmtpd answers 535
        login = auth_data.login.decode()
        password = auth_data.password.decode()
        self.attempts.append((login, password))
        if self.users.get(login) != password:
            return AuthResult(success=False, handled=False)  # aiosmtpd answers 535
        return AuthResult(success=True, auth_data=auth_data)


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1:<ephemeral> in its own event-loop thread.

    ``implicit_tls`` (a server ``SSLContext``) makes it an SMTPS server; ``starttls`` offers
    STARTTLS with that context (and then requires it before AUTH and mail).
    """

    def __init__(
        self,
        handler: MailHandler | None = None,
        *,
        users: dict[str, str] | None = None,
        implicit_tls: ssl.SSLContext | None = None,
        starttls: ssl.SSLContext | None = None,
    ) -> None:
        self.handler = handler or MailHandler()
        self.authenticator = Authenticator(users) if users is not None else None
        self.implicit_tls = implicit_tls
        self.starttls = starttls
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    @property
    def received(self) -> list[ReceivedMail]:
        return self.handler.received

    def _factory(self) -> SMTP:
        kwargs: dict[str, Any] = {"loop": self._loop, "hostname": "mail.test"}
        if self.authenticator is not None:
            kwargs["authenticator"] = self.authenticator
        if self.starttls is not None:
            kwargs.update(tls_context=self.starttls, require_starttls=True)
        if self.implicit_tls is not None:
            # aiosmtpd only counts STARTTLS as TLS; on an SMTPS socket everything is encrypted.
            kwargs["auth_require_tls"] = False
        return SMTP(self.handler, **kwargs)

    def __enter__(self) -> SmtpServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            self._loop.create_server(self._factory, "127.0.0.1", 0, ssl=self.implicit_tls),
            self._loop,
        )
        self._server = future.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            await self._server.wait_closed()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@contextmanager
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections (into the backlog) and never says a word."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- TLS ---------------------------------------------------------------------------------------


@dataclass
class Pki:
    """A throwaway CA and a certificate for 127.0.0.1/localhost (made with trustme)."""

    server_context: ssl.SSLContext
    ca_file: Path


def make_pki(directory: Path) -> Pki:
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_file = directory / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Pki(server_context=context, ca_file=ca_file)


# -- HTTP --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A scripted HTTP answer. ``delay`` holds the answer back (to provoke client timeouts)."""

    status: int = 200
    body: str = "ok"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class HttpServer:
    """A stdlib HTTP server on 127.0.0.1:<ephemeral> answering ``replies`` in order, then 200."""

    def __init__(
        self, replies: list[Reply] | None = None, *, tls: ssl.SSLContext | None = None
    ) -> None:
        self.replies = list(replies or [])
        self.requests: list[Request] = []
        self._release = threading.Event()
        self._lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are separate writes

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with owner._lock:
                    owner.requests.append(
                        Request(
                            "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body
                        )
                    )
                    reply = owner.replies.pop(0) if owner.replies else Reply()
                if reply.delay:
                    owner._release.wait(reply.delay)
                payload = reply.body.encode()
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers:
                        self.send_header(name, value)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host!s}:{port}"

    def __enter__(self) -> HttpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
