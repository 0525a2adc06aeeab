"""Pausing Python's cyclic garbage collector around bulk object construction.

Decoding an advisory archive or parsing a large lockfile allocates many containers and frees
almost none; every few hundred allocations the collector walks the young objects (and now and
then the whole heap, with every imported module) looking for cycles that do not exist yet. The
pause is scoped: the collector's previous state is restored afterwards, and objects that do form
cycles are collected on the next automatic pass.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block (reference counting still frees objects)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
