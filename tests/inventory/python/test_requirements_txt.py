from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.base import ParseResult
from runink.inventory.requirements_txt import RequirementsTxtParser

from .helpers import by_key, names_versions, parse_fixture

PARSER = RequirementsTxtParser()


def parse(name: str) -> ParseResult:
    return parse_fixture(PARSER, "requirements", name)


def text(body: str) -> ParseResult:
    return PARSER.parse("requirements.txt", body.encode())


@pytest.mark.parametrize(
    ("filename", "claimed"),
    [
        ("requirements.txt", True),
        ("requirements-dev.txt", True),
        ("requirements_test.txt", True),
        ("dev-requirements.txt", True),
        ("Requirements.txt", True),
        ("requirements/main.txt", True),
        ("requirements/base.txt", True),
        ("requirements.in", False),
        ("requirements/main.in", False),
        ("constraints.txt", False),
        ("notes.txt", False),
        ("docs/main.txt", False),
        ("requirements.txt.bak", False),
    ],
)
def test_claims(filename: str, claimed: bool) -> None:
    assert PARSER.claims(filename, b"") is claimed


def test_format_name() -> None:
    assert PARSER.format == "requirements.txt"


def test_empty_file_has_nothing() -> None:
    result = parse("empty.txt")
    assert result.components == ()
    assert result.skipped == ()
    assert result.includes == ()


def test_one_package() -> None:
    result = parse("one-package.txt")
    assert len(result.components) == 1
    comp = result.components[0]
    assert (comp.ecosystem, comp.name, comp.version) == ("PyPI", "requests", "2.31.0")
    assert comp.source == "fixtures/requirements/one-package.txt"
    assert comp.line == 1
    assert comp.direct is True
    assert comp.path == ("requests",)
    assert comp.scope is None


def test_many_packages_hand_written() -> None:
    result = parse("many-packages.txt")
    assert names_versions(result) == [
        ("django", "4.2.7"),
        ("celery", "5.3.6"),
        ("zope-interface", "6.1"),
        ("pyyaml", "6.0.1"),
        ("typing-extensions", "4.8.0"),
        ("cryptography", "41.0.5"),
        ("urllib3", "2.0.7"),
    ]
    lines = {c.name: c.line for c in result.components}
    assert lines == {
        "django": 6,
        "celery": 7,
        "zope-interface": 8,
        "pyyaml": 9,
        "typing-extensions": 12,
        "cryptography": 13,
        "urllib3": 15,
    }
    # Without pip-compile annotations, everything listed is a direct requirement.
    assert all(c.direct is True and c.path == (c.name,) for c in result.components)
    assert result.skipped == ()
    assert result.includes == ()


def test_compiled_file_reads_via_annotations() -> None:
    result = parse("compiled.txt")
    comps = by_key(result)
    assert len(comps) == 10
    assert comps[("django", "4.2.7")].direct is True  # via -r requirements.in
    assert comps[("django", "4.2.7")].path == ("django",)
    assert comps[("django-filter", "23.5")].direct is True  # via myapp (pyproject.toml)
    assert comps[("requests", "2.31.0")].direct is True
    assert comps[("certifi", "2023.11.17")].direct is False
    assert comps[("certifi", "2023.11.17")].path == ("requests", "certifi")
    assert comps[("sqlparse", "0.4.4")].path == ("django", "sqlparse")
    # A constraint annotation says where the pin came from, not that it was asked for.
    assert comps[("idna", "3.6")].direct is False
    assert comps[("idna", "3.6")].path == ("requests", "idna")
    # The "unsafe" section is still installed.
    assert comps[("setuptools", "69.0.2")].path == ("django-filter", "setuptools")
    assert comps[("setuptools", "69.0.2")].line == 39
    # A pin without annotation in an annotated file: unknown.
    assert comps[("unannotated", "1.0")].direct is None
    assert comps[("unannotated", "1.0")].path == ()
    assert comps[("certifi", "2023.11.17")].line == 7


def test_compiled_file_line_annotation_style() -> None:
    result = parse("compiled-line-style.txt")
    comps = by_key(result)
    assert comps[("django", "4.2.7")].direct is True
    assert comps[("asgiref", "3.7.2")].direct is False
    assert comps[("asgiref", "3.7.2")].path == ("django", "asgiref")
    assert comps[("sqlparse", "0.4.4")].line == 4


def test_includes_and_constraints() -> None:
    result = parse("includes.txt")
    assert result.includes == (
        "base.txt",
        "dev/extra.txt",
        "short.txt",
        "constraints.txt",
        "../shared/constraints.txt",
    )
    assert names_versions(result) == [("flask", "3.0.0")]
    reasons = {s.name: (s.reason, s.line) for s in result.skipped}
    assert reasons == {
        "https://example.org/remote-requirements.txt": (
            "remote requirements file is not read",
            6,
        ),
        "${REQS_DIR}/private.txt": (
            "requirements file named through an environment variable, which is not known "
            "when reading the file",
            7,
        ),
    }


def test_unpinned_requirements_are_skipped() -> None:
    result = parse("unpinned.txt")
    assert names_versions(result) == [("attrs", "23.1.0")]  # >=20 and ==23.1.0 pins one version
    assert [(s.name, s.reason, s.line) for s in result.skipped] == [
        ("flask", "not pinned to one version", 1),
        ("requests", "not pinned to one version", 2),
        ("django", "not pinned to one version", 3),
        ("numpy", "not pinned to one version", 4),
        ("pandas", "not pinned to one version", 5),
        ("scipy", "not pinned to one version", 6),
    ]


