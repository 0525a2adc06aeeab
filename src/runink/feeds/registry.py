"""The explicit list of feeds, in the order ``runink db sync`` runs them.

A feed module is used only if it is listed here (a test checks that every module of
``runink.feeds`` that defines a feed is, and that ``docs/feeds.md`` describes it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

from runink.feeds.base import Feed
from runink.feeds.epss import EpssFeed
from runink.feeds.kev import KevFeed
from runink.feeds.nvd import NvdFeed
from runink.feeds.osv import OsvFeed

FEEDS: Final[Mapping[str, Callable[[], Feed]]] = MappingProxyType(
    {
        "osv": OsvFeed,
        "nvd": NvdFeed,
        "kev": KevFeed,
        "epss": EpssFeed,
    }
)


def feed(name: str) -> Feed:
    return FEEDS[name]()
