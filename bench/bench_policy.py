"""Policy evaluation: 20 varied triggers over 100,000 findings (target: >= 100,000 evaluations/s).

Findings are built from real data when ../shared/data is present: the packages of every
lockfile under ``real-lockfiles/`` (read with Runink's own parsers) and the vulnerability ids,
CWEs and dates of the CISA KEV catalog; scores, EPSS and artifacts are drawn with a fixed
seed. Without the shared data the packages and ids are synthetic (the rates are comparable:
evaluation cost does not depend on the names).

It prints:

* the time to parse, check and compile the 20 triggers (once per policy load);
* compiled-predicate evaluations/s (20 triggers x 100,000 findings = 2,000,000 evaluations);
* a full ``evaluate()`` pass with 20 exceptions (18 by vulnerability, half of them expired;
  2 package globs checked against every finding),
  in findings/s and trigger evaluations/s;
* the audit values ("fired, with the evaluated values") of every firing, computed on demand.

Run: ``.venv/bin/python bench/bench_policy.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _shared import SHARED, line  # noqa: E402
from runink.policy import (  # noqa: E402
    ArtifactFacts,
    EvaluationContext,
    PackageFacts,
    Policy,
    VulnerabilityFacts,
    evaluate,
    parse_policy_text,
)
from runink.scoring.severity import Severity  # noqa: E402

FINDINGS = 100_000
TODAY = dt.date(2026, 6, 1)

POLICY = """\
triggers:
  - {name: seed, when: 'cve.score >= 8 AND cve.package = "openssl" AND image.environment = "prod"',
     then: [{action: notify, who: "security@org.com"}, {action: block_deploy, policy: "require patched version"}, {action: log, entry: "blocked deploy due to CVE"}]}
  - {name: critical-prod, when: 'cve.severity >= "critical" AND artifact.environment = "prod"', then: [{action: block_deploy, policy: critical}]}
  - {name: kev, when: cve.kev, then: [{action: notify, who: owner}]}
  - {name: kev-or-epss, when: 'cve.kev OR cve.epss >= 0.5', then: [{action: notify, who: team}]}
  - {name: epss-top, when: 'cve.epss_percentile > 0.95 AND cve.fix_available', then: [{action: log, entry: x}]}
  - {name: old-high, when: 'cve.age_days > 365 AND cve.severity >= "high"', then: [{action: log, entry: x}]}
  - {name: recent, when: 'cve.published >= 2025-01-01', then: [{action: log, entry: x}]}
  - {name: crypto-libs, when: 'package.name IN ["openssl", "cryptography", "pyopenssl", "ring", "rustls", "golang.org/x/crypto", "node-forge"]', then: [{action: log, entry: x}]}
  - {name: injection, when: 'cve.cwe IN ["CWE-77", "CWE-78", "CWE-89", "CWE-94"]', then: [{action: ticket, channel: jira}]}
  - {name: rce-words, when: 'cve.id MATCHES "^CVE-202[45]-"', then: [{action: log, entry: x}]}
  - {name: babel, when: 'package.purl LIKE "pkg:npm/@babel/*"', then: [{action: log, entry: x}]}
  - {name: direct-runtime, when: 'package.direct AND package.scope != "dev" AND cve.score >= 7', then: [{action: log, entry: x}]}
  - {name: not-dev, when: 'NOT (artifact.environment IN ["dev", "test"]) AND cve.severity = "medium"', then: [{action: log, entry: x}]}
  - {name: team-payments, when: 'team.name = "payments" AND cve.score >= 6', then: [{action: notify, who: team}]}
  - {name: tier1, when: 'artifact.labels.tier = "1" AND cve.severity >= "high"', then: [{action: block_deploy, policy: tier1}]}
  - {name: unknown-severity, when: 'cve.severity IS MISSING AND cve.kev', then: [{action: log, entry: x}]}
  - {name: alias-ghsa, when: '"GHSA-xxxx-yyyy-zzzz" IN cve.aliases OR cve.aliases LIKE "GHSA-*"', then: [{action: log, entry: x}]}
  - {name: pypi-old-django, when: 'package.ecosystem = "PyPI" AND package.name = "django" AND package.version < "4.2"', then: [{action: log, entry: x}]}
  - {name: fixable-critical, when: 'cve.score >= 9 AND package.fixed_version IS NOT MISSING', then: [{action: log, entry: x}]}
  - {name: images, when: 'image.kind = "image" AND service.name LIKE "pay*" AND (cve.score > 7.5 OR cve.epss > 0.2)', then: [{action: log, entry: x}]}
