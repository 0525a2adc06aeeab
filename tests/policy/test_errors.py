"""Every kind of policy error, with its exact file:line:column, message and suggestion."""

from __future__ import annotations

import pytest

from runink.errors import ExitCode, InputError, PolicyError
from runink.policy import load_policy_file
from tests.policy.conftest import PolicyWriter, expression_errors


def problems_of(write_policy: PolicyWriter, text: str) -> list[str]:
    path = write_policy(text)
    with pytest.raises(PolicyError) as info:
        load_policy_file(path)
    prefix = f"{path}:"
    return [p.describe().removeprefix(prefix) for p in info.value.problems]


def one_trigger(when: str) -> str:
    return f"trigger:\n  when: {when}\n  then:\n    - action: log\n      entry: x\n"


# --- expression errors, placed on the token in the YAML file ------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (
            "cve.scor >= 8",
            "2:9: trigger.when: unknown field cve.scor; did you mean cve.score?",
        ),
        (
            'cve.severity >= "high" AND img.environment = "prod"',
            "2:36: trigger.when: unknown field img.environment; did you mean image.environment?",
        ),
        ("foo.bar = 1", "2:9: trigger.when: unknown field foo.bar"),
        (
            'severity >= "high"',
            "2:9: trigger.when: unknown field severity; did you mean cve.severity?",
        ),
        (
            "cve.severity >= high",
            '2:25: trigger.when: high is neither a field nor a value: write strings in quotes ("high") and fields with their group (cve.severity)',
        ),
        (
            'artifact.labels = "x"',
            "2:9: trigger.when: artifact.labels needs a key: artifact.labels.KEY",
        ),
        ('cve.score = "x"', '2:21: trigger.when: cve.score is a number; "x" is a string'),
        (
            "cve.kev > 3",
            "2:17: trigger.when: > compares numbers, dates, severities and versions; cve.kev is a bool",
        ),
        ("cve.kev = 1", "2:19: trigger.when: cve.kev is a bool; 1 is a number (use true or false)"),
        (
            "artifact.environment = prod",
            '2:32: trigger.when: prod is neither a field nor a value: write strings in quotes ("prod") and fields with their group (cve.severity)',
        ),
        (
            "artifact.labels.tier = 1",
            '2:32: trigger.when: artifact.labels.tier is a string; 1 is a number; write "1" to compare text',
        ),
        (
            'cve.published > "last year"',
            '2:25: trigger.when: cve.published is a date; "last year" is a string (write dates as YYYY-MM-DD)',
        ),
        (
            'cve.severity >= "hihg"',
            '2:25: trigger.when: "hihg" is not a severity; use one of none, low, medium, high, critical; did you mean "high"?',
        ),
        ("cve.score > 80", "2:21: trigger.when: cve.score is between 0 and 10; 80 is out of range"),
        ("cve.epss >= 50", "2:21: trigger.when: cve.epss is between 0 and 1; 50 is out of range"),
        (
            "cve.score",
            "2:9: trigger.when: cve.score is a number, not a condition: compare it with a value (e.g. cve.score >= 7)",
        ),
        (
            'cve.id MATCHES "CVE-(2024"',
            '2:29: trigger.when: invalid regular expression "CVE-(2024": missing ), unterminated subpattern',
        ),
        (
            'artifact.name LIKE "pay[ment"',
            "2:32: trigger.when: invalid glob \"pay[ment\": '[' opens a character class that is never closed",
        ),
        (
            'cve.score MATCHES "9"',
            "2:19: trigger.when: MATCHES applies to strings, versions and lists of strings; cve.score is a number",
        ),
        (
            'cve.id IN "CVE-1"',
            '2:19: trigger.when: IN needs a list of values: cve.id IN ["CVE-1", …]',
        ),
        (
            'cve.id = ["a", "b"]',
            '2:18: trigger.when: = compares with one value; to test several use cve.id IN ["a", "b"]',
        ),
        ('\'"a" = "b"\'', "2:10: trigger.when: this compares two values: one side must be a field"),
        (
            "'\"x\" IN cve.id'",
            '2:17: trigger.when: cve.id is a string: "value IN field" needs a list field (cve.aliases, cve.cwe); write cve.id IN [...]',
        ),
        (
            "cve.id < cve.score",
            "2:16: trigger.when: cannot compare cve.id (string) with cve.score (number)",
        ),
        ('cve.score IN [1, "2"]', '2:26: trigger.when: cve.score is a number; "2" is a string'),
        ("'\"high\" <= cve.severity'", "1:1: trigger.when: ok"),
    ],
)
def test_expression_error_position_and_message(
    write_policy: PolicyWriter, when: str, expected: str
) -> None:
    if expected.endswith(": ok"):
        load_policy_file(write_policy(one_trigger(when)))  # a value on the left is fine
        return
    assert problems_of(write_policy, one_trigger(when)) == [expected]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cve.score >=", "expr:1:13: expected a field or a value, found the end of the expression"),
        (
            "cve.score >= AND cve.kev",
            "expr:1:14: expected a field or a value, found the keyword AND",
        ),
        ("(cve.kev", "expr:1:9: expected ')', found the end of the expression"),
        ("cve.kev)", "expr:1:8: unmatched ')'"),
        ('cve.id = "CVE', 'expr:1:10: unterminated string: no closing "'),
        (
            "cve.score ~ 1",
            "expr:1:11: expected an operator (= != < <= > >= IN MATCHES LIKE IS), AND or OR, found '~'",
        ),
        (
            "cve.kev cve.kev",
            "expr:1:9: expected an operator (= != < <= > >= IN MATCHES LIKE IS), AND or OR, found 'cve.kev'",
        ),
        ("cve.score = 1 cve.kev", "expr:1:15: expected AND or OR, found 'cve.kev'"),
        ('cve.id IN ["a" "b"]', "expr:1:16: expected ',' or ']', found '\"b\"]'"),
        ("cve.score IS", "expr:1:13: expected MISSING, found the end of the expression"),
        ("cve.id NOT = 1", "expr:1:12: expected IN, MATCHES or LIKE, found '='"),
        ("", "expr:1:1: expected a field or a value, found the end of the expression"),
        ("cve.published > 2026-02-30", "expr:1:17: 2026-02-30 is not a valid date (YYYY-MM-DD)"),
        ("cve.cwe IN [[1]]", "expr:1:13: lists cannot be nested"),
    ],
)
def test_syntax_errors(expression: str, expected: str) -> None:
    assert expression_errors(expression) == [expected]


