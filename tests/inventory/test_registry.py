"""The explicit parser registry, its documentation, and what importing it does.

* every parser module of ``src/runink/inventory`` (not ``_private``, ``base``, ``discovery``
  or ``registry``) defines one parser class, registered exactly once;
* format ids are unique, and each is a row of docs/supported-formats.md, whose links lead to
  headings that exist;
* importing the registry imports only the layers below it, changes no other module, and does
  no I/O beyond reading its own code (checked in a fresh interpreter with an audit hook);
* the registry is lazy: listing the parsers and asking them which files they claim imports no
  parser module (nor XML, YAML, TOML or JSON libraries); a parser's module is imported when a
  file it claims is first parsed, and each entry's claim rule is its parser's own.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import runink.inventory
from runink.inventory import _claims
from runink.inventory.registry import ENTRIES, LazyParser, all_parsers

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "supported-formats.md"
NOT_PARSERS = {"base", "discovery", "registry"}


def _parser_modules() -> list[str]:
    return sorted(
        f"runink.inventory.{info.name}"
        for info in pkgutil.iter_modules(runink.inventory.__path__)
        if not info.name.startswith("_") and info.name not in NOT_PARSERS
    )


def _parser_classes(module_name: str) -> list[type]:
    """Classes defined in the module that have the Parser protocol's members."""
    module = importlib.import_module(module_name)
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module_name
        and isinstance(getattr(cls, "format", None), str)
        and callable(getattr(cls, "claims", None))
        and callable(getattr(cls, "parse", None))
    ]


def test_every_parser_module_is_registered_exactly_once() -> None:
    registered = Counter(type(parser.load()) for parser in all_parsers())
    assert [cls.__name__ for cls, n in registered.items() if n != 1] == []
    by_module = {cls.__module__: cls for cls in registered}
    modules = _parser_modules()
    assert len(modules) >= 30
    assert sorted(by_module) == modules, "a parser module is missing from registry.all_parsers()"
    for module in modules:
        assert _parser_classes(module) == [by_module[module]], f"{module}: one parser class each"


def test_format_ids_are_unique_and_stable_strings() -> None:
    formats = [parser.format for parser in all_parsers()]
    assert len(formats) == len(set(formats))
    assert all(f and f == f.strip() and " " not in f for f in formats)


def test_all_parsers_returns_fresh_instances_in_the_same_order() -> None:
    first, second = all_parsers(), all_parsers()
    assert [p.format for p in first] == [p.format for p in second]
    assert all(a is not b for a, b in zip(first, second, strict=True))
    assert all(a.load() is not b.load() for a, b in zip(first, second, strict=True))


def test_each_entry_names_its_parser_and_claims_with_its_parsers_own_rule() -> None:
    for entry, lazy in zip(ENTRIES, all_parsers(), strict=True):
        parser = lazy.load()
        assert isinstance(lazy, LazyParser)
        assert type(parser).__name__ == entry.cls
        assert type(parser).__module__ == f"runink.inventory.{entry.module}"
        assert parser.format == entry.format == lazy.format
        assert entry.claims is getattr(_claims, entry.module)
        assert entry.files
        # The parser's own claims is the registry's rule (one rule per format).
        source = inspect.getsource(type(parser).claims)
        assert f"_claims.{entry.module}(filename, head)" in source