def test_urls_paths_and_editables() -> None:
    result = parse("locations.txt")
    assert names_versions(result) == [
        ("pkg-local", "1.0.0"),
        ("remote-wheel", "2.1.0"),
        ("pinned-by-wheel", "3.0"),
    ]
    skipped = [(s.name, s.reason, s.line) for s in result.skipped]
    assert skipped == [
        (
            "https://example.org/dist/remote-sdist-1.0.tar.gz",
            "direct URL requirement, the version is not known",
            3,
        ),
        (
            "./vendor/some-sdist-1.0.tar.gz",
            "local path requirement, the version is not known",
            4,
        ),
        ("vcs-project", "VCS requirement, no released version", 5),
        (
            "mismatched",
            "wheel file other_name-1.0-py3-none-any.whl is for other-name, not mismatched",
            7,
        ),
        ("urllib3", "direct URL requirement, the version is not known", 8),
        ("editable-vcs", "editable VCS checkout, no released version", 11),
        ("https://example.org/editable.zip", "editable URL, no released version", 12),
    ]
    # `-e .` and `-e ./libs/internal` are the project's own code: neither kept nor skipped.
    assert not any("libs/internal" in s.name for s in result.skipped)


def test_environment_variables() -> None:
    result = parse("env-vars.txt")
    assert names_versions(result) == [("safe", "1.0"), ("after", "2.0")]
    assert [(s.name, s.line) for s in result.skipped] == [("secret", 2)]
    assert "${SECRET_VERSION}" in result.skipped[0].reason


def test_lines_pip_rejects_are_skipped_not_fatal() -> None:
    result = parse("invalid-lines.txt")
    assert names_versions(result) == [("good", "1.0"), ("also-good", "2.0")]
    assert [(s.name, s.line) for s in result.skipped] == [
        ("broken", 2),
        ("==1.0", 3),
        ("two", 4),
        ("bad-version", 5),
        ("trailing", 6),
    ]
    assert all(s.reason.startswith("invalid requirement: ") for s in result.skipped)


def test_line_continuations_follow_pip() -> None:
    result = parse("continuations.txt")
    assert [(c.name, c.version, c.line) for c in result.components] == [
        ("first", "1.0", 1),
        ("second", "2.0", 4),  # a comment ending in "\" does not swallow the next line
        ("third", "3.0", 5),
        ("last", "4.0", 7),  # a trailing "\" at the end of the file is harmless
    ]


def test_byte_order_mark_and_crlf() -> None:
    result = parse("bom-crlf.txt")
    assert [(c.name, c.version, c.line) for c in result.components] == [
        ("bom-first", "1.0", 1),
        ("windows", "2.0", 2),
    ]


def test_binary_content_is_a_parse_error_with_line() -> None:
    with pytest.raises(ParseError) as info:
        parse("malformed-binary.txt")
    assert info.value.line == 3
    assert "NUL byte" in info.value.message
    assert str(info.value).startswith("fixtures/requirements/malformed-binary.txt:3: ")


def test_invalid_utf8_is_a_parse_error_with_line() -> None:
    with pytest.raises(ParseError) as info:
        parse("malformed-encoding.txt")
    assert info.value.line == 3
    assert "not UTF-8" in info.value.message


def test_names_are_normalized_pep503() -> None:
    result = text("Zope.Interface==5.4.0\nPillow==1.0.0\nTwisted[http2]==20.3.0\nA__B--c==1\n")
    assert [c.name for c in result.components] == ["zope-interface", "pillow", "twisted", "a-b-c"]


def test_markers_do_not_drop_components() -> None:
    result = text('old==1.0; python_version < "2.7"\nwin==2.0; sys_platform == "win32"\n')
    assert names_versions(result) == [("old", "1.0"), ("win", "2.0")]


def test_arbitrary_equality_keeps_version_text() -> None:
    result = text("legacy===1.0-custom\n")
    assert names_versions(result) == [("legacy", "1.0-custom")]


def test_same_pin_twice_is_one_component() -> None:
    result = text('dup==1.0; python_version < "3.12"\ndup==1.0; python_version >= "3.12"\n')
    assert names_versions(result) == [("dup", "1.0")]
    assert result.components[0].line == 1


def test_two_versions_by_marker_are_two_components() -> None:
    result = text(
        'numpy==1.26.4; python_version < "3.12"\nnumpy==2.0.0; python_version >= "3.12"\n'
    )
    assert names_versions(result) == [("numpy", "1.26.4"), ("numpy", "2.0.0")]


def test_option_lines_install_nothing() -> None:
    result = text(
        "--index-url https://pypi.org/simple\n-i https://x\n--pre\n--require-hashes\n"
        "--only-binary :all:\n-f ./wheels\n--trusted-host example.org\n"
    )
    assert result.components == ()
    assert result.skipped == ()
    assert result.includes == ()


def test_requirement_per_line_options_are_ignored() -> None:
    result = text('pkg==1.0; python_version < "4" --hash=sha256:00 --config-settings=x\n')
    assert names_versions(result) == [("pkg", "1.0")]


def test_local_version_labels_are_pins_not_urls() -> None:
    result = text("torch==2.1.0+cu118\n--extra-index-url https://download.pytorch.org/whl/cu118\n")
    assert names_versions(result) == [("torch", "2.1.0+cu118")]
    assert result.skipped == ()