def test_every_problem_of_an_expression_is_reported_in_order() -> None:
    assert expression_errors('cve.scor > 1 AND cve.kev > 3 OR cve.severity = "urgent"') == [
        "expr:1:1: unknown field cve.scor; did you mean cve.score?",
        "expr:1:26: > compares numbers, dates, severities and versions; cve.kev is a bool",
        'expr:1:48: "urgent" is not a severity; use one of none, low, medium, high, critical',
    ]


# --- the column inside every YAML scalar style ------------------------------------------------


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            'trigger:\n  when: "cve.kev AND cve.scor > 1"\n  then: [{action: log, entry: x}]\n',
            "2:22",
        ),
        (
            "trigger:\n  when: 'cve.kev AND cve.scor > 1'\n  then: [{action: log, entry: x}]\n",
            "2:22",
        ),
        (
            'trigger:\n  when: "cve.kev AND \\"x\\" = cve.scor"\n  then: [{action: log, entry: x}]\n',
            "2:30",
        ),
        (
            "trigger:\n  when: |\n    cve.kev\n    AND cve.scor > 1\n  then: [{action: log, entry: x}]\n",
            "4:9",
        ),
        (
            "trigger:\n  when: >-\n    cve.kev\n      AND cve.scor > 1\n  then: [{action: log, entry: x}]\n",
            "4:11",
        ),
        (
            "trigger:\n  when: cve.kev\n    AND cve.scor > 1\n  then: [{action: log, entry: x}]\n",
            "3:9",
        ),
        (
            "triggers:\n  - {when: cve.kev AND cve.scor > 1, then: [{action: log, entry: x}]}\n",
            "2:24",
        ),
    ],
)
def test_positions_map_through_every_scalar_style(
    write_policy: PolicyWriter, document: str, expected: str
) -> None:
    (problem,) = problems_of(write_policy, document)
    assert problem.startswith(expected + ":") and "unknown field cve.scor" in problem


# --- document structure -----------------------------------------------------------------------


