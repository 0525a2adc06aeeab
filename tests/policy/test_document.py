"""runink.yaml documents: the artifact section, trigger forms and names, actions, merging."""

from __future__ import annotations

from pathlib import Path

import pytest

from runink.errors import PolicyError
from runink.policy import (
    Notify,
    RecipientKind,
    Ticket,
    find_repo_policy,
    load_policy,
    load_policy_file,
    parse_policy_text,
)
from tests.policy.conftest import PolicyWriter

FULL = """\
# The DESIGN.md example
artifact: {name: payments-api, kind: image, environment: prod, team: payments,
           owners: [payments-oncall@org.com], labels: {tier: "1", pci: yes},
           maintainer_email: lead@org.com, team_label: team/payments}
triggers:
  - name: critical-openssl-prod
    description: OpenSSL is internet-facing here
    when: cve.score >= 8 AND cve.package = "openssl" AND image.environment = "prod"
    then:
      - {action: notify, who: "security@org.com"}
      - {action: block_deploy, policy: "require patched version"}
      - {action: log, entry: "blocked deploy due to CVE"}
  - when: cve.kev
    then:
      - action: notify
        who: [owner, team, slack-security, "secops@org.com"]
      - action: ticket
        channel: jira
        title: Known exploited vulnerability
        labels: [security, kev]
exceptions:
  - {vulnerability: GHSA-xxxx-xxxx-xxxx, package: "pkg:pypi/django", artifact: "payments-*",
     reason: "not reachable", compensating_controls: ["WAF rule 9123"],
     approved_by: [alice@org.com], expires: 2026-12-31}
"""


def test_full_document(write_policy: PolicyWriter) -> None:
    document = load_policy_file(write_policy(FULL))
    artifact = document.artifact
    assert artifact is not None
    assert (artifact.name, artifact.kind, artifact.environment, artifact.team) == (
        "payments-api",
        "image",
        "prod",
        "payments",
    )
    assert artifact.owners == ("payments-oncall@org.com",)
    assert dict(artifact.labels) == {"tier": "1", "pci": "yes"}
    assert (artifact.maintainer_email, artifact.team_label) == ("lead@org.com", "team/payments")
    first, second = document.triggers
    assert (first.name, first.named, first.description) == (
        "critical-openssl-prod",
        True,
        "OpenSSL is internet-facing here",
    )
    assert (second.name, second.named) == ("runink.yaml#2", False)
    notify, ticket = second.actions
    assert isinstance(notify, Notify) and isinstance(ticket, Ticket)
    assert [r.kind for r in notify.who] == [
        RecipientKind.OWNER,
        RecipientKind.TEAM,
        RecipientKind.CHANNEL,
        RecipientKind.ADDRESS,
    ]
    assert ticket.params() == {
        "channel": "jira",
        "title": "Known exploited vulnerability",
        "labels": ["security", "kev"],
    }
    (exception,) = document.exceptions
    assert exception.compensating_controls == ("WAF rule 9123",)


def test_single_trigger_and_list_together_are_numbered_in_order(
    write_policy: PolicyWriter,
) -> None:
    text = (
        "trigger: {when: cve.kev, then: [{action: log, entry: a}]}\n"
        "triggers:\n  - {when: cve.kev, then: [{action: log, entry: b}]}\n"
    )
    document = load_policy_file(write_policy(text))
    assert [t.name for t in document.triggers] == ["runink.yaml#1", "runink.yaml#2"]


def test_empty_file_is_an_empty_policy(write_policy: PolicyWriter) -> None:
    document = load_policy_file(write_policy("# nothing yet\n"))
    assert (document.artifact, document.triggers, document.exceptions) == (None, (), ())


def test_when_true_fires_on_everything(write_policy: PolicyWriter) -> None:
    from tests.policy.conftest import make_ctx

    document = load_policy_file(
        write_policy("trigger: {when: true, then: [{action: log, entry: all}]}\n")
    )
    assert document.triggers[0].fires(make_ctx())


