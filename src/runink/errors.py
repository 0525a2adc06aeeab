"""The one exception tree of Runink.

Every error a user can cause maps to a documented exit code (see ``ExitCode``)::

    RuninkError                         exit 4 unless a subclass says otherwise
    ├── UsageError                      exit 2  bad command-line usage or configuration
    ├── InputError                      exit 2  a file, record or argument the user gave is invalid
    │   ├── ParseError                  exit 2  a lockfile/SBOM/advisory file could not be read
    │   ├── InvalidPurlError            exit 2  a package URL is malformed or lacks a version
    │   ├── CvssError (runink.scoring)  exit 2  a CVSS vector cannot be scored
    │   ├── PolicyError                 exit 2  a policy file (runink.yaml) is invalid
    │   └── VersionError                exit 2  (base for the version layer)
    │       ├── UnsupportedEcosystemError       no version scheme for this ecosystem
    │       └── InvalidVersionError             the string is not a version of that scheme
    ├── LedgerIntegrityError (ledger)   exit 1  the stored ledger is not in a state Runink wrote
    ├── AdvisoryDataError               exit 3  advisory database missing, stale or unreachable
    └── StoreError                      exit 4  the database failed in a way the user did not cause

Messages start with the place at fault (file, file:line, feed, or field path) so that a
user can act on them without a traceback. The CLI catches ``RuninkError`` and prints
``str(error)``; anything else is an internal error (exit 4) and is reported as a bug.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """The CLI contract, documented in the README and ``docs/exit-codes.md``."""

    OK = 0
    BLOCKED = 1
    USAGE = 2
    NO_DATA = 3
    INTERNAL = 4


class RuninkError(Exception):
    """Base class of every error Runink raises on purpose."""

    exit_code: ExitCode = ExitCode.INTERNAL


class UsageError(RuninkError):
    """The command line or the configuration is wrong."""

    exit_code = ExitCode.USAGE


class InputError(RuninkError):
    """Something the user handed to Runink is invalid."""

    exit_code = ExitCode.USAGE


class ParseError(InputError):
    """A file could not be parsed. ``location`` is ``path``, ``path:line`` or a field path."""

    def __init__(self, path: str, message: str, *, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class InvalidPurlError(InputError):
    """A package URL could not be used."""


class PolicyError(InputError):
    """A policy file (``runink.yaml``, ``--policy``) is invalid.

    ``path``, ``line`` and ``column`` (1-based; None when unknown) place the problem;
    ``suggestion`` is a "did you mean" candidate. Checking collects every problem in a file:
    ``problems`` holds them all (this error first), and ``str()`` prints one
    ``path:line:column: message`` line per problem.
    """

    def __init__(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        suggestion: str | None = None,
        others: tuple[PolicyError, ...] = (),
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.suggestion = suggestion
        self.problems: tuple[PolicyError, ...] = (self, *others)
        super().__init__("\n".join(p.describe() for p in self.problems))

    @property
    def location(self) -> str:
        """``path:line:column`` (or ``path:line``, or ``path``) of the problem."""
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"

    def describe(self) -> str:
        """This one problem as ``path:line:column: message``."""
        return f"{self.location}: {self.message}"


class VersionError(InputError):
    """Base of the version layer's errors."""


class UnsupportedEcosystemError(VersionError):
    """No version scheme is known for this ecosystem."""

    def __init__(self, ecosystem: str) -> None:
        self.ecosystem = ecosystem
        super().__init__(f"unsupported ecosystem {ecosystem!r}")


class InvalidVersionError(VersionError):
    """The text is not a valid version in the ecosystem's scheme."""

    def __init__(self, ecosystem: str, version: str, reason: str = "") -> None:
        self.ecosystem = ecosystem
        self.version = version
        self.reason = reason
        detail = f": {reason}" if reason else ""
        super().__init__(f"invalid {ecosystem} version {version!r}{detail}")


class AdvisoryDataError(RuninkError):
    """The advisory database is missing, stale or unreachable."""

    exit_code = ExitCode.NO_DATA


class StoreError(RuninkError):
    """The database failed for a reason the user did not cause."""

    exit_code = ExitCode.INTERNAL
