"""The product brief's example, verbatim, as a whole runink.yaml next to an ``artifact:``."""

from __future__ import annotations

from pathlib import Path

from runink.policy import BlockDeploy, Log, Notify, RecipientKind, evaluate, load_policy
from runink.scoring.severity import Severity
from tests.policy.conftest import SEED, PolicyWriter, make_ctx, with_artifact, with_package

SEED_WITH_ARTIFACT = (
    "artifact:\n  name: payments-api\n  kind: image\n  environment: prod\n  team: payments\n" + SEED
)


def test_seed_parses_and_checks_verbatim(write_policy: PolicyWriter) -> None:
    path = write_policy(SEED_WITH_ARTIFACT)
    policy = load_policy([path])
    assert policy.artifact is not None and policy.artifact.environment == "prod"
    (trigger,) = policy.triggers
    assert trigger.when == (
        'cve.score >= 8 AND cve.package = "openssl" AND image.environment = "prod"'
    )
    assert trigger.name == "runink.yaml#1" and not trigger.named
    notify, block, log = trigger.actions
    assert isinstance(notify, Notify)
    assert [(r.kind, r.value) for r in notify.who] == [(RecipientKind.ADDRESS, "security@org.com")]
    assert isinstance(block, BlockDeploy) and block.policy == "require patched version"
    assert isinstance(log, Log) and log.entry == "blocked deploy due to CVE"
    assert (notify.location.line, block.location.line, log.location.line) == (9, 11, 13)


def test_seed_fires_on_openssl_score_9_in_prod_only(write_policy: PolicyWriter) -> None:
    policy = load_policy([write_policy(SEED_WITH_ARTIFACT)])
    assert policy.artifact is not None
    prod = make_ctx(score=9.0, severity=Severity.CRITICAL, artifact=policy.artifact)
    staging = with_artifact(prod, environment="staging")
    lower = make_ctx(score=7.9, artifact=policy.artifact)
    other_package = with_package(prod, name="zlib", purl="pkg:deb/debian/zlib@1.2.13")
    result = evaluate(policy, [prod, staging, lower, other_package])
    fired = [[f.trigger.name for f in o.fired] for o in result.outcomes]
    assert fired == [["runink.yaml#1"], [], [], []]
    assert result.blocked and result.block_reasons == ("require patched version",)
    firing = result.outcomes[0].fired[0]
    assert dict(firing.values) == {
        "cve.score": 9.0,
        "cve.package": "openssl",
        "image.environment": "prod",
    }
    assert [a.name for a in firing.actions] == ["notify", "block_deploy", "log"]


def test_seed_boundary_score_8_fires(write_policy: PolicyWriter) -> None:
    policy = load_policy([write_policy(SEED_WITH_ARTIFACT)])
    assert policy.triggers[0].fires(make_ctx(score=8.0))
    assert not policy.triggers[0].fires(make_ctx(score=None))  # unknown score: no match


def test_seed_alone_without_artifact_section(tmp_path: Path) -> None:
    path = tmp_path / "runink.yaml"
    path.write_text(SEED, encoding="utf-8")
    policy = load_policy([path])
    assert policy.artifact is None and len(policy.triggers) == 1


def test_evaluate_one_gives_the_same_outcome(write_policy: PolicyWriter) -> None:
    from runink.policy import Policy, evaluate_one

    document = load_policy([write_policy(SEED_WITH_ARTIFACT)])
    policy = Policy(document.artifact, document.triggers, document.exceptions)
    outcome = evaluate_one(policy, make_ctx(score=9.1))
    assert [f.trigger.name for f in outcome.fired] == ["runink.yaml#1"]
    assert outcome.blocks[0][1].policy == "require patched version"