"""


def exceptions_for(ids: list[str]) -> str:
    """18 exceptions on vulnerabilities that occur (half of them expired) and two package-only
    ones that every finding has to be checked against."""
    lines = ["exceptions:\n"]
    for n, vuln_id in enumerate(ids[:18]):
        expires = "2026-01-01" if n % 2 else "2099-01-01"
        lines.append(
            f"  - {{vulnerability: {vuln_id}, reason: r, approved_by: a@org.com, "
            f"expires: {expires}}}\n"
        )
    for purl in ("pkg:npm/@babel/*", "pkg:pypi/django"):
        lines.append(
            f'  - {{package: "{purl}", reason: r, approved_by: a@org.com, expires: 2099-01-01}}\n'
        )
    return "".join(lines)


def real_packages() -> list[PackageFacts] | None:
    root = SHARED / "real-lockfiles"
    if not root.is_dir():
        return None
    from runink.inventory.discovery import discover
    from runink.inventory.registry import all_parsers

    inventory = discover(root, all_parsers())
    return [
        PackageFacts(
            name=c.name,
            version=c.version,
            ecosystem=c.ecosystem,
            purl=c.purl,
            direct=c.direct,
            scope=c.scope,
            source=c.source,
            line=c.line,
        )
        for c in inventory.components
    ]


def real_vulnerabilities() -> list[tuple[str, tuple[str, ...], dt.date | None]] | None:
    path = SHARED / "kev" / "known_exploited_vulnerabilities.json"
    if not path.is_file():
        return None
    catalog = json.loads(path.read_text(encoding="utf-8"))
    return [
        (v["cveID"], tuple(v.get("cwes") or ()), dt.date.fromisoformat(v["dateAdded"]))
        for v in catalog["vulnerabilities"]
    ]


def synthetic_packages(rng: random.Random) -> list[PackageFacts]:
    names = ["openssl", "django", "requests", "lodash", "@babel/core", "serde", "rails", "zlib"]
    out = []
    for i in range(5000):
        name = rng.choice(names) if i % 3 == 0 else f"pkg-{i}"
        out.append(PackageFacts(name, f"{i % 7}.{i % 13}.{i % 5}", "PyPI", f"pkg:pypi/{name}"))
    return out


def build_contexts() -> tuple[list[EvaluationContext], str]:
    rng = random.Random(4)
    packages = real_packages()
    vulns = real_vulnerabilities()
    source = "real packages (real-lockfiles) and KEV ids"
    if packages is None or vulns is None:
        print(f"  note: shared data not found at {SHARED}; using synthetic findings")
        packages = synthetic_packages(rng)
        vulns = [(f"CVE-2024-{n}", ("CWE-79",), dt.date(2024, 1, 1)) for n in range(2000)]
        source = "synthetic packages and ids"
    artifacts = [
        ArtifactFacts(
            name=f"{prefix}-{n}",
            kind=rng.choice(["image", "service", "repo"]),
            environment=rng.choice(["prod", "staging", "dev", "test"]),
            team=rng.choice(["payments", "search", "platform"]),
            labels={"tier": rng.choice(["1", "2", "3"])},
        )
        for n, prefix in enumerate(["payments", "search", "billing", "auth", "edge"] * 4)
    ]
    severities = [None, *Severity]
    contexts = []
    for _ in range(FINDINGS):
        vuln_id, cwes, published = rng.choice(vulns)
        score = None if rng.random() < 0.05 else round(rng.uniform(0, 10), 1)
        package = rng.choice(packages)
        if rng.random() < 0.3:
            package = PackageFacts(
                package.name,
                package.version,
                package.ecosystem,
                package.purl,
                package.direct,
                package.scope,
                fixed_version=package.version + ".1",
            )
        contexts.append(
            EvaluationContext(
                VulnerabilityFacts(
                    id=vuln_id,
                    aliases=(f"GHSA-{rng.randrange(10**4):04d}-aaaa-bbbb",),
                    score=score,
                    severity=rng.choice(severities),
                    epss=rng.random(),
                    epss_percentile=rng.random(),
                    kev=rng.random() < 0.1,
                    published=published,
                    fix_available=rng.random() < 0.7,
                    cwe=cwes,
                ),
                package,
                rng.choice(artifacts),
                TODAY,
            )
        )
    return contexts, source


def main() -> None:
    print(f"policy: 20 triggers over {FINDINGS:,} findings")
    t0 = time.perf_counter()
    contexts, source = build_contexts()
    line("findings built from", f"{source} ({time.perf_counter() - t0:.1f} s)")
    ids = list(dict.fromkeys(c.vulnerability.id for c in contexts))
    t0 = time.perf_counter()
    document = parse_policy_text(POLICY + exceptions_for(ids), "bench.yaml")
    compile_s = time.perf_counter() - t0
    policy = Policy(None, document.triggers, document.exceptions)
    assert len(policy.triggers) == 20 and len(policy.exceptions) == 20
    line("parse + check + compile 20 triggers, 20 exceptions", f"{compile_s * 1000:.1f} ms")

    predicates = [t.expression.predicate for t in policy.triggers]
    best = float("inf")
    fired = 0
    for _ in range(3):
        t0 = time.perf_counter()
        fired = 0
        for predicate in predicates:
            fired += sum(map(predicate, contexts))
        best = min(best, time.perf_counter() - t0)
    evaluations = len(predicates) * len(contexts)
    line("compiled predicates: evaluations", f"{evaluations:,} ({fired:,} fired)")
    line("compiled predicates: evaluations/s", f"{evaluations / best:,.0f}")

    full = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        result = evaluate(policy, contexts)
        full = min(full, time.perf_counter() - t0)
    firings = [f for o in result.outcomes for f in o.fired]
    line("evaluate(): findings/s (exceptions applied)", f"{len(contexts) / full:,.0f}")
    line("evaluate(): trigger evaluations/s", f"{evaluations / full:,.0f}")
    suppressed = sum(1 for o in result.outcomes if o.suppressed_by is not None)
    expired = sum(1 for o in result.outcomes if o.expired)
    line(
        "evaluate(): firings, suppressed, expired-covered",
        f"{len(firings):,}, {suppressed:,}, {expired:,}",
    )
    t0 = time.perf_counter()
    for firing in firings:
        firing.values  # noqa: B018 - the audit values, computed on demand
    line(
        "audit values of every firing: firings/s",
        f"{len(firings) / (time.perf_counter() - t0):,.0f}",
    )
    target = 100_000
    verdict = "meets" if evaluations / full >= target else "BELOW"
    line("target >= 100,000 evaluations/s", verdict)


if __name__ == "__main__":
    main()
