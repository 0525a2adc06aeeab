"""Feed settings: URLs, network limits, freshness and thresholds.

Sources, lowest precedence first: built-in defaults, the config file's ``feeds:`` section
(``runink.config.load_config_file()``), then the environment (``RUNINK_OSV_URL``,
``RUNINK_NVD_URL``, ``RUNINK_NVD_API_KEY``, ``RUNINK_KEV_URL``, ``RUNINK_EPSS_URL``). A bad value
is a ``UsageError`` whose message starts with the file and the field path
(``/etc/runink/config.yaml: feeds.epss.threshold: …``) or the variable's name.

The reference is ``docs/feeds.md``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

from runink.config import Settings, load_config_file, load_settings
from runink.errors import UsageError

FEED_NAMES: Final[tuple[str, ...]] = ("osv", "nvd", "kev", "epss")

DEFAULT_OSV_URL: Final = "https://storage.googleapis.com/osv-vulnerabilities"
DEFAULT_NVD_URL: Final = "https://services.nvd.nist.gov/rest/json/cves/2.0"
DEFAULT_KEV_URL: Final = (
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
)
DEFAULT_EPSS_URL: Final = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"

ENV_URLS: Final[dict[str, str]] = {
    "osv": "RUNINK_OSV_URL",
    "nvd": "RUNINK_NVD_URL",
    "kev": "RUNINK_KEV_URL",
    "epss": "RUNINK_EPSS_URL",
}
ENV_NVD_API_KEY: Final = "RUNINK_NVD_API_KEY"

#: NVD's published limits: 5 requests in a rolling 30 s window without a key, 50 with one.
NVD_LIMIT_WITHOUT_KEY: Final = (5, 30.0)
NVD_LIMIT_WITH_KEY: Final = (50, 30.0)
#: The NVD API refuses lastModStartDate/lastModEndDate ranges longer than this.
NVD_MAX_WINDOW: Final = dt.timedelta(days=120)

DEFAULT_TIMEOUT: Final = 60.0
DEFAULT_CONNECT_TIMEOUT: Final = 10.0
DEFAULT_RETRIES: Final = 4
DEFAULT_BACKOFF: Final = 1.0
DEFAULT_MAX_BACKOFF: Final = 60.0
DEFAULT_OSV_CONCURRENCY: Final = 8
DEFAULT_OSV_ZIP_THRESHOLD: Final = 2000
DEFAULT_NVD_PAGE_SIZE: Final = 2000
DEFAULT_EPSS_THRESHOLD: Final = 0.1

_TOP_KEYS = (
    "enabled",
    "timeout",
    "connect_timeout",
    "retries",
    "backoff",
    "max_backoff",
    "max_age",
    *FEED_NAMES,
)
_OSV_KEYS = ("url", "ecosystems", "max_age", "concurrency", "zip_threshold")
_NVD_KEYS = ("url", "api_key", "since", "page_size", "rate_limit", "max_age")
_KEV_KEYS = ("url", "max_age")
_EPSS_KEYS = ("url", "threshold", "max_age")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw]?)$")
_ENV_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """How every feed talks HTTP. Delays are seconds; ``retries`` follow the first attempt."""

    timeout: float = DEFAULT_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_backoff: float = DEFAULT_MAX_BACKOFF


@dataclass(frozen=True, slots=True)
class OsvSettings:
    url: str = DEFAULT_OSV_URL
    ecosystems: tuple[str, ...] = ()  # empty: the default set (see feeds.osv)
    max_age: dt.timedelta | None = None  # None here: inherit (feeds.max_age, then scan's)
    max_age_set: bool = False
    concurrency: int = DEFAULT_OSV_CONCURRENCY
    zip_threshold: int = DEFAULT_OSV_ZIP_THRESHOLD


@dataclass(frozen=True, slots=True)
class NvdSettings:
    url: str = DEFAULT_NVD_URL
    api_key: str | None = field(default=None, repr=False)
    since: dt.datetime | None = None  # where the first sync starts (default: 120 days ago)
    page_size: int = DEFAULT_NVD_PAGE_SIZE
    rate_limit: tuple[int, float] | None = None  # None: NVD's published limit for the key
    max_age: dt.timedelta | None = None
    max_age_set: bool = False

    @property
    def effective_rate_limit(self) -> tuple[int, float]:
        if self.rate_limit is not None:
            return self.rate_limit
        return NVD_LIMIT_WITH_KEY if self.api_key else NVD_LIMIT_WITHOUT_KEY


@dataclass(frozen=True, slots=True)
class KevSettings:
    url: str = DEFAULT_KEV_URL
    max_age: dt.timedelta | None = None
    max_age_set: bool = False


@dataclass(frozen=True, slots=True)
class EpssSettings:
    url: str = DEFAULT_EPSS_URL
    threshold: float = DEFAULT_EPSS_THRESHOLD
    max_age: dt.timedelta | None = None
    max_age_set: bool = False


@dataclass(frozen=True, slots=True)
class FeedSettings:
    http: HttpSettings = field(default_factory=HttpSettings)
    osv: OsvSettings = field(default_factory=OsvSettings)
    nvd: NvdSettings = field(default_factory=NvdSettings)
    kev: KevSettings = field(default_factory=KevSettings)
    epss: EpssSettings = field(default_factory=EpssSettings)
    enabled: tuple[str, ...] = FEED_NAMES
    max_age: dt.timedelta | None = None
    max_age_set: bool = False
    source: str = ""

    def url(self, feed: str) -> str:
        section: OsvSettings | NvdSettings | KevSettings | EpssSettings = getattr(self, feed)
        return section.url

    def max_age_for(self, feed: str, default: dt.timedelta | None) -> dt.timedelta | None:
        """The feed's maximum age: its own setting, else ``feeds.max_age``, else ``default``
        (the caller's, e.g. ``scan --max-age``). None: never stale."""
        section: OsvSettings | NvdSettings | KevSettings | EpssSettings = getattr(self, feed)
        if section.max_age_set:
            return section.max_age
        if self.max_age_set:
            return self.max_age
        return default


def load_feed_settings(
    settings: Settings | None = None, *, environ: Mapping[str, str] | None = None
) -> FeedSettings:
    """Read the config file and the environment. Raises ``UsageError`` on a bad value."""
    settings = settings or load_settings()
    config = load_config_file(settings)
    env = os.environ if environ is None else environ
    return parse_feed_settings(config, source=str(settings.config_path), environ=env)


def parse_feed_settings(
    config: Mapping[str, Any], *, source: str, environ: Mapping[str, str]
) -> FeedSettings:
    """Build settings from a parsed config file (``source`` names it in messages)."""
    ctx = _Context(source, environ)
    raw = config.get("feeds")
    section: Mapping[str, Any] = {} if raw is None else ctx.mapping("feeds", raw)
    ctx.known_keys("feeds", section, _TOP_KEYS)

    http = HttpSettings(
        timeout=ctx.seconds("feeds.timeout", section.get("timeout"), DEFAULT_TIMEOUT),
        connect_timeout=ctx.seconds(
            "feeds.connect_timeout", section.get("connect_timeout"), DEFAULT_CONNECT_TIMEOUT
        ),
        retries=ctx.whole("feeds.retries", section.get("retries"), DEFAULT_RETRIES, 0, 10),
        backoff=ctx.seconds("feeds.backoff", section.get("backoff"), DEFAULT_BACKOFF),
        max_backoff=ctx.seconds(
            "feeds.max_backoff", section.get("max_backoff"), DEFAULT_MAX_BACKOFF
        ),
    )
    enabled = FEED_NAMES
    if "enabled" in section:
        enabled = tuple(
            ctx.choice(f"feeds.enabled[{i}]", item, FEED_NAMES)
            for i, item in enumerate(ctx.list("feeds.enabled", section["enabled"]))
        )
    max_age, max_age_set = ctx.max_age("feeds.max_age", section)

    osv_raw = ctx.section("feeds.osv", section.get("osv"), _OSV_KEYS)
    osv_age, osv_age_set = ctx.max_age("feeds.osv.max_age", osv_raw)
    ecosystems: tuple[str, ...] = ()
    if "ecosystems" in osv_raw:
        ecosystems = tuple(
            ctx.string(f"feeds.osv.ecosystems[{i}]", item)
            for i, item in enumerate(ctx.list("feeds.osv.ecosystems", osv_raw["ecosystems"]))
        )
    osv = OsvSettings(
        url=ctx.url("osv", "feeds.osv.url", osv_raw.get("url"), DEFAULT_OSV_URL),
        ecosystems=ecosystems,
        max_age=osv_age,
        max_age_set=osv_age_set,
        concurrency=ctx.whole(
            "feeds.osv.concurrency", osv_raw.get("concurrency"), DEFAULT_OSV_CONCURRENCY, 1, 64
        ),
        zip_threshold=ctx.whole(
            "feeds.osv.zip_threshold",
            osv_raw.get("zip_threshold"),
            DEFAULT_OSV_ZIP_THRESHOLD,
            1,
            10_000_000,
        ),
    )

    nvd_raw = ctx.section("feeds.nvd", section.get("nvd"), _NVD_KEYS)
    nvd_age, nvd_age_set = ctx.max_age("feeds.nvd.max_age", nvd_raw)
    api_key = environ.get(ENV_NVD_API_KEY, "").strip() or None
    if api_key is None and nvd_raw.get("api_key") is not None:
        api_key = ctx.expand(
            "feeds.nvd.api_key", ctx.string("feeds.nvd.api_key", nvd_raw["api_key"])
        )
    nvd = NvdSettings(
        url=ctx.url("nvd", "feeds.nvd.url", nvd_raw.get("url"), DEFAULT_NVD_URL),
        api_key=api_key,
        since=ctx.date("feeds.nvd.since", nvd_raw.get("since")),
        page_size=ctx.whole(
            "feeds.nvd.page_size", nvd_raw.get("page_size"), DEFAULT_NVD_PAGE_SIZE, 1, 2000
        ),
        rate_limit=ctx.rate_limit("feeds.nvd.rate_limit", nvd_raw.get("rate_limit")),
        max_age=nvd_age,
        max_age_set=nvd_age_set,
    )

    kev_raw = ctx.section("feeds.kev", section.get("kev"), _KEV_KEYS)
    kev_age, kev_age_set = ctx.max_age("feeds.kev.max_age", kev_raw)
    kev = KevSettings(
        url=ctx.url("kev", "feeds.kev.url", kev_raw.get("url"), DEFAULT_KEV_URL),
        max_age=kev_age,
        max_age_set=kev_age_set,
    )

    epss_raw = ctx.section("feeds.epss", section.get("epss"), _EPSS_KEYS)
    epss_age, epss_age_set = ctx.max_age("feeds.epss.max_age", epss_raw)
    epss = EpssSettings(
        url=ctx.url("epss", "feeds.epss.url", epss_raw.get("url"), DEFAULT_EPSS_URL),
        threshold=ctx.fraction(
            "feeds.epss.threshold", epss_raw.get("threshold"), DEFAULT_EPSS_THRESHOLD
        ),
        max_age=epss_age,
        max_age_set=epss_age_set,
    )
    return FeedSettings(
        http=http,
        osv=osv,
        nvd=nvd,
        kev=kev,
        epss=epss,
        enabled=enabled,
        max_age=max_age,
        max_age_set=max_age_set,
        source=source,
    )


def parse_duration(text: str) -> dt.timedelta | None:
    """``7d``, ``36h``, ``2w``, ``90m``, ``30s``, a bare number of days; ``none`` is None.

    Raises ``ValueError`` on anything else.
    """
    lowered = text.strip().lower()
    if lowered in ("none", "off", "never"):
        return None
    m = _DURATION.match(lowered)
    if not m:
        raise ValueError(f"{text!r} is not a duration like 7d, 36h or 2w (or none)")
    value, unit = float(m.group(1)), m.group(2) or "d"
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
    return dt.timedelta(seconds=value * seconds)


# -- internals ---------------------------------------------------------------------------------


class _Context:
    def __init__(self, source: str, environ: Mapping[str, str]) -> None:
        self.source = source
        self.environ = environ

    def error(self, path: str, message: str) -> UsageError:
        return UsageError(f"{self.source}: {path}: {message}")

    def mapping(self, path: str, value: object) -> Mapping[str, Any]:
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            raise self.error(path, f"expected a mapping, got {_describe(value)}")
        return value

    def section(self, path: str, value: object, known: tuple[str, ...]) -> Mapping[str, Any]:
        if value is None:
            return {}
        section = self.mapping(path, value)
        self.known_keys(path, section, known)
        return section

    def known_keys(self, path: str, section: Mapping[str, Any], known: tuple[str, ...]) -> None:
        for key in section:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise self.error(f"{path}.{key}", f"unknown key{hint}")

    def list(self, path: str, value: object) -> list[Any]:
        if not isinstance(value, list):
            raise self.error(path, f"expected a list, got {_describe(value)}")
        return value

    def string(self, path: str, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(path, f"expected a non-empty string, got {_describe(value)}")
        return value.strip()

    def choice(self, path: str, value: object, choices: tuple[str, ...]) -> str:
        text = self.string(path, value).lower()
        if text not in choices:
            raise self.error(path, f"expected one of {', '.join(choices)}, got {value!r}")
        return text

    def expand(self, path: str, value: str) -> str:
        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name is None:
                return "$"
            found = self.environ.get(name)
            if found is None:
                raise self.error(path, f"environment variable {name} is not set")
            return found

        return _ENV_REF.sub(substitute, value)

    def seconds(self, path: str, value: object, default: float) -> float:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(path, f"expected a number of seconds, got {_describe(value)}")
        number = float(value)
        if not math.isfinite(number) or number <= 0 or number > 3600:
            raise self.error(path, "expected more than 0 and at most 3600 seconds")
        return number

    def whole(self, path: str, value: object, default: int, low: int, high: int) -> int:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(path, f"expected a whole number, got {_describe(value)}")
        if not low <= value <= high:
            raise self.error(path, f"expected {low} to {high}, got {value}")
        return value

    def fraction(self, path: str, value: object, default: float) -> float:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(
                path, f"expected a probability between 0 and 1, got {_describe(value)}"
            )
        if not 0 < float(value) <= 1:
            raise self.error(path, f"expected a probability above 0 and at most 1, got {value}")
        return float(value)

    def max_age(self, path: str, section: Mapping[str, Any]) -> tuple[dt.timedelta | None, bool]:
        key = path.rsplit(".", 1)[-1]
        if key not in section:
            return None, False
        value = section[key]
        if value is None or value is False:
            return None, True
        if isinstance(value, bool):
            raise self.error(path, "expected a duration like 7d or 36h, or none")
        try:
            return parse_duration(str(value)), True
        except ValueError as exc:
            raise self.error(path, str(exc)) from None

    def date(self, path: str, value: object) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            stamp = value
        elif isinstance(value, dt.date):
            stamp = dt.datetime(value.year, value.month, value.day)
        elif isinstance(value, str):
            try:
                stamp = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                raise self.error(path, f"expected a date like 2024-01-31, got {value!r}") from None
        else:
            raise self.error(path, f"expected a date like 2024-01-31, got {_describe(value)}")
        return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)

    def rate_limit(self, path: str, value: object) -> tuple[int, float] | None:
        if value is None:
            return None
        section = self.section(path, value, ("requests", "seconds"))
        if "requests" not in section or "seconds" not in section:
            raise self.error(
                path, "give both requests and seconds, e.g. {requests: 5, seconds: 30}"
            )
        requests = self.whole(f"{path}.requests", section["requests"], 5, 1, 100_000)
        seconds = self.seconds(f"{path}.seconds", section["seconds"], 30.0)
        return requests, seconds

    def url(self, feed: str, path: str, value: object, default: str) -> str:
        env_name = ENV_URLS[feed]
        env_value = self.environ.get(env_name, "").strip()
        if env_value:
            return _check_url(env_value, env_name)
        if value is None:
            return default
        return _check_url(self.string(path, value), f"{self.source}: {path}")


def _check_url(url: str, where: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise UsageError(f"{where}: not a valid URL: {url!r}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{where}: expected an http:// or https:// URL, got {url!r}")
    if any(c.isspace() for c in url):
        raise UsageError(f"{where}: a URL cannot contain spaces")
    return url.rstrip("/") if parts.path.endswith("/") else url


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