def test_action_errors(write_policy: PolicyWriter) -> None:
    document = """\
triggers:
  - name: a
    when: cve.kev
    then:
      - action: notfy
        who: security@org.com
      - action: block_deploy
      - action: log
        entry: x
        entyr: y
      - action: notify
        who: ["owner", "not an address", "x@y"]
      - action: ticket
        title: t
      - {who: team}
  - name: b
    when: cve.kev
  - name: c
    then: [{action: log, entry: x}]
  - name: d
    when: cve.kev
    then: []
"""
    assert problems_of(write_policy, document) == [
        "5:17: triggers[0].then[0].action: unknown action 'notfy'; did you mean 'notify'?",
        "7:9: triggers[0].then[1]: block_deploy needs 'policy'",
        "10:9: triggers[0].then[2].entyr: unknown parameter 'entyr' for log; did you mean 'entry'?",
        "12:24: triggers[0].then[3].who[1]: 'not an address' is not an email address, 'owner', 'team' or a channel name",
        "12:42: triggers[0].then[3].who[2]: 'x@y' is not an email address, 'owner', 'team' or a channel name",
        "13:9: triggers[0].then[4]: ticket needs 'channel'",
        "15:9: triggers[0].then[5]: missing 'action' (one of notify, block_deploy, log, ticket)",
        "16:5: triggers[1]: a trigger needs 'then' (a list of actions)",
        "18:5: triggers[2]: a trigger needs 'when' (the condition)",
        "22:11: triggers[3].then: needs at least one action",
    ]


def test_unknown_keys_everywhere_with_suggestions(write_policy: PolicyWriter) -> None:
    document = """\
artifact:
  name: api
  enviroment: prod
trigers:
  - when: cve.kev
triggers:
  - when: cve.kev
    than: [{action: log, entry: x}]
"""
    assert problems_of(write_policy, document) == [
        "3:3: artifact.enviroment: unknown key 'enviroment' in artifact; did you mean 'environment'?",
        "4:1: trigers: unknown key 'trigers' in a policy file; did you mean 'triggers'?",
        "7:5: triggers[0]: a trigger needs 'then' (a list of actions)",
        "8:5: triggers[0].than: unknown key 'than' in a trigger; did you mean 'then'?",
    ]


def test_yaml_syntax_error_and_duplicate_key(write_policy: PolicyWriter) -> None:
    assert problems_of(write_policy, "trigger:\n  when: [cve.kev\n") == [
        "3:1: invalid YAML: expected ',' or ']', but got '<stream end>'"
    ]
    assert problems_of(
        write_policy, "trigger:\n  when: cve.kev\n  when: true\n  then: [{action: log, entry: x}]\n"
    ) == ["3:3: invalid YAML: duplicate key: when"]
    assert problems_of(write_policy, "- a\n- b\n") == [
        "1:1: a policy file is a mapping (artifact, triggers, …)"
    ]


def test_duplicate_trigger_names(write_policy: PolicyWriter) -> None:
    document = """\
triggers:
  - {name: crit, when: cve.kev, then: [{action: log, entry: x}]}
  - {name: crit, when: cve.kev, then: [{action: log, entry: y}]}
"""
    path = write_policy(document)
    assert problems_of(write_policy, document) == [
        f"3:5: duplicate trigger name 'crit' (first defined at {path}:2:5)"
    ]


def test_policy_error_carries_every_problem_and_exits_2(write_policy: PolicyWriter) -> None:
    path = write_policy(one_trigger("cve.scor > 1 OR cve.kev > 3"))
    with pytest.raises(PolicyError) as info:
        load_policy_file(path)
    error = info.value
    assert isinstance(error, InputError) and error.exit_code is ExitCode.USAGE
    assert (error.path, error.line, error.column) == (str(path), 2, 9)
    assert error.suggestion == "cve.score"
    assert len(error.problems) == 2 and error.problems[1].column == 33
    assert str(error).splitlines() == [p.describe() for p in error.problems]


def test_missing_file(tmp_path: pytest.TempPathFactory) -> None:
    from pathlib import Path

    missing = Path(str(tmp_path)) / "nope.yaml"
    with pytest.raises(PolicyError, match=r"nope\.yaml: no such file"):
        load_policy_file(missing)


def test_labels_without_the_artifact_prefix_get_a_suggestion() -> None:
    assert expression_errors('labels.tier = "1"') == [
        "expr:1:1: unknown field labels.tier; did you mean artifact.labels.tier?"
    ]


def test_nesting_is_limited_and_long_conjunctions_are_fine() -> None:
    assert expression_errors("NOT " * 150 + "cve.kev") == [
        "expr:1:401: the expression is nested more than 100 levels deep"
    ]
    assert expression_errors("(" * 150 + "cve.kev" + ")" * 150) == [
        "expr:1:101: the expression is nested more than 100 levels deep"
    ]
    from tests.policy.conftest import compile_when, make_ctx

    every = compile_when(" AND ".join(f"cve.score >= {n / 1000}" for n in range(2000)))
    assert every(make_ctx(score=2.0)) is True and every(make_ctx(score=1.9)) is False
    some = compile_when(" OR ".join(f"cve.score = {n / 1000}" for n in range(2000)))
    assert some(make_ctx(score=1.999)) is True and some(make_ctx(score=2.5)) is False
