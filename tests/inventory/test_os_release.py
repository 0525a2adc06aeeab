"""An image's os-release places its dpkg/apk packages in their distribution release."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runink.inventory._os_release import parse_os_release, release_ecosystem
from runink.inventory.discovery import discover
from runink.inventory.registry import all_parsers
from runink.matching.index import AdvisoryIndex, AdvisoryInfo
from runink.matching.matcher import Matcher
from runink.model.advisory import Affected, Event, Range

DPKG_STATUS = b"""Package: libssl3
Status: install ok installed
Source: openssl
Version: 3.0.2-0ubuntu1.10
Architecture: amd64

"""
APK_INSTALLED = b"""C:Q1abc=
P:libcrypto3
V:3.1.4-r0
A:x86_64
o:openssl

"""
UBUNTU_2204 = b"""PRETTY_NAME="Ubuntu 22.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.3 LTS (Jammy Jellyfish)"
ID=ubuntu
ID_LIKE=debian
"""


def _rootfs(
    tmp_path: Path, database: tuple[str, ...], content: bytes, os_release: bytes | None
) -> Path:
    root = tmp_path / "rootfs"
    db = root.joinpath(*database)
    db.parent.mkdir(parents=True)
    db.write_bytes(content)
    if os_release is not None:
        (root / "etc").mkdir()
        (root / "etc" / "os-release").write_bytes(os_release)
    return root


def _components(root: Path) -> list[tuple[str, str, str]]:
    inventory = discover(root, all_parsers())
    return [(c.ecosystem, c.name, c.purl) for c in inventory.components]


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (b'ID=ubuntu\nVERSION_ID="22.04"\n', {"ID": "ubuntu", "VERSION_ID": "22.04"}),
        (
            b"# comment\nID='alpine'\n\nVERSION_ID=3.20.3\n",
            {"ID": "alpine", "VERSION_ID": "3.20.3"},
        ),
        (b'NAME="A \\"quoted\\" \\$name"\n', {"NAME": 'A "quoted" $name'}),
        (b"not a line\nid=lowercase-keys-are-not-fields\n", {}),
    ],
)
def test_parse_os_release(text: bytes, fields: dict[str, str]) -> None:
    assert parse_os_release(text) == fields


@pytest.mark.parametrize(
    ("fields", "fmt", "ecosystem"),
    [
        ({"ID": "debian", "VERSION_ID": "12"}, "dpkg-status", "Debian:12"),
        ({"ID": "ubuntu", "VERSION_ID": "22.04"}, "dpkg-status", "Ubuntu:22.04"),
        ({"ID": "alpine", "VERSION_ID": "3.20.3"}, "apk-installed", "Alpine:3.20.3"),
        ({"ID": "debian"}, "dpkg-status", "Debian"),  # testing/unstable: no release number
        ({"ID": "debian", "VERSION_ID": "12; rm -rf"}, "dpkg-status", "Debian"),
        ({"ID": "fedora", "VERSION_ID": "39"}, "dpkg-status", None),  # not a dpkg distribution
        ({"ID": "alpine", "VERSION_ID": "3.20"}, "dpkg-status", None),
        ({"ID": "linuxmint", "ID_LIKE": "ubuntu", "VERSION_ID": "21.2"}, "dpkg-status", None),
    ],
)
def test_release_ecosystem(fields: dict[str, str], fmt: str, ecosystem: str | None) -> None:
    assert release_ecosystem(fields, fmt) == ecosystem


def test_ubuntu_image_packages_are_ubuntu_packages(tmp_path: Path) -> None:
    root = _rootfs(tmp_path, ("var", "lib", "dpkg", "status"), DPKG_STATUS, UBUNTU_2204)
    assert _components(root) == [
        ("Ubuntu:22.04", "openssl", "pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?distro=ubuntu-22.04")
    ]


def test_alpine_image_packages_carry_the_release(tmp_path: Path) -> None:
    root = _rootfs(
        tmp_path,
        ("lib", "apk", "db", "installed"),
        APK_INSTALLED,
        b"ID=alpine\nVERSION_ID=3.19.1\n",
    )
    [(ecosystem, name, purl)] = _components(root)
    assert (ecosystem, name) == ("Alpine:3.19.1", "openssl")  # by origin, as Alpine advises
    assert purl.endswith("?distro=alpine-3.19.1")


def test_usr_lib_os_release_is_read_when_etc_has_none(tmp_path: Path) -> None:
    root = _rootfs(tmp_path, ("var", "lib", "dpkg", "status"), DPKG_STATUS, None)
    (root / "usr" / "lib").mkdir(parents=True)
    (root / "usr" / "lib" / "os-release").write_bytes(UBUNTU_2204)
    assert _components(root)[0][0] == "Ubuntu:22.04"


def test_links_are_not_followed_out_of_the_image(tmp_path: Path) -> None:
    """An absolute link in an unpacked image points at the scanning machine's own file."""
    root = _rootfs(tmp_path, ("var", "lib", "dpkg", "status"), DPKG_STATUS, None)
    elsewhere = tmp_path / "host-os-release"
    elsewhere.write_bytes(b"ID=debian\nVERSION_ID=12\n")
    (root / "etc").mkdir()
    os.symlink(elsewhere, root / "etc" / "os-release")
    assert _components(root)[0][0] == "Debian"  # unknown release: every release checked


def test_without_os_release_or_outside_a_rootfs_nothing_changes(tmp_path: Path) -> None:
    root = _rootfs(tmp_path, ("var", "lib", "dpkg", "status"), DPKG_STATUS, None)
    assert _components(root)[0][0] == "Debian"
    # A status file that is not at var/lib/dpkg/status of a root is left as it is, even with
    # an os-release next to where a root would be.
    other = tmp_path / "other"
    (other / "dpkg").mkdir(parents=True)
    (other / "dpkg" / "status").write_bytes(DPKG_STATUS)
    (other / "etc").mkdir()
    (other / "etc" / "os-release").write_bytes(UBUNTU_2204)
    assert [e for e, _, _ in _components(other)] == ["Debian"]


def _advisory(ecosystem: str, fixed: str) -> tuple[str, Affected]:
    return (
        f"ADV-{ecosystem}",
        Affected(
            index=0,
            ecosystem=ecosystem,
            name="openssl",
            raw_name="openssl",
            ranges=(Range("ECOSYSTEM", (Event("introduced", "0"), Event("fixed", fixed))),),
            versions=(),
        ),
    )


def test_the_release_decides_which_advisories_apply(tmp_path: Path) -> None:
    """Read as Debian, an Ubuntu system was checked against Debian's advisories (a false alarm
    here) and never against Ubuntu's (a miss); with its os-release it is checked against its
    own release only."""
    entries = [
        _advisory("Debian:12", "3.0.11-1"),  # Debian's fix is a higher version
        _advisory("Ubuntu:22.04:LTS", "3.0.2-0ubuntu1.12"),  # the installed version is older
        _advisory("Ubuntu:20.04:LTS", "3.0.2-0ubuntu1.1"),  # another release
    ]
    infos = [AdvisoryInfo(i, (i,), "", None, None, None, None, None, None) for i, _ in entries]
    index = AdvisoryIndex.build(entries, infos)
    root = _rootfs(tmp_path, ("var", "lib", "dpkg", "status"), DPKG_STATUS, UBUNTU_2204)
    [component] = discover(root, all_parsers()).components
    found = [f.id for f in Matcher(index).match(component).findings]
    assert found == ["ADV-Ubuntu:22.04:LTS"]
