"""Discovery: walk a repository, hand each recognised file to its parser, record a status per file.

The walker owns all file I/O (parsers are pure). A file is *ok*, *partial* (some entries were
skipped, each with its reason) or *failed* (with the error); one bad file never stops the walk.
Includes requested by a parser (``-r other.txt``) are resolved relative to the including file,
read once, and parsed with the same parser.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Final, Literal

from runink.errors import ParseError
from runink.gcpause import gc_paused
from runink.inventory._os_release import OS_DATABASE_FORMATS, find_release, with_release
from runink.inventory.base import Parser, ParseResult
from runink.model.component import Component, Skipped

FileStatus = Literal["ok", "partial", "failed"]

DEFAULT_EXCLUDES: Final[tuple[str, ...]] = (
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "vendor",
    "bower_components",
    ".terraform",
)
HEAD_BYTES: Final = 4096
MAX_FILE_BYTES: Final = 256 * 1024 * 1024
# Files that are never inventory inputs: not worth reading even their first bytes.
_NEVER: Final = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".svg",
        ".ico",
        ".webp",
        ".pdf",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".jar",
        ".war",
        ".whl",
        ".egg",
        ".so",
        ".dll",
        ".dylib",
        ".exe",
        ".o",
        ".a",
        ".pyc",
        ".class",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".mp3",
        ".mp4",
        ".mov",
        ".wasm",
        ".py",
        ".js",
        ".ts",
        ".tsx",
        ".jsx",
        ".go",
        ".rs",
        ".rb",
        ".php",
        ".java",
        ".kt",
        ".c",
        ".h",
        ".cpp",
        ".hpp",
        ".cs",
        ".md",
        ".rst",
        ".css",
        ".scss",
        ".html",
        ".sh",
        ".bat",
        ".ps1",
    ]
)


@dataclass(frozen=True, slots=True)
class FileReport:
    path: str  # relative to the scan root, POSIX separators
    format: str
    status: FileStatus
    error: str | None = None
    skipped: tuple[Skipped, ...] = ()
    components: int = 0


@dataclass(slots=True)
class Inventory:
    """Everything discovery found under one root."""

    root: Path
    components: list[Component] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def partial(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "partial"]


@dataclass(frozen=True, slots=True)
class DiscoveryOptions:
    excludes: tuple[str, ...] = DEFAULT_EXCLUDES  # directory names or glob patterns on paths
    max_file_bytes: int = MAX_FILE_BYTES


def _excluded(rel_dir: str, name: str, patterns: Sequence[str]) -> bool:
    rel = f"{rel_dir}/{name}" if rel_dir else name
    return any(name == p or fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) for p in patterns)


def iter_candidate_files(root: Path, options: DiscoveryOptions) -> Iterable[Path]:
    """Every regular file under ``root`` outside excluded directories, in a stable order."""
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/")
        dirnames[:] = sorted(d for d in dirnames if not _excluded(rel_dir, d, options.excludes))
        for name in sorted(filenames):
            if PurePath(name).suffix.lower() in _NEVER:
                continue
            yield Path(dirpath) / name


def _read_head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(HEAD_BYTES)


def pick_parser(parsers: Sequence[Parser], path: Path, head: bytes) -> Parser | None:
    """The first parser (in registry order) claiming the file by its base name, else the first
    claiming it as ``parent/name`` (e.g. ``requirements/main.txt``)."""
    for name in (path.name, f"{path.parent.name}/{path.name}"):
        for parser in parsers:
            if parser.claims(name, head):
                return parser
    return None


ProgressFn = Callable[[str], None]


def discover(
    root: Path,
    parsers: Sequence[Parser],
    options: DiscoveryOptions | None = None,
    progress: ProgressFn | None = None,
) -> Inventory:
    """Walk ``root`` (a directory or a single file) and parse every recognised file."""
    options = options or DiscoveryOptions()
    root = root.resolve()
    base = root.parent if root.is_file() else root
    inventory = Inventory(root=root)
    done: set[Path] = set()
    for path in iter_candidate_files(root, options):
        try:
            head = _read_head(path)
        except OSError:
            continue  # unreadable files that no parser claimed are not inventory inputs
        parser = pick_parser(parsers, path, head)
        if parser is None:
            continue
        if progress is not None:
            progress(_rel(path, base))
        _parse_file(path, parser, base, inventory, done, options)
    return inventory


def parse_bytes(parser: Parser, path: str, data: bytes) -> ParseResult:
    """``parser.parse(path, data)`` as discovery runs it: with the cyclic garbage collector
    paused (a large lockfile's thousands of containers would otherwise trigger collections
    that walk the whole heap, 10-15 % of a uv.lock's parse)."""
    with gc_paused():
        return parser.parse(path, data)


def _rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _parse_file(
    path: Path,
    parser: Parser,
    base: Path,
    inventory: Inventory,
    done: set[Path],
    options: DiscoveryOptions,
    chain: tuple[Path, ...] = (),
) -> None:
    resolved = path.resolve()
    if resolved in done:
        return
    done.add(resolved)
    rel = _rel(path, base)
    try:
        size = path.stat().st_size
        if size > options.max_file_bytes:
            raise ParseError(rel, f"file too large ({size} bytes > {options.max_file_bytes})")
        data = path.read_bytes()
        result = parse_bytes(parser, rel, data)
    except ParseError as exc:
        message = str(exc)
        inventory.files.append(FileReport(rel, parser.format, "failed", message))
        return
    except OSError as exc:
        inventory.files.append(
            FileReport(rel, parser.format, "failed", f"{rel}: cannot read: {exc.strerror or exc}")
        )
        return
    skipped = list(result.skipped)
    for include in result.includes:
        target = (path.parent / include).resolve()
        if target in chain or target == resolved:
            skipped.append(Skipped(include, "include cycle: already being read"))
            continue
        if not target.is_file():
            skipped.append(Skipped(include, f"included file not found: {include}"))
            continue
        _parse_file(target, parser, base, inventory, done, options, (*chain, resolved))
    components: Sequence[Component] = result.components
    if parser.format in OS_DATABASE_FORMATS and components:
        # The image's os-release names the distribution release the packages belong to.
        ecosystem = find_release(path, parser.format)
        if ecosystem is not None:
            components = with_release(components, ecosystem)
    inventory.components.extend(components)
    for key, value in result.metadata.items():
        inventory.metadata.setdefault(key, value)
    status: FileStatus = "partial" if skipped else "ok"
    inventory.files.append(
        FileReport(
            rel,
            parser.format,
            status,
            None,
            tuple(skipped),
            len(result.components),
        )
    )
