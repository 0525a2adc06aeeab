"""Glob patterns as policies use them (``LIKE``, exception ``artifact`` scopes).

Globs follow ``fnmatch``: ``*`` matches any run of characters (``/`` included), ``?`` one
character, ``[abc]``/``[!abc]`` one character of (or not of) a set. They match the whole text,
case-sensitively.
"""

from __future__ import annotations

__all__ = ["glob_problem"]


def glob_problem(pattern: str) -> tuple[int, str] | None:
    """(offset, message) for a glob that cannot be meant as written, else None.

    ``fnmatch`` would read an unclosed ``[`` as a literal bracket; in a policy that is almost
    always a typo, so it is an error (match a literal ``[`` with ``[[]``).
    """
    if not pattern:
        return (0, "the pattern is empty")
    n = len(pattern)
    i = 0
    while i < n:
        if pattern[i] == "[":
            j = i + 1
            if j < n and pattern[j] == "!":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1  # a ']' first in the class is a member
            close = pattern.find("]", j)
            if close < 0:
                return (i, "'[' opens a character class that is never closed")
            i = close + 1
        else:
            i += 1
    return None
