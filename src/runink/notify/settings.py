"""Notification settings: the SMTP server and the named channels.

Sources, lowest precedence first:

* the config file (``runink.config.load_config_file()``): its ``smtp:`` and ``channels:``
  sections;
* the environment: ``RUNINK_SMTP_URL`` replaces the config file's SMTP server and credentials,
  ``RUNINK_SMTP_FROM`` its sender address.

Every string in the ``smtp:`` and ``channels:`` sections may name environment variables as
``${NAME}`` (``$$`` is a literal ``$``), so tokens and passwords stay out of the file. A problem
is a ``UsageError`` whose message starts with the file and the field at fault, e.g.
``/etc/runink/config.yaml: channels.ops.url: …``, or with the environment variable's name.
Passwords never appear in messages or in ``repr()``.

See ``docs/notifications.md`` for the reference.
"""

from __future__ import annotations

import difflib
import enum
import ipaddress
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from runink.config import Settings, load_config_file, load_settings
from runink.errors import UsageError
from runink.notify.base import ChannelType, RetryPolicy

__all__ = [
    "ChannelSettings",
    "NotifySettings",
    "SmtpSecurity",
    "SmtpSettings",
    "SmtpUrl",
    "is_email_address",
    "load_notify_settings",
    "parse_notify_settings",
    "parse_smtp_url",
    "split_address",
]

ENV_SMTP_URL = "RUNINK_SMTP_URL"
ENV_SMTP_FROM = "RUNINK_SMTP_FROM"

#: Names a policy's ``who:`` gives a meaning of its own, so no channel may take them.
RESERVED_CHANNEL_NAMES = frozenset({"owner", "owners", "team", "email"})

_CHANNEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_FORBIDDEN_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})
_ENV_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")
_DISPLAY_ADDRESS = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<addr>[^<>]+)>\s*$")

_SMTP_KEYS = (
    "url",
    "host",
    "port",
    "security",
    "username",
    "password",
    "from",
    "timeout",
    "retries",
    "backoff",
    "ca_file",
)
_CHANNEL_KEYS = ("type", "url", "headers", "timeout", "retries", "backoff", "labels", "ca_file")
_URL_OPTIONS = ("starttls", "timeout", "ca_file")

DEFAULT_SMTP_TIMEOUT = 30.0
DEFAULT_SMTP_RETRIES = 2
DEFAULT_HTTP_TIMEOUT = 10.0
DEFAULT_HTTP_RETRIES = 3
DEFAULT_BACKOFF = 1.0
MAX_TIMEOUT = 600.0
MAX_RETRIES = 10


class SmtpSecurity(enum.StrEnum):
    """How the SMTP connection is protected."""

    NONE = "none"  # plain SMTP (only for a relay on the same host or a trusted network)
    STARTTLS = "starttls"  # plain connect, then STARTTLS before anything else; TLS required
    TLS = "tls"  # implicit TLS from the first byte (``smtps://``, usually port 465)