CLAIM_NAMES = [
    "uv.lock",
    "poetry.lock",
    "pdm.lock",
    "pylock.toml",
    "pylock.dev.toml",
    "Pipfile.lock",
    "requirements.txt",
    "requirements/main.txt",
    "dev-requirements.txt",
    "x.txt",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "go.mod",
    "Cargo.lock",
    "Gemfile.lock",
    "gems.locked",
    "composer.lock",
    "pom.xml",
    "gradle.lockfile",
    "dependency-locks/x.lockfile",
    "x.lockfile",
    "packages.lock.json",
    "pubspec.lock",
    "mix.lock",
    ".terraform.lock.hcl",
    "status",
    "dpkg/status",
    "installed",
    "db/installed",
    "bom.json",
    "bom.xml",
    "x.cdx.json",
    "x.spdx.json",
    "x.spdx",
    "x.spdx3.json",
    "x.trivy.json",
    "x.grype.json",
    "x.syft.json",
    "report.json",
    "README",
]
CLAIM_HEADS = [
    b"",
    b'{"bomFormat": "CycloneDX", "specVersion": "1.5"}',
    b'{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"}',
    b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}',
    b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n",
    b'{"SchemaVersion": 2, "ArtifactName": "x", "Results": []}',
    b'[{"Target": "x"}]',
    b'{"matches": [{"vulnerability": {}}]}',
    b'{"artifacts": [], "descriptor": {}}',
    b'<bom xmlns="http://cyclonedx.org/schema/bom/1.4">',
    b"Package: zlib1g\nStatus: install ok installed\n",
    b"C:Q1abc\nP:musl\n",
    b"# This is a Gradle generated file for dependency locking.\n",
]


def test_the_parsers_claim_exactly_what_the_registry_says_they_claim() -> None:
    for entry in ENTRIES:
        parser = entry.load()
        for name in CLAIM_NAMES:
            for head in CLAIM_HEADS:
                assert parser.claims(name, head) == entry.claims(name, head), (entry, name)


def test_lockfile_names_come_before_the_sniffers() -> None:
    """Claim order: exact names first, then package databases, scanner reports and SBOMs."""
    formats = [parser.format for parser in all_parsers()]
    sniffers = ["trivy-json", "grype-json", "syft-json", "cyclonedx-json", "cyclonedx-xml"]
    first_sniffer = min(formats.index(f) for f in sniffers)
    assert formats.index("dpkg-status") < first_sniffer
    assert formats.index("package-lock.json") < first_sniffer


# --------------------------------------------------------------------------------------------
# docs/supported-formats.md


def _documented_formats() -> list[str]:
    """The format id of every row of the formats table (the first table of the page)."""
    text = DOCS.read_text()
    table = text[text.index("| format id |") :].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines()[2:] if line.startswith("| `")]
    return [re.match(r"\| `([^`]+)` \|", row).group(1) for row in rows]  # type: ignore[union-attr]


def test_every_format_is_in_the_documentation_table() -> None:
    documented = _documented_formats()
    formats = [parser.format for parser in all_parsers()]
    assert len(documented) == len(set(documented)), "a format has two rows"
    assert set(documented) == set(formats)


def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_documentation_links_lead_to_existing_headings() -> None:
    text = DOCS.read_text()
    links = set(re.findall(r"\]\((formats/[^)#]+)(?:#([^)]+))?\)", text))
    assert links
    for target, anchor in sorted(links):
        page = DOCS.parent / target
        assert page.is_file(), target
        if anchor:
            headings = re.findall(r"^#+ (.+)$", page.read_text(), re.MULTILINE)
            assert anchor in {_slug(h) for h in headings}, f"{target}#{anchor}"


# --------------------------------------------------------------------------------------------
# importing the registry


