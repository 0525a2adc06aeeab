"""The Python lockfile fixtures of osv-scalibr and osv-scanner v1, read by our parsers.

File names there are not canonical (``one-package.lock``), so each directory is mapped to the
parser of its format and every file in it is parsed directly. Each file must either parse, to
the counts written here (checked by reading the files), or fail with a ParseError that names a
line. Files named ``invalid*``, ``not-*`` or ``malformed*`` must fail unless the format really
accepts them: those are listed in ``VALID_DESPITE_NAME`` with the reason.

Not covered: ``python/condameta`` (conda metadata) and ``python/pyprojecttoml``
(``pyproject.toml`` declares ranges, not installed versions); no parser here reads them.
"""

from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.base import Parser
from runink.inventory.pdm_lock import PdmLockParser
from runink.inventory.pipfile_lock import PipfileLockParser
from runink.inventory.poetry_lock import PoetryLockParser
from runink.inventory.pylock_toml import PylockTomlParser
from runink.inventory.requirements_txt import RequirementsTxtParser
from runink.inventory.uv_lock import UvLockParser
from tests.conftest import shared_path

ERROR = "error"
Expected = dict[str, tuple[int, int] | str]

VALID_DESPITE_NAME = {
    # Every line is a readable requirements-file line; the entries are unusable (an empty
    # pin, no name, no operator, a URL) and come back as four Skipped records with reasons.
    # requirements.txt is line-oriented: one bad line does not make the file unreadable.
    "invalid.txt": (0, 4),
}

REQUIREMENTS_SCALIBR: Expected = {
    "comments.txt": (5, 0),
    "env_var.txt": (2, 1),
    "example.txt": (3, 8),
    "extras.txt": (2, 0),
    "invalid.txt": (0, 4),
    "loop.txt": (0, 0),
    "multiline_and_comments.txt": (2, 0),
    "no_version.txt": (0, 3),
    "other-loop.txt": (0, 0),
    "other-requirements.txt": (1, 0),
    "per_req_options.txt": (15, 3),
    "trailing_backslash.txt": (1, 0),
    "with_versions.txt": (7, 4),
}
REQUIREMENTS_SCANNER: Expected = {
    "cyclic-r-self.txt": (2, 0),
    "empty.txt": (0, 0),
    "file-format-example.txt": (3, 8),
    "multiple-packages-constrained.txt": (13, 0),
    "non-normalized-names.txt": (3, 0),
    "one-package-unconstrained.txt": (0, 1),
    "only-comments.txt": (0, 0),
    "other-file.txt": (1, 0),
    "with-bad-r-option.txt": (1, 0),
}
POETRY_SCALIBR: Expected = {
    "empty-file.lock": (0, 0),
    "empty.lock": (0, 0),
    "multiple-packages.v2.lock": (11, 0),
    "names-outside-package-block.lock": (2, 0),
    "not-toml.txt": ERROR,
    "one-package.lock": (1, 0),
    "source-git.lock": (1, 0),
    "two-packages.lock": (2, 0),
}
POETRY_SCANNER: Expected = {
    "empty.lock": (0, 0),
    "not-toml.txt": ERROR,
    "one-package.lock": (1, 0),
    "source-git.lock": (1, 0),
    "two-packages.lock": (2, 0),
}
UV_SCALIBR: Expected = {
    "empty.lock": (0, 0),
    "grouped-packages.lock": (14, 0),
    "names-outside-package-block.lock": (2, 0),
    "no-dependencies.lock": (0, 0),  # only the project itself
    "no-packages.lock": (0, 0),
    "not-toml.txt": ERROR,
    "one-package.lock": (1, 0),
    "source-git.lock": (1, 0),
    "two-packages.lock": (2, 0),
}
PIPFILE_SCALIBR: Expected = {
    # A zero-byte file is not JSON (TOML formats read it as an empty document).
    "empty-file": ERROR,
    "empty.json": (0, 0),
    "minified.json": (1, 0),
    "no-version.json": (0, 2),
    "not-json.txt": ERROR,
    "one-package-dev.json": (1, 0),
    "two-packages-alt.json": (2, 0),
}
PIPFILE_SCANNER: Expected = {
    "empty.json": (0, 0),
    "no-version.json": (0, 2),
    "not-json.txt": ERROR,
    "one-package-dev.json": (1, 0),
    "two-packages-alt.json": (2, 0),
}
PDM_SCALIBR: Expected = {
    "empty-file.toml": (0, 0),
    "empty.toml": (0, 0),
    "git-dependency.toml": (1, 0),
    "names-outside-package-block.toml": (2, 0),
    "not-toml.txt": ERROR,
    "single-package.toml": (1, 0),
}
PDM_SCANNER: Expected = {
    "empty.toml": (0, 0),
    "git-dependency.toml": (1, 0),
    "not-toml.txt": ERROR,
    "single-package.toml": (1, 0),
}
PYLOCK_SCALIBR: Expected = {
    "commits.toml": (7, 0),  # the editable directory "." is the project itself
    "empty.toml": (0, 0),
    "example.toml": (3, 0),
    "names-outside-package-block.toml": (2, 0),
    "not-toml.txt": ERROR,
    "pdm-full.toml": (10, 0),
    "pip-full.toml": (5, 0),
    "pip-just-self.toml": (0, 0),
}

