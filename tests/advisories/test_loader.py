"""Reading record files: whole files whatever ``fstat`` said, size limits, odd names."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from runink.advisories import loader
from runink.advisories.loader import FileProblem, RawRecord, Source, plan


def read(path: Path) -> list[RawRecord | FileProblem]:
    source = plan(path)
    assert isinstance(source, Source)
    return list(source)


def read_with_size(path: Path, size: int) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        return loader._read_all(fd, size)
    finally:
        os.close(fd)


@pytest.mark.parametrize("claimed", [0, 1, 99_999, 100_000, 100_001, 250_000])
def test_the_whole_file_is_read_whatever_size_was_claimed(tmp_path: Path, claimed: int) -> None:
    # A file that grew or shrank between fstat and read is still read to its end.
    data = bytes(range(256)) * 390 + b"tail"
    path = tmp_path / "r.json"
    path.write_bytes(data)
    assert len(data) == 99_844
    assert read_with_size(path, claimed) == data


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b"")
    assert read_with_size(path, 0) == b""
    (raw,) = read(path)
    assert isinstance(raw, RawRecord) and raw.data == b""


def test_too_large_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b"{}" * 10)
    monkeypatch.setattr(loader, "MAX_RECORD_BYTES", 19)
    (problem,) = read(path)
    assert isinstance(problem, FileProblem)
    assert problem.message == "file too large for one OSV record (20 bytes)"
    monkeypatch.setattr(loader, "MAX_RECORD_BYTES", 20)
    (raw,) = read(path)
    assert isinstance(raw, RawRecord) and raw.origin == str(path) and raw.format == "json"


def test_unreadable_entries_are_file_problems(tmp_path: Path) -> None:
    (tmp_path / "d.json").mkdir()  # a directory with a record's name
    problem = loader._read_file(str(tmp_path / "d.json"), "json")
    assert isinstance(problem, FileProblem) and problem.message.startswith("cannot read: ")
    missing = loader._read_file(str(tmp_path / "gone.json"), "json")
    assert isinstance(missing, FileProblem)
    assert missing.message == "cannot read: No such file or directory"


def test_a_file_named_dot_zip_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / ".zip").write_bytes(b"not a zip")
    (tmp_path / "a.yml").write_bytes(b"id: X-1\nmodified: 2024-01-01T00:00:00Z\n")
    found = read(tmp_path)
    assert [type(r).__name__ for r in found] == ["RawRecord", "FileProblem"]
    assert found[0].origin == str(tmp_path / "a.yml")


def test_stored_bytes_are_what_the_digest_covers() -> None:
    json_raw = RawRecord("r.json", "json", b'{"id": "X-1", "modified": "2024-01-01T00:00:00Z"}')
    rec, text, encoded = json_raw.decode_for_storage()
    assert encoded is json_raw.data and text.encode() == encoded and rec.id == "X-1"
    yaml_raw = RawRecord("r.yaml", "yaml", b"id: X-2\nmodified: 2024-01-01T00:00:00Z\n")
    rec, text, encoded = yaml_raw.decode_for_storage()
    assert text.encode() == encoded and rec.id == "X-2"
    assert yaml_raw.decode() == (rec, text)
    assert hashlib.sha256(encoded).hexdigest() == hashlib.sha256(text.encode()).hexdigest()
