"""Fixtures of the SBOM parser tests: authored fixture files and the shared real-data archives."""

from __future__ import annotations

import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import shared_path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="session")
def sbom_archive(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Extract ``shared/data/sbom/NAME.tar.gz`` once per session; returns its top folder."""
    extracted: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in extracted:
            archive = shared_path("sbom", f"{name}.tar.gz")
            target = tmp_path_factory.mktemp(f"sbom-{name}")
            with tarfile.open(archive) as tar:
                tar.extractall(target, filter="data")
            tops = [p for p in target.iterdir() if p.is_dir()]
            assert len(tops) == 1, f"{archive} should unpack into one folder, found {tops}"
            extracted[name] = tops[0]
        return extracted[name]

    return get