CASES: list[tuple[tuple[str, ...], Parser, Expected]] = [
    (("osv-scalibr", "python", "requirements"), RequirementsTxtParser(), REQUIREMENTS_SCALIBR),
    (("osv-scanner-v1", "pip"), RequirementsTxtParser(), REQUIREMENTS_SCANNER),
    (("osv-scalibr", "python", "poetrylock"), PoetryLockParser(), POETRY_SCALIBR),
    (("osv-scanner-v1", "poetry"), PoetryLockParser(), POETRY_SCANNER),
    (("osv-scalibr", "python", "uvlock"), UvLockParser(), UV_SCALIBR),
    (("osv-scalibr", "python", "pipfilelock"), PipfileLockParser(), PIPFILE_SCALIBR),
    (("osv-scanner-v1", "pipenv"), PipfileLockParser(), PIPFILE_SCANNER),
    (("osv-scalibr", "python", "pdmlock"), PdmLockParser(), PDM_SCALIBR),
    (("osv-scanner-v1", "pdm"), PdmLockParser(), PDM_SCANNER),
    (("osv-scalibr", "python", "pylock"), PylockTomlParser(), PYLOCK_SCALIBR),
]


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("parts", "parser", "expected"), CASES, ids=["/".join(c[0]) for c in CASES]
)
def test_every_fixture_parses_or_fails_with_a_line(
    parts: tuple[str, ...], parser: Parser, expected: Expected
) -> None:
    directory = shared_path("lockfile-fixtures", *parts)
    files = sorted(p for p in directory.iterdir() if p.is_file())
    assert [p.name for p in files] == sorted(expected), "fixture set changed: update the table"
    for file in files:
        want = expected[file.name]
        rel = "/".join((*parts, file.name))
        bad_name = file.name.startswith(("invalid", "not-", "malformed"))
        if bad_name and want != ERROR:
            assert VALID_DESPITE_NAME.get(file.name) == want, f"{rel}: why is it valid?"
        if want == ERROR:
            with pytest.raises(ParseError) as info:
                parser.parse(rel, file.read_bytes())
            assert info.value.line is not None, rel
            assert str(info.value).startswith(f"{rel}:{info.value.line}: "), rel
            continue
        result = parser.parse(rel, file.read_bytes())
        got = (len(result.components), len(result.skipped))
        assert got == want, rel
        for comp in result.components:
            assert comp.ecosystem == "PyPI" and comp.version and comp.source == rel
            assert comp.line is not None and comp.line >= 1, (rel, comp)


def _parse(parser: Parser, *parts: str) -> list[tuple[str, str]]:
    path = shared_path("lockfile-fixtures", *parts)
    result = parser.parse(path.name, path.read_bytes())
    return [(c.name, c.version) for c in result.components]


@pytest.mark.shared_data
def test_samples_read_from_the_fixtures() -> None:
    req = RequirementsTxtParser()
    assert _parse(req, "osv-scanner-v1", "pip", "non-normalized-names.txt") == [
        ("zope-interface", "5.4.0"),
        ("pillow", "1.0.0"),
        ("twisted", "20.3.0"),
    ]
    assert _parse(req, "osv-scalibr", "python", "requirements", "with_versions.txt") == [
        ("nltk", "3.2.2"),
        ("tabulate", "0.7.7"),
        ("qwerty", "0.1"),
        ("hy-phen", "1.2"),
        ("under-score", "1.3"),
        ("pkg-dot-name", "5.0.0"),
        ("yolo", "1.0"),
    ]
    assert _parse(PoetryLockParser(), "osv-scalibr", "python", "poetrylock", "source-git.lock") == [
        ("ike", "0.2.0")
    ]
    assert _parse(UvLockParser(), "osv-scalibr", "python", "uvlock", "source-git.lock") == [
        ("ruff", "0.8.1")
    ]
    assert _parse(PipfileLockParser(), "osv-scanner-v1", "pipenv", "two-packages-alt.json") == [
        ("itsdangerous", "2.1.2"),
        ("markupsafe", "2.1.1"),
    ]
    assert _parse(PdmLockParser(), "osv-scanner-v1", "pdm", "git-dependency.toml") == [
        ("toml", "0.10.2")
    ]
    assert _parse(PylockTomlParser(), "osv-scalibr", "python", "pylock", "commits.toml")[:2] == [
        ("click", "8.2.1"),
        ("mleroc", "0.1.0"),
    ]


@pytest.mark.shared_data
def test_uv_grouped_packages_scopes() -> None:
    path = shared_path(
        "lockfile-fixtures", "osv-scalibr", "python", "uvlock", "grouped-packages.lock"
    )
    result = UvLockParser().parse("uv.lock", path.read_bytes())
    comps = {c.name: (c.direct, c.scope) for c in result.components}
    assert comps["emoji"] == (True, "runtime")
    assert comps["click"] == (True, "optional")  # extra "cli"
    assert comps["colorama"] == (False, "optional")
    assert comps["flake8"] == (True, "optional")
    assert comps["pyflakes"] == (False, "optional")