IMPORT_PROBE = textwrap.dedent(
    """
    import json, logging, os, sys, warnings
    import json as json_module, re, tomllib, xml.dom.minidom, xml.etree.ElementTree, xml.sax
    import yaml

    watched = [json_module, re, tomllib, xml.dom.minidom, xml.etree.ElementTree, xml.sax, yaml,
               yaml.SafeLoader, logging, os, warnings]
    before_state = {
        "attributes": [{k: id(v) for k, v in vars(m).items()} for m in watched],
        "yaml_constructors": dict(yaml.SafeLoader.yaml_constructors),
        "yaml_resolvers": {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()},
        "warnings": list(warnings.filters),
        "handlers": list(logging.root.handlers),
        "environ": dict(os.environ),
        "recursion": sys.getrecursionlimit(),
        "path": list(sys.path),
    }
    events = []

    def hook(event, args):
        if event == "open":
            mode = args[1] if len(args) > 1 else "r"
            if isinstance(mode, str) and any(c in mode for c in "wax+"):
                events.append(f"open for writing: {args[0]}")
        elif event.startswith(("socket.", "subprocess.", "os.system", "os.exec", "os.spawn",
                               "os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.chmod",
                               "shutil.", "urllib.", "http.", "ctypes.")):
            events.append(event)

    modules_before = set(sys.modules)
    sys.addaudithook(hook)
    import runink.inventory.registry
    parsers = runink.inventory.registry.all_parsers()
    new_modules = sorted(set(sys.modules) - modules_before)

    after_attributes = [{k: id(v) for k, v in vars(m).items()} for m in watched]
    def submodule(m, k):  # importing a.b binds b on a: that is what importing means
        value = vars(m).get(k)
        return type(value) is type(sys) and value.__name__ == f"{m.__name__}.{k}"

    changed = [
        f"{m.__name__}.{k}"
        for m, b, a in zip(watched, before_state["attributes"], after_attributes)
        for k in set(a) | set(b) if a.get(k) != b.get(k) and not (k not in b and submodule(m, k))
    ]
    state = {
        "yaml_constructors": dict(yaml.SafeLoader.yaml_constructors)
        == before_state["yaml_constructors"],
        "yaml_resolvers": {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
        == before_state["yaml_resolvers"],
        "warnings": list(warnings.filters) == before_state["warnings"],
        "handlers": list(logging.root.handlers) == before_state["handlers"],
        "environ": dict(os.environ) == before_state["environ"],
        "recursion": sys.getrecursionlimit() == before_state["recursion"],
        "path": list(sys.path) == before_state["path"],
    }
    print(json.dumps({
        "events": events,
        "changed": changed,
        "state": state,
        "runink_modules": [m for m in new_modules if m.split(".")[0] == "runink"],
        "modules": new_modules,
        "parsers": len(parsers),
    }))
    """
)


def _probe() -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_importing_the_registry_has_no_side_effects() -> None:
    probe = _probe()
    assert probe["events"] == [], "importing the registry wrote files, ran programs or networked"
    assert probe["changed"] == [], "importing the registry changed other modules"
    state = probe["state"]
    assert isinstance(state, dict)
    assert [name for name, unchanged in state.items() if not unchanged] == []
    assert probe["parsers"] == len(all_parsers())


def test_importing_the_registry_imports_only_lower_layers() -> None:
    probe = _probe()
    runink_modules = probe["runink_modules"]
    assert isinstance(runink_modules, list)
    allowed = ("runink.inventory", "runink.model", "runink.versions")
    outside = [
        m
        for m in runink_modules
        if m not in ("runink", "runink.errors") and not m.startswith(allowed)
    ]
    assert outside == [], "inventory must not import cli, services, store, matching, ..."
    modules = probe["modules"]
    assert isinstance(modules, list)
    heavy = {"sqlalchemy", "alembic", "httpx", "typer", "rich", "fastapi", "lark"}
    assert sorted(heavy & {m.split(".")[0] for m in modules}) == []


LAZY_PROBE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from runink.inventory.discovery import HEAD_BYTES, pick_parser
    import runink.inventory.registry as registry

    parsers = registry.all_parsers()
    for name in ("uv.lock", "bom.json", "status", "pom.xml", "x.spdx", "README.md"):
        pick_parser(parsers, Path("repo") / name, b'{"bomFormat": "CycloneDX"}')
    after_claims = sorted(sys.modules)
    uv = next(p for p in parsers if p.format == "uv.lock")
    uv.parse("uv.lock", b'version = 1\\n[[package]]\\nname = "a"\\nversion = "1.0"\\n')
    after_parse = sorted(sys.modules)
    print(json.dumps({"after_claims": after_claims, "after_parse": after_parse}))
    """
)
HEAVY = ("yaml", "xml", "toml_rs", "tomllib", "orjson", "packaging", "defusedxml", "ruamel")


def test_claiming_imports_no_parser_module_and_parsing_imports_only_the_one_needed() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LAZY_PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    parser_modules = set(_parser_modules())
    after_claims = set(probe["after_claims"])
    assert sorted(after_claims & parser_modules) == []
    assert sorted(m for m in after_claims if m.split(".")[0] in HEAVY) == []
    after_parse = set(probe["after_parse"])
    assert sorted(after_parse & parser_modules) == ["runink.inventory.uv_lock"]
