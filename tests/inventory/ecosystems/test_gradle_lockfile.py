from __future__ import annotations

import pytest

from runink.inventory.gradle_lockfile import GradleLockfileParser, scope_of

from ._util import by_name, keys, parse_fixture

P = GradleLockfileParser()
HEADER = b"# This is a Gradle generated file for dependency locking.\n"


def test_claims() -> None:
    assert P.claims("gradle.lockfile", b"")
    assert P.claims("buildscript-gradle.lockfile", b"")
    # gradle/dependency-locks/<configuration>.lockfile only with Gradle's header
    assert P.claims("compileClasspath.lockfile", HEADER)
    assert not P.claims("compileClasspath.lockfile", b"something else")
    assert P.claims("dependency-locks/compileClasspath.lockfile", b"")
    assert not P.claims("locks/compileClasspath.lockfile", b"")
    assert not P.claims("gradle.properties", HEADER)


def test_empty() -> None:
    result = parse_fixture(P, "gradle_lockfile", "empty.lockfile")
    assert result.components == () and result.skipped == ()


def test_one_package() -> None:
    result = parse_fixture(P, "gradle_lockfile", "one-package.lockfile")
    [guava] = result.components
    assert (guava.ecosystem, guava.name, guava.version) == (
        "Maven",
        "com.google.guava:guava",
        "32.1.3-jre",
    )
    assert guava.line == 4 and guava.scope == "runtime" and guava.direct is None


def test_many_packages_and_scopes() -> None:
    result = parse_fixture(P, "gradle_lockfile", "many-packages.lockfile")
    comps = by_name(result)
    assert {name: c.scope for name, c in comps.items()} == {
        "com.fasterxml.jackson.core:jackson-databind": "runtime",
        "org.junit.jupiter:junit-jupiter-api": "test",
        "androidx.test:core": "test",
        "org.projectlombok:lombok": "compile",
        "com.google.dagger:dagger-compiler": "build",
        "jakarta.servlet:jakarta.servlet-api": "compile",
        "org.slf4j:slf4j-api": "runtime",  # listed twice, one component
    }
    assert comps["org.slf4j:slf4j-api"].line == 10
    assert result.skipped == ()


def test_buildscript_lockfile() -> None:
    result = parse_fixture(P, "gradle_lockfile", "buildscript-gradle.lockfile")
    assert keys(result) == [("org.jetbrains.kotlin:kotlin-gradle-plugin", "1.9.22")]
    assert result.components[0].scope == "build"


def test_legacy_per_configuration_file() -> None:
    result = parse_fixture(P, "gradle_lockfile", "legacy-compileClasspath.lockfile")
    assert keys(result) == [
        ("org.apache.commons:commons-lang3", "3.12.0"),
        ("commons-io:commons-io", "2.11.0"),
    ]
    assert all(c.scope is None for c in result.components)


def test_bad_lines_are_skipped_with_their_text() -> None:
    result = parse_fixture(P, "gradle_lockfile", "bad-lines.lockfile")
    assert keys(result) == [("org.yaml:snakeyaml", "2.2")]
    assert [(s.name, s.line) for s in result.skipped] == [
        ("org.yaml:snakeyaml=runtimeClasspath", 3),
        ("<<<<<<< HEAD", 4),
        ("org.apache.commons:commons-text:1.10.0:extra=runtimeClasspath", 5),
    ]


@pytest.mark.parametrize(
    ("configurations", "scope"),
    [
        ([], None),
        (["testRuntimeClasspath"], "test"),
        (["integrationTestRuntimeClasspath", "testFixturesCompileClasspath"], "test"),
        (["classpath"], "build"),
        (["annotationProcessor", "testAnnotationProcessor"], "build"),
        (["compileClasspath"], "compile"),
        (["compileClasspath", "testRuntimeClasspath"], "compile"),
        (["releaseRuntimeClasspath"], "runtime"),
        (["contestRuntimeClasspath"], "runtime"),  # "contest" is no test configuration
    ],
)
def test_scope_of(configurations: list[str], scope: str | None) -> None:
    assert scope_of(configurations) == scope
