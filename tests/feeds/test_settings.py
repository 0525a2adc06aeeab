"""Feed settings from the config file and the environment, and the feed registry."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import runink.feeds
from runink.errors import UsageError
from runink.feeds.base import Feed
from runink.feeds.registry import FEEDS
from runink.feeds.settings import (
    DEFAULT_EPSS_URL,
    DEFAULT_KEV_URL,
    DEFAULT_NVD_URL,
    DEFAULT_OSV_URL,
    FEED_NAMES,
    parse_feed_settings,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "feeds.md"


def parse(feeds: Any, environ: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return parse_feed_settings({"feeds": feeds}, source="/etc/runink.yaml", environ=environ or {})


def test_defaults_are_the_real_feeds_and_published_limits() -> None:
    s = parse_feed_settings({}, source="x", environ={})
    assert (s.osv.url, s.nvd.url, s.kev.url, s.epss.url) == (
        DEFAULT_OSV_URL,
        DEFAULT_NVD_URL,
        DEFAULT_KEV_URL,
        DEFAULT_EPSS_URL,
    )
    assert DEFAULT_OSV_URL == "https://storage.googleapis.com/osv-vulnerabilities"
    assert s.enabled == ("osv", "nvd", "kev", "epss")
    assert s.nvd.effective_rate_limit == (5, 30.0)
    assert parse({}, {"RUNINK_NVD_API_KEY": "k"}).nvd.effective_rate_limit == (50, 30.0)
    assert s.epss.threshold == 0.1
    assert s.max_age_for("kev", dt.timedelta(days=7)) == dt.timedelta(days=7)


def test_config_file_and_environment_precedence() -> None:
    s = parse(
        {
            "osv": {"url": "https://mirror.example/osv/", "ecosystems": ["PyPI", "Debian:12"]},
            "nvd": {
                "api_key": "${NVD_KEY}",
                "since": "2024-01-31",
                "rate_limit": {"requests": 2, "seconds": 10},
            },
            "kev": {"url": "https://mirror.example/kev.json", "max_age": "36h"},
            "epss": {"threshold": 0.5},
            "max_age": "3d",
            "enabled": ["osv", "kev"],
            "retries": 0,
        },
        {"NVD_KEY": "from-env", "RUNINK_KEV_URL": "http://127.0.0.1:8000/kev.json"},
    )
    assert s.osv.url == "https://mirror.example/osv"
    assert s.osv.ecosystems == ("PyPI", "Debian:12")
    assert s.nvd.api_key == "from-env" and "from-env" not in repr(s)
    assert s.nvd.since == dt.datetime(2024, 1, 31, tzinfo=dt.UTC)
    assert s.nvd.effective_rate_limit == (2, 10.0)
    assert s.kev.url == "http://127.0.0.1:8000/kev.json"  # the environment wins
    assert s.max_age_for("kev", None) == dt.timedelta(hours=36)
    assert s.max_age_for("osv", dt.timedelta(days=7)) == dt.timedelta(days=3)
    assert s.epss.threshold == 0.5 and s.enabled == ("osv", "kev") and s.http.retries == 0


@pytest.mark.parametrize(
    ("feeds", "message"),
    [
        ("yes", "feeds: expected a mapping, got a string"),
        ({"osv": {"url": "ftp://x"}}, "feeds.osv.url: expected an http:// or https:// URL"),
        ({"osv": {"ecosystems": "PyPI"}}, "feeds.osv.ecosystems: expected a list, got a string"),
        ({"nvd": {"since": "last year"}}, "feeds.nvd.since: expected a date like 2024-01-31"),
        ({"nvd": {"page_size": 5000}}, "feeds.nvd.page_size: expected 1 to 2000, got 5000"),
        ({"nvd": {"rate_limit": {"requests": 5}}}, "feeds.nvd.rate_limit: give both"),
        ({"nvd": {"api_key": "${MISSING}"}}, "feeds.nvd.api_key: environment variable MISSING"),
        ({"epss": {"threshold": 0}}, "feeds.epss.threshold: expected a probability above 0"),
        ({"kev": {"max_age": "soon"}}, "feeds.kev.max_age: 'soon' is not a duration"),
        ({"enabled": ["osv", "ghsa"]}, "feeds.enabled[1]: expected one of osv, nvd, kev, epss"),
        ({"retries": -1}, "feeds.retries: expected 0 to 10, got -1"),
        ({"timeout": "fast"}, "feeds.timeout: expected a number of seconds, got a string"),
        (
            {"epss": {"treshold": 0.2}},
            "feeds.epss.treshold: unknown key; did you mean 'threshold'?",
        ),
    ],
)
def test_bad_settings_name_the_file_and_field(feeds: Any, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse(feeds)
    assert str(info.value).startswith("/etc/runink.yaml: ")
    assert message in str(info.value)


def test_a_bad_url_in_the_environment_names_the_variable() -> None:
    with pytest.raises(UsageError, match=r"^RUNINK_OSV_URL: expected an http"):
        parse({}, {"RUNINK_OSV_URL": "bucket"})


def test_every_feed_module_is_registered_and_documented() -> None:
    assert tuple(FEEDS) == FEED_NAMES
    defined = set()
    for info in pkgutil.iter_modules(runink.feeds.__path__):
        module = importlib.import_module(f"runink.feeds.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == module.__name__
                and value is not Feed  # the protocol itself
                and hasattr(value, "sync")
                and hasattr(value, "scopes")
            ):
                defined.add(value)
    assert defined == set(FEEDS.values())
    doc = DOCS.read_text()
    for name in FEEDS:
        assert f"`{name}`" in doc
    for variable in (
        "RUNINK_OSV_URL",
        "RUNINK_NVD_URL",
        "RUNINK_NVD_API_KEY",
        "RUNINK_KEV_URL",
        "RUNINK_EPSS_URL",
    ):
        assert variable in doc