def test_merging_files(repo: Path) -> None:
    (repo / "runink.yaml").write_text(
        "artifact: {name: api, environment: prod, owners: [a@org.com], labels: {tier: '1'}}\n"
        "triggers: [{name: local, when: cve.kev, then: [{action: log, entry: a}]}]\n"
    )
    (repo / "org.yaml").write_text(
        "artifact: {team: payments, owners: [b@org.com, a@org.com], labels: {pci: 'yes'}}\n"
        "triggers: [{name: org-wide, when: 'cve.severity >= \"critical\"', "
        "then: [{action: block_deploy, policy: no criticals}]}]\n"
        "exceptions: [{vulnerability: CVE-1, reason: r, approved_by: x@org.com, expires: 2099-01-01}]\n"
    )
    policy = load_policy([repo / "runink.yaml", repo / "org.yaml"])
    assert [t.name for t in policy.triggers] == ["local", "org-wide"]
    assert policy.artifact is not None
    assert (policy.artifact.name, policy.artifact.team) == ("api", "payments")
    assert policy.artifact.owners == ("a@org.com", "b@org.com")
    assert dict(policy.artifact.labels) == {"tier": "1", "pci": "yes"}
    assert len(policy.exceptions) == 1
    assert policy.sources == (str(repo / "runink.yaml"), str(repo / "org.yaml"))


def test_merge_conflicts_and_duplicate_names_across_files(repo: Path) -> None:
    a, b = repo / "a.yaml", repo / "b.yaml"
    a.write_text(
        "artifact: {environment: prod, labels: {tier: '1'}}\n"
        "triggers: [{name: t, when: cve.kev, then: [{action: log, entry: a}]}]\n"
    )
    b.write_text(
        "artifact: {environment: staging, labels: {tier: '2'}}\n"
        "triggers: [{name: t, when: cve.kev, then: [{action: log, entry: b}]}]\n"
    )
    with pytest.raises(PolicyError) as info:
        load_policy([a, b])
    assert [p.describe() for p in info.value.problems] == [
        f"{b}:1:25: artifact.environment: 'staging' conflicts with 'prod' set at {a}:1:25",
        f"{b}:1:49: artifact.labels.tier: '2' conflicts with '1' set at {a}:1:46",
        f"{b}:2:12: duplicate trigger name 't' (first defined at {a}:2:12)",
    ]


def test_problems_in_several_files_are_all_reported(repo: Path) -> None:
    a, b = repo / "a.yaml", repo / "b.yaml"
    a.write_text("trigger: {when: cve.scor > 1, then: [{action: log, entry: a}]}\n")
    b.write_text("trigger: {when: cve.kev, then: [{action: lgo, entry: a}]}\n")
    with pytest.raises(PolicyError) as info:
        load_policy([b, a])
    assert [p.describe() for p in info.value.problems] == [
        f"{b}:1:42: trigger.then[0].action: unknown action 'lgo'; did you mean 'log'?",
        f"{a}:1:17: trigger.when: unknown field cve.scor; did you mean cve.score?",
    ]


def test_artifact_validation(write_policy: PolicyWriter) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy_file(
            write_policy("artifact: {name: [x], maintainer_email: nobody, labels: [a]}\n")
        )
    assert [p.message for p in info.value.problems] == [
        "artifact.name: must be a text",
        "artifact.maintainer_email: 'nobody' is not an email address",
        "artifact.labels: must be a mapping of label names to values",
    ]


def test_parse_policy_text_names_the_given_path() -> None:
    with pytest.raises(PolicyError, match=r"^ci/policy.yaml:1:17: trigger.when: unknown field"):
        parse_policy_text(
            "trigger: {when: nope.x = 1, then: [{action: log, entry: a}]}", "ci/policy.yaml"
        )


def test_find_repo_policy(repo: Path) -> None:
    assert find_repo_policy(repo) is None
    (repo / "runink.yml").write_text("")
    assert find_repo_policy(repo) == repo / "runink.yml"
    (repo / "runink.yaml").write_text("")
    assert find_repo_policy(repo) == repo / "runink.yaml"
    assert find_repo_policy(repo / "requirements.txt") == repo / "runink.yaml"


def test_check_channels_against_the_configured_ones(write_policy: PolicyWriter) -> None:
    from runink.policy import Policy, check_channels

    document = load_policy_file(write_policy(FULL))
    policy = Policy(document.artifact, document.triggers, document.exceptions)
    path = document.path
    assert [f"{p.location}: {p.message}" for p in check_channels(policy, ["slack-security"])] == [
        f"{path}:17:9: trigger 'runink.yaml#2': ticket: no channel named 'jira' (channels: slack-security)"
    ]
    problems = check_channels(policy, ["slack-securty", "jira"])
    assert [(p.message, p.suggestion) for p in problems] == [
        (
            "trigger 'runink.yaml#2': notify: no channel named 'slack-security'; did you mean 'slack-securty'?",
            "slack-securty",
        )
    ]
    assert check_channels(policy, ["slack-security", "jira"]) == []
