"""Real lockfiles of public projects (../shared/data/real-lockfiles), read by our parsers.

Counts and samples were checked by reading the files. For the TOML lockfiles every component
is also checked against the raw text: its line holds ``[[package]]`` and is followed by the
package's own ``name`` and ``version`` lines.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from typing import Any

import pytest

from runink.inventory._python_common import elide_hash_arrays
from runink.inventory.base import Parser, ParseResult
from runink.inventory.poetry_lock import PoetryLockParser
from runink.inventory.requirements_txt import RequirementsTxtParser
from runink.inventory.uv_lock import UvLockParser
from runink.model.ecosystems import normalize_name
from tests.conftest import shared_path

pytestmark = pytest.mark.shared_data

HEADER = re.compile(r"^\[\[package\]\]$", re.MULTILINE)


def read(parser: Parser, *parts: str) -> tuple[str, ParseResult]:
    path = shared_path("real-lockfiles", *parts)
    data = path.read_bytes()
    return data.decode(), parser.parse("/".join(parts), data)


# (file, [[package]] entries, components, why they differ)
TOML_CASES = [
    (("paperless-ngx", "uv.lock"), UvLockParser(), 276, 273, "virtual root; psycopg-c 3.3.0 x3"),
    (("crewAI", "uv.lock"), UvLockParser(), 476, 470, "6 editable workspace members"),
    (("autogen", "python", "uv.lock"), UvLockParser(), 522, 513, "9 editable workspace members"),
    (("saleor", "uv.lock"), UvLockParser(), 231, 230, "virtual root"),
    (("ruff", "uv.lock"), UvLockParser(), 89, 88, "editable root"),
    (("poetry", "poetry.lock"), PoetryLockParser(), 78, 78, ""),
    (("textual", "poetry.lock"), PoetryLockParser(), 111, 111, ""),
]


@pytest.mark.parametrize(
    ("parts", "parser", "entries", "components", "why"),
    TOML_CASES,
    ids=["/".join(c[0]) for c in TOML_CASES],
)
def test_toml_lockfile_counts_and_lines(
    parts: tuple[str, ...], parser: Parser, entries: int, components: int, why: str
) -> None:
    text, result = read(parser, *parts)
    assert len(HEADER.findall(text)) == entries
    assert len(result.components) == components, why
    assert result.skipped == ()
    lines = text.split("\n")
    for comp in result.components:
        assert comp.line is not None
        assert lines[comp.line - 1] == "[[package]]", comp
        name_line = re.fullmatch(r'name = "([^"]+)"', lines[comp.line])
        assert name_line is not None, comp
        assert normalize_name("PyPI", name_line.group(1)) == comp.name
        assert lines[comp.line + 1] == f'version = "{comp.version}"', comp
    assert len({(c.name, c.version) for c in result.components}) == components


def _sample(result: ParseResult, name: str) -> list[tuple[str, int | None, Any, Any, Any]]:
    return [
        (c.version, c.line, c.direct, c.scope, c.path) for c in result.components if c.name == name
    ]


def test_paperless_samples() -> None:
    _, result = read(UvLockParser(), "paperless-ngx", "uv.lock")
    assert _sample(result, "django") == [("5.2.16", 895, True, "runtime", ("django",))]
    assert _sample(result, "celery") == [("5.6.3", 401, True, "runtime", ("celery",))]
    assert _sample(result, "asgiref") == [
        ("3.11.0", 192, False, "runtime", ("channels", "asgiref"))
    ]
    # pytest is a dev-group dependency, but llama-index-embeddings-ollama declares
    # pytest-asyncio as a runtime dependency: it ships.
    assert _sample(result, "pytest") == [
        (
            "9.1.1",
            3784,
            True,
            "runtime",
            ("llama-index-embeddings-ollama", "pytest-asyncio", "pytest"),
        )
    ]
    # a git source keeps its recorded version; an only-in-dev-group package is "dev"
    assert _sample(result, "microsoft-python-type-stubs") == [
        ("0", 2465, True, "dev", ("microsoft-python-type-stubs",))
    ]
    # psycopg-c from PyPI and from two URL wheels: one component, only behind an extra
    assert [(v, line, scope) for v, line, _, scope, _ in _sample(result, "psycopg-c")] == [
        ("3.3.0", 3517, "optional")
    ]
    assert Counter(c.scope for c in result.components) == {"runtime": 198, "dev": 69, "optional": 6}
    assert all(c.path for c in result.components)


def test_crewai_samples() -> None:
    _, result = read(UvLockParser(), "crewAI", "uv.lock")
    assert [(v, line) for v, line, *_ in _sample(result, "numpy")] == [
        ("2.2.6", 5092),
        ("2.4.6", 5158),
    ]
    assert _sample(result, "openai") == [("2.41.0", 5552, True, "runtime", ("openai",))]
    assert _sample(result, "pytest") == [("9.0.3", 7288, True, "dev", ("pytest",))]
    assert _sample(result, "urllib3")[0][:2] == ("2.7.0", 9508)
    # [manifest.dependency-groups] ask for boto3-stubs[bedrock-runtime]: its extra is reached
    (stub,) = _sample(result, "mypy-boto3-bedrock-runtime")
    assert stub[3] == "dev" and stub[4][0] == "boto3-stubs"
    assert all(c.path for c in result.components)


def test_autogen_saleor_ruff_samples() -> None:
    _, autogen = read(UvLockParser(), "autogen", "python", "uv.lock")
    assert _sample(autogen, "openai") == [("1.93.0", 5221, True, "runtime", ("openai",))]
    assert [(v, line) for v, line, *_ in _sample(autogen, "pydantic")] == [("2.10.6", 6203)]
    _, saleor = read(UvLockParser(), "saleor", "uv.lock")
    assert _sample(saleor, "django") == [("5.2.17", 567, True, "runtime", ("django",))]
    assert _sample(saleor, "pytest") == [("9.0.3", 2090, True, "dev", ("pytest",))]
    _, ruff = read(UvLockParser(), "ruff", "uv.lock")
    # ruff's Python project only has dependency groups
    assert {c.scope for c in ruff.components} == {"dev"}
    assert _sample(ruff, "black") == [("26.5.2.dev21+ge34bb1bef", 123, True, "dev", ("black",))]
    assert _sample(ruff, "jinja2") == [("3.1.6", 515, False, "dev", ("mkdocs", "jinja2"))]


def test_poetry_samples() -> None:
    _, poetry = read(PoetryLockParser(), "poetry", "poetry.lock")
    assert [(v, line, scope) for v, line, _, scope, _ in _sample(poetry, "requests")] == [
        ("2.33.1", 1838, "runtime")
    ]
    assert [(v, line, scope) for v, line, _, scope, _ in _sample(poetry, "pytest")] == [
        ("9.0.3", 1512, "dev")
    ]
    assert Counter(c.scope for c in poetry.components) == {"runtime": 53, "dev": 25}
    assert sum(1 for c in poetry.components if c.direct) == 26
    _, textual = read(PoetryLockParser(), "textual", "poetry.lock")
    assert [(v, line) for v, line, *_ in _sample(textual, "jinja2")] == [("3.1.6", 1053)]
    assert [(v, line) for v, line, *_ in _sample(textual, "urllib3")] == [("2.5.0", 2933)]
    # mkdocstrings <-> mkdocstrings-python is a cycle nothing else enters: no path
    assert sorted(c.name for c in textual.components if not c.path) == [
        "griffe",
        "mkdocs-autorefs",
        "mkdocstrings",
        "mkdocstrings-python",
    ]


def test_warehouse_requirements() -> None:
    text, result = read(RequirementsTxtParser(), "warehouse", "requirements", "main.txt")
    assert len(result.components) == 184
    assert len(re.findall(r"^[a-z0-9]", text, re.MULTILINE)) == 184
    assert result.skipped == ()
    assert result.includes == ()
    comps = {c.name: c for c in result.components}
    assert (comps["celery"].version, comps["celery"].line) == ("5.6.3", 199)
    assert (comps["pyramid"].version, comps["pyramid"].line) == ("2.1", 1913)
    assert (comps["urllib3"].version, comps["urllib3"].line) == ("2.7.0", 2451)
    assert (comps["sqlalchemy"].version, comps["sqlalchemy"].line) == ("2.0.51", 2306)
    assert (comps["psycopg"].version, comps["psycopg"].direct) == ("3.3.4", True)
    assert (comps["psycopg-binary"].direct, comps["psycopg-binary"].path) == (
        False,
        ("psycopg", "psycopg-binary"),
    )
    assert Counter(c.direct for c in result.components) == {True: 79, False: 105}
    assert all(c.path for c in result.components)
    lines = text.split("\n")
    for comp in result.components:
        assert comp.line is not None
        first = lines[comp.line - 1]
        assert normalize_name("PyPI", re.split(r"[\[=]", first, maxsplit=1)[0]) == comp.name
        assert f"=={comp.version} " in first or first.endswith(f"=={comp.version}")


@pytest.mark.parametrize(
    "parts",
    [c[0] for c in TOML_CASES],
    ids=["/".join(c[0]) for c in TOML_CASES],
)
def test_hash_elision_keeps_everything_else(parts: tuple[str, ...]) -> None:
    text = shared_path("real-lockfiles", *parts).read_text()
    full = tomllib.loads(text)
    keys = ("wheels", "sdist") if parts[-1] == "uv.lock" else ("files",)
    elided = elide_hash_arrays(text, keys[:1], keys[1:])
    assert len(elided) < len(text) // 2
    assert elided.count("\n") == text.count("\n")

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in keys}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    assert strip(tomllib.loads(elided)) == strip(full)
