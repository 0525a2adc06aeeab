"""Reading OSV records from disk: directory trees, ``.zip`` archives, JSON and YAML files.

The loader owns the file I/O of ``runink db import``. It yields raw records (bytes plus where
they came from) and file-level problems; decoding and validation happen in ``osv``.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal

import orjson
import yaml

from runink.advisories.osv import OsvRecord, RecordError, convert_object, decode_json

RecordFormat = Literal["json", "yaml"]
_SUFFIXES: dict[str, RecordFormat] = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
_SKIP_DIRS = frozenset({".git", ".github", "node_modules", "__pycache__"})
# OSV record files are small; anything bigger is not a record and is refused unread.
MAX_RECORD_BYTES = 32 * 1024 * 1024

try:  # libyaml's loader is ~10x faster; BaseLoader keeps every scalar a string
    _YAML_LOADER: type = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _YAML_LOADER = yaml.BaseLoader


@dataclass(frozen=True, slots=True)
class RawRecord:
    origin: str  # "path/to/GO-2020-0001.json" or "osv.zip:GO-2020-0001.json"
    format: RecordFormat
    data: bytes

    def decode(self) -> tuple[OsvRecord, str]:
        """The typed record and its JSON text (for storage). Raises ``RecordError``."""
        record, text, _ = self.decode_for_storage()
        return record, text

    def decode_for_storage(self) -> tuple[OsvRecord, str, bytes]:
        """As ``decode``, plus the UTF-8 bytes of that text (what the stored digest covers).

        A JSON record is stored as read, so its bytes are ``data`` itself; a YAML record is
        stored as the JSON of what it holds."""
        if self.format == "json":
            record = decode_json(self.data)
            try:
                return record, self.data.decode("utf-8"), self.data
            except UnicodeDecodeError:  # pragma: no cover - msgspec already rejects it
                raise RecordError("", "not UTF-8") from None
        try:
            obj = yaml.load(self.data, Loader=_YAML_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else ""
            raise RecordError(where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
        record = convert_object(obj)
        encoded = orjson.dumps(obj)
        return record, encoded.decode(), encoded


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A file that could not be read at all (not a record-level rejection)."""

    origin: str
    message: str


def _record_format(name: str) -> RecordFormat | None:
    return _SUFFIXES.get(PurePath(name).suffix.lower())


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if _record_format(name) is not None:
                found.append(Path(dirpath) / name)
    return found


@dataclass(frozen=True, slots=True)
class Source:
    """One path given to ``db import``, planned: how many records it holds, and how to read them."""

    path: Path
    files: tuple[Path, ...]  # the files to read (a zip is one file holding many records)
    count: int

    def __iter__(self) -> Iterator[RawRecord | FileProblem]:
        for file in self.files:
            suffix = file.suffix.lower()
            if suffix == ".zip":
                yield from _iter_zip(file)
                continue
            fmt = _SUFFIXES.get(suffix)
            if fmt is None:  # a file named just ".zip": not a zip archive, nor a record
                yield FileProblem(
                    str(file), "not an OSV file (expected .json, .yaml, .yml or .zip)"
                )
            else:
                yield _read_file(str(file), fmt)


def plan(path: Path) -> Source | FileProblem:
    """Inspect a path given by the user and count its records (for the progress bar)."""
    if not path.exists():
        return FileProblem(str(path), "no such file or directory")
    if path.is_dir():
        files = _walk(path)
        zips = [f for f in _walk_zips(path)]
        count = len(files) + sum(_zip_count(z) for z in zips)
        return Source(path, tuple(files + zips), count)
    if path.suffix.lower() == ".zip":
        try:
            return Source(path, (path,), _zip_count(path))
        except (zipfile.BadZipFile, OSError) as exc:
            return FileProblem(str(path), f"not a readable zip archive: {exc}")
    if _record_format(path.name) is None:
        return FileProblem(str(path), "not an OSV file (expected .json, .yaml, .yml or .zip)")
    return Source(path, (path,), 1)


def _walk_zips(root: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        found.extend(Path(dirpath) / n for n in sorted(filenames) if n.lower().endswith(".zip"))
    return found


def _zip_count(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(1 for i in zf.infolist() if _record_format(i.filename) and not i.is_dir())
    except (zipfile.BadZipFile, OSError):
        return 1


_O_BINARY: int = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def _read_file(path: str, fmt: RecordFormat) -> RawRecord | FileProblem:
    # os-level calls: for these small files, pathlib and a buffered file object cost as much
    # as the reading itself. The size is checked on the open descriptor before anything is
    # read.
    try:
        fd = os.open(path, os.O_RDONLY | _O_BINARY)
        try:
            size = os.fstat(fd).st_size
            if size > MAX_RECORD_BYTES:
                return FileProblem(path, f"file too large for one OSV record ({size} bytes)")
            data = _read_all(fd, size)
        finally:
            os.close(fd)
    except OSError as exc:
        return FileProblem(path, f"cannot read: {exc.strerror or exc}")
    return RawRecord(path, fmt, data)


def _read_all(fd: int, size: int) -> bytes:
    """Everything up to the end of the file; ``size`` is what ``fstat`` said."""
    data = os.read(fd, size + 1)
    if len(data) == size:  # one byte more was asked for than the file holds: that is all
        return data
    chunks = [data]  # a short read, or a file that grew since fstat: read on to the end
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _iter_zip(path: Path) -> Iterator[RawRecord | FileProblem]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield FileProblem(str(path), f"not a readable zip archive: {exc}")
        return
    with zf:
        for info in zf.infolist():
            fmt = _record_format(info.filename)
            if info.is_dir() or fmt is None:
                continue
            origin = f"{path}:{info.filename}"
            if info.file_size > MAX_RECORD_BYTES:
                yield FileProblem(origin, f"entry too large for one OSV record ({info.file_size})")
                continue
            try:
                yield RawRecord(origin, fmt, zf.read(info))
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                yield FileProblem(origin, f"cannot read zip entry: {exc}")