_DEFAULT_PORTS = {SmtpSecurity.NONE: 25, SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465}


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send e-mail. ``sender`` is the ``From`` header (may carry a name)."""

    host: str
    port: int
    security: SmtpSecurity
    sender: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_SMTP_TIMEOUT
    retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(retries=DEFAULT_SMTP_RETRIES))
    ca_file: Path | None = None

    @property
    def envelope_sender(self) -> str:
        """The bare address of ``sender`` (the SMTP ``MAIL FROM``)."""
        return split_address(self.sender)[1]

    def describe(self) -> str:
        """``smtps://user@host:465``: the server, for messages and logs, without the password."""
        scheme = "smtps" if self.security is SmtpSecurity.TLS else "smtp"
        user = f"{self.username}@" if self.username else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        suffix = " (STARTTLS)" if self.security is SmtpSecurity.STARTTLS else ""
        return f"{scheme}://{user}{host}:{self.port}{suffix}"


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """One named webhook, Slack or ticket channel.

    ``url`` and ``headers`` are kept out of ``repr()``: they often hold the channel's secret.
    """

    name: str
    type: ChannelType
    url: str = field(repr=False)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    timeout: float = DEFAULT_HTTP_TIMEOUT
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    labels: tuple[str, ...] = ()
    ca_file: Path | None = None

    @property
    def origin(self) -> str:
        """``scheme://host[:port]`` of the URL: safe to show, unlike its path and query."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}"


@dataclass(frozen=True, slots=True)
class NotifySettings:
    """All notification settings. ``smtp`` is None when no SMTP server is configured."""

    smtp: SmtpSettings | None = None
    channels: tuple[ChannelSettings, ...] = ()
    source: str = ""

    def channel(self, name: str) -> ChannelSettings | None:
        for channel in self.channels:
            if channel.name == name:
                return channel
        return None

    @property
    def channel_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.channels)


def load_notify_settings(
    settings: Settings | None = None, *, environ: Mapping[str, str] | None = None
) -> NotifySettings:
    """Read the config file and the environment. Raises ``UsageError`` on a bad value."""
    settings = settings or load_settings()
    config = load_config_file(settings)
    env = os.environ if environ is None else environ
    return parse_notify_settings(config, source=str(settings.config_path), environ=env)


def parse_notify_settings(
    config: Mapping[str, Any], *, source: str, environ: Mapping[str, str]
) -> NotifySettings:
    """Build settings from a parsed config file (``source`` names it in messages)."""
    ctx = _Context(source, environ)
    smtp = _parse_smtp(ctx, config.get("smtp"))
    channels = _parse_channels(ctx, config.get("channels"))
    return NotifySettings(smtp=smtp, channels=channels, source=source)


def parse_smtp_url(url: str, *, where: str = ENV_SMTP_URL) -> SmtpUrl:
    """Parse ``smtp://user:pass@host:port?starttls=true`` or ``smtps://…``.

    ``where`` names the URL's origin in error messages (the variable or the config field).
    User name and password are URL-decoded (``%40`` is ``@``).
    """

    def fail(message: str) -> UsageError:
        return UsageError(f"{where}: {message}")

    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise fail(f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        shown = f"{scheme}://" if scheme else "no scheme"
        raise fail(f"expected an smtp:// or smtps:// URL, got {shown}")
    host = parts.hostname
    if not host:
        raise fail("the URL names no host")
    if parts.path not in ("", "/"):
        raise fail("an SMTP URL has no path (use ?option=value for options)")
    security = SmtpSecurity.TLS if scheme == "smtps" else SmtpSecurity.NONE
    timeout: float | None = None
    ca_file: Path | None = None
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "starttls":
            flag = _parse_bool(value)
            if flag is None:
                raise fail(f"starttls: expected true or false, got {value!r}")
            if flag and security is SmtpSecurity.TLS:
                raise fail("starttls: smtps:// already uses TLS from the start; drop starttls")
            if flag:
                security = SmtpSecurity.STARTTLS
        elif key == "timeout":
            timeout = _parse_positive(value, f"{where}: timeout")
        elif key == "ca_file":
            ca_file = _parse_ca_file(value, f"{where}: ca_file")
        else:
            raise fail(f"unknown option {key!r}{_suggest(key, _URL_OPTIONS)}")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and not username:
        raise fail("a password is given without a user name")
    return SmtpUrl(
        host=host,
        port=port or _DEFAULT_PORTS[security],
        security=security,
        username=username,
        password=password,
        timeout=timeout,
        ca_file=ca_file,
    )


@dataclass(frozen=True, slots=True)
class SmtpUrl:
    """What an SMTP URL says (``None`` where it says nothing)."""

    host: str
    port: int
    security: SmtpSecurity
    username: str | None
    password: str | None = field(repr=False)
    timeout: float | None
    ca_file: Path | None


def is_email_address(text: str) -> bool:
    """Whether ``text`` is a plain address (``local@domain.tld``), as ``who:`` and ``To`` use."""
    return bool(_ADDRESS.match(text))


def split_address(text: str) -> tuple[str, str]:
    """``"Runink <r@org.com>"`` → ``("Runink", "r@org.com")``; a bare address has no name."""
    match = _DISPLAY_ADDRESS.match(text)
    if match:
        return match.group("name").strip().strip('"'), match.group("addr").strip()
    return "", text.strip()


# -- internals ---------------------------------------------------------------------------------


class _Context:
    def __init__(self, source: str, environ: Mapping[str, str]) -> None:
        self.source = source
        self.environ = environ

    def error(self, field_path: str, message: str) -> UsageError:
        return UsageError(f"{self.source}: {field_path}: {message}")

    def expand(self, field_path: str, value: str) -> str:
        """Replace ``${NAME}`` with the environment variable; ``$$`` is a literal ``$``."""

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name is None:
                return "$"
            found = self.environ.get(name)
            if found is None:
                raise self.error(field_path, f"environment variable {name} is not set")
            return found

        return _ENV_REF.sub(substitute, value)

    def string(self, field_path: str, value: object, *, expand: bool = True) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(field_path, f"expected a non-empty string, got {_describe(value)}")
        return self.expand(field_path, value) if expand else value

    def number(self, field_path: str, value: object, *, maximum: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(field_path, f"expected a number of seconds, got {_describe(value)}")
        number = float(value)
        if not math.isfinite(number) or number <= 0 or number > maximum:
            raise self.error(field_path, f"expected more than 0 and at most {maximum:g}")
        return number

    def count(self, field_path: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(field_path, f"expected a whole number, got {_describe(value)}")
        if not 0 <= value <= MAX_RETRIES:
            raise self.error(field_path, f"expected 0 to {MAX_RETRIES}, got {value}")
        return value

    def mapping(self, field_path: str, value: object) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(field_path, f"expected a mapping, got {_describe(value)}")
        for key in value:
            if not isinstance(key, str):
                raise self.error(field_path, f"keys must be strings, got {_describe(key)}")
        return value

    def known_keys(
        self, field_path: str, section: Mapping[str, Any], known: tuple[str, ...]
    ) -> None:
        for key in section:
            if key not in known:
                raise self.error(f"{field_path}.{key}", f"unknown key{_suggest(key, known)}")


def _parse_smtp(ctx: _Context, raw: object) -> SmtpSettings | None:
    env_url = ctx.environ.get(ENV_SMTP_URL, "").strip()
    env_from = ctx.environ.get(ENV_SMTP_FROM, "").strip()
    if raw is None:
        section: Mapping[str, Any] = {}
    else:
        section = ctx.mapping("smtp", raw)
        ctx.known_keys("smtp", section, _SMTP_KEYS)
    if not env_url and not section:
        return None

    if env_url:
        server = parse_smtp_url(env_url, where=ENV_SMTP_URL)
        server_where = ENV_SMTP_URL
    elif "url" in section:
        if "host" in section or "port" in section or "security" in section:
            raise ctx.error("smtp.url", "give either smtp.url or smtp.host/port/security, not both")
        url = ctx.string("smtp.url", section["url"])
        server = parse_smtp_url(url, where=f"{ctx.source}: smtp.url")
        server_where = f"{ctx.source}: smtp.url"
    elif "host" in section:
        server = _smtp_from_fields(ctx, section)
        server_where = f"{ctx.source}: smtp.host"
    else:
        raise ctx.error("smtp", f"needs url or host (or set {ENV_SMTP_URL})")

    username = server.username
    password = server.password
    # RUNINK_SMTP_URL replaces the file's server *and* credentials: never send the file's
    # password to a server the file did not name.
    if not env_url and ("username" in section or "password" in section):
        if username is not None:
            raise ctx.error("smtp.username", "the credentials are already in the SMTP URL")
        if "username" in section:
            username = ctx.string("smtp.username", section["username"])
        if "password" in section:
            password = ctx.string("smtp.password", section["password"])
        if password is not None and username is None:
            raise ctx.error("smtp.password", "a password is given without smtp.username")

    for label, value in (("username", username), ("password", password)):
        if value is not None and not value.isascii():
            where = server_where if server.username else f"{ctx.source}: smtp.{label}"
            raise UsageError(
                f"{where}: the SMTP {label} must be ASCII (smtplib sends credentials as ASCII)"
            )

    if (
        password is not None
        and server.security is SmtpSecurity.NONE
        and not _is_loopback(server.host)
    ):
        raise UsageError(
            f"{server_where}: refusing to send the SMTP password unencrypted to {server.host}; "
            "use smtps:// or starttls (security: starttls) or a relay on this host"
        )

    if env_from:
        sender = env_from
        sender_where = ENV_SMTP_FROM
    elif "from" in section:
        sender = ctx.string("smtp.from", section["from"])
        sender_where = f"{ctx.source}: smtp.from"
    else:
        where = f"{ctx.source}: smtp.from" if section else ENV_SMTP_FROM
        raise UsageError(
            f"{where}: a sender address is required when SMTP is configured "
            f"(set smtp.from or {ENV_SMTP_FROM})"
        )
    if "\n" in sender or "\r" in sender or not is_email_address(split_address(sender)[1]):
        raise UsageError(f"{sender_where}: not an e-mail address: {sender!r}")

    timeout = server.timeout
    if timeout is None:
        timeout = (
            ctx.number("smtp.timeout", section["timeout"], maximum=MAX_TIMEOUT)
            if "timeout" in section
            else DEFAULT_SMTP_TIMEOUT
        )
    ca_file = server.ca_file
    if ca_file is None and "ca_file" in section:
        ca_file = _parse_ca_file(
            ctx.string("smtp.ca_file", section["ca_file"]), f"{ctx.source}: smtp.ca_file"
        )
    retry = RetryPolicy(
        retries=(
            ctx.count("smtp.retries", section["retries"])
            if "retries" in section
            else DEFAULT_SMTP_RETRIES
        ),
        backoff=(
            ctx.number("smtp.backoff", section["backoff"], maximum=MAX_TIMEOUT)
            if "backoff" in section
            else DEFAULT_BACKOFF
        ),
    )
    return SmtpSettings(
        host=server.host,
        port=server.port,
        security=server.security,
        sender=sender,
        username=username,
        password=password,
        timeout=timeout,
        retry=retry,
        ca_file=ca_file,
    )


def _smtp_from_fields(ctx: _Context, section: Mapping[str, Any]) -> SmtpUrl:
    host = ctx.string("smtp.host", section["host"])
    if any(c in host for c in "/@?# "):
        raise ctx.error("smtp.host", f"expected a host name or address, got {host!r}")
    security = SmtpSecurity.NONE
    if "security" in section:
        text = ctx.string("smtp.security", section["security"])
        try:
            security = SmtpSecurity(text.lower())
        except ValueError:
            choices = ", ".join(s.value for s in SmtpSecurity)
            raise ctx.error("smtp.security", f"expected one of {choices}, got {text!r}") from None
    port = _DEFAULT_PORTS[security]
    if "port" in section:
        value = section["port"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
            raise ctx.error("smtp.port", f"expected a port number 1-65535, got {_describe(value)}")
        port = value
    return SmtpUrl(
        host=host.strip("[]"),
        port=port,
        security=security,
        username=None,
        password=None,
        timeout=None,
        ca_file=None,
    )


def _parse_channels(ctx: _Context, raw: object) -> tuple[ChannelSettings, ...]:
    if raw is None:
        return ()
    section = ctx.mapping("channels", raw)
    channels = [_parse_channel(ctx, name, value) for name, value in section.items()]
    return tuple(sorted(channels, key=lambda c: c.name))


def _parse_channel(ctx: _Context, name: str, raw: object) -> ChannelSettings:
    path = f"channels.{name}"
    if not _CHANNEL_NAME.match(name):
        raise ctx.error(path, "a channel name uses letters, digits, '.', '_' and '-' only")
    if name.lower() in RESERVED_CHANNEL_NAMES:
        raise ctx.error(path, f"{name!r} is reserved for owner routing; choose another name")
    section = ctx.mapping(path, raw)
    ctx.known_keys(path, section, _CHANNEL_KEYS)
    if "type" not in section:
        raise ctx.error(f"{path}.type", "required (webhook, slack or ticket)")
    type_text = ctx.string(f"{path}.type", section["type"], expand=False)
    try:
        kind = ChannelType(type_text.lower())
    except ValueError:
        choices = ", ".join(t.value for t in ChannelType)
        raise ctx.error(
            f"{path}.type",
            f"unknown channel type {type_text!r}; expected one of {choices}"
            f"{_suggest(type_text.lower(), tuple(t.value for t in ChannelType))}",
        ) from None
    if "url" not in section:
        raise ctx.error(f"{path}.url", "required")
    url = _parse_http_url(ctx, f"{path}.url", section["url"])

    headers: list[tuple[str, str]] = []
    if "headers" in section:
        header_map = ctx.mapping(f"{path}.headers", section["headers"])
        for header, value in header_map.items():
            where = f"{path}.headers.{header}"
            if not _HEADER_NAME.match(header):
                raise ctx.error(where, "not a valid HTTP header name")
            if header.lower() in _FORBIDDEN_HEADERS:
                raise ctx.error(where, "this header is set by the HTTP client and cannot be set")
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise ctx.error(where, f"expected a string, got {_describe(value)}")
            text = ctx.expand(where, str(value))
            if "\r" in text or "\n" in text:
                raise ctx.error(where, "a header value cannot contain a line break")
            headers.append((header, text))

    labels: tuple[str, ...] = ()
    if "labels" in section:
        if kind is not ChannelType.TICKET:
            raise ctx.error(f"{path}.labels", "labels apply to ticket channels only")
        raw_labels = section["labels"]
        if not isinstance(raw_labels, list):
            raise ctx.error(f"{path}.labels", f"expected a list, got {_describe(raw_labels)}")
        labels = tuple(
            ctx.string(f"{path}.labels[{i}]", label) for i, label in enumerate(raw_labels)
        )

    ca_file = None
    if "ca_file" in section:
        ca_file = _parse_ca_file(
            ctx.string(f"{path}.ca_file", section["ca_file"]), f"{ctx.source}: {path}.ca_file"
        )
    return ChannelSettings(
        name=name,
        type=kind,
        url=url,
        headers=tuple(headers),
        timeout=(
            ctx.number(f"{path}.timeout", section["timeout"], maximum=MAX_TIMEOUT)
            if "timeout" in section
            else DEFAULT_HTTP_TIMEOUT
        ),
        retry=RetryPolicy(
            retries=(
                ctx.count(f"{path}.retries", section["retries"])
                if "retries" in section
                else DEFAULT_HTTP_RETRIES
            ),
            backoff=(
                ctx.number(f"{path}.backoff", section["backoff"], maximum=MAX_TIMEOUT)
                if "backoff" in section
                else DEFAULT_BACKOFF
            ),
        ),
        labels=labels,
        ca_file=ca_file,
    )


def _parse_http_url(ctx: _Context, field_path: str, raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ctx.error(field_path, f"expected a URL, got {_describe(raw)}")
    # Expand after the type check: the message must not echo a secret from the environment.
    url = ctx.expand(field_path, raw).strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ctx.error(field_path, "not a valid URL (bad port or brackets)") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ctx.error(field_path, "expected an http:// or https:// URL")
    if not parts.hostname:
        raise ctx.error(field_path, "the URL names no host")
    if parts.username or parts.password:
        raise ctx.error(
            field_path, "put credentials in headers (e.g. Authorization), not in the URL"
        )
    if any(c.isspace() for c in url):
        raise ctx.error(field_path, "a URL cannot contain spaces")
    return url


def _parse_ca_file(text: str, where: str) -> Path:
    path = Path(text).expanduser()
    if not path.is_file():
        raise UsageError(f"{where}: no such file: {path}")
    return path


def _parse_bool(text: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    return None


def _parse_positive(text: str, where: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise UsageError(f"{where}: expected a number of seconds, got {text!r}") from None
    if not math.isfinite(number) or number <= 0 or number > MAX_TIMEOUT:
        raise UsageError(f"{where}: expected more than 0 and at most {MAX_TIMEOUT:g}")
    return number


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
