"""``exception add`` edits runink.yaml safely (comments and layout kept, validated first,
atomic), and ``exception list`` reports each exception's status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from runink.errors import PolicyError
from runink.policy import load_policy_file
from runink.policy.editing import ExceptionRequest, add_exception, list_exceptions
from tests.policy.conftest import TODAY, PolicyWriter

COMMENTED = """\
# Runink policy for payments-api: owned by the payments team.
artifact:
  name: payments-api     # the image name
  environment: prod

triggers:
    - name: critical           # page someone
      when: cve.severity >= "critical"
      then:
        - {action: notify, who: "security@org.com"}

# Accepted risks, reviewed every quarter.
exceptions:
    - vulnerability: GHSA-aaaa-bbbb-cccc
      reason: "not reachable: feature disabled"
      approved_by: ['alice@org.com']
      expires: 2099-01-01   # renew before then

# Trailing notes stay at the end.
"""

REQUEST = ExceptionRequest(
    reason="WAF rule blocks the payload",
    approved_by=("bob@org.com", "carol@org.com"),
    expires=dt.date(2026, 12, 31),
    vulnerability="CVE-2024-1234",
    package="pkg:pypi/django",
    artifact="payments-*",
    environment="prod",
    compensating_controls=("WAF rule 9123",),
    review_every="90d",
)


ADDED = """\
    - vulnerability: CVE-2024-1234
      package: pkg:pypi/django
      artifact: payments-*
      environment: prod
      reason: WAF rule blocks the payload
      compensating_controls: [WAF rule 9123]
      approved_by: [bob@org.com, carol@org.com]
      created: 2026-06-01
      expires: 2026-12-31
      review_every: 90d
"""


def test_add_keeps_every_line_of_the_file_and_appends_to_the_list(
    write_policy: PolicyWriter,
) -> None:
    path = write_policy(COMMENTED)
    added = add_exception(path, REQUEST, today=TODAY)
    last_entry_line = "      expires: 2099-01-01   # renew before then\n"
    before, after = COMMENTED.split(last_entry_line)
    assert path.read_text() == before + last_entry_line + ADDED + after
    document = load_policy_file(path)
    assert [e.name for e in document.exceptions] == [
        "GHSA-aaaa-bbbb-cccc",
        "CVE-2024-1234 pkg:pypi/django in payments-* [prod]",
    ]
    assert added.name == document.exceptions[1].name
    assert added.created == TODAY and added.review_every == 90
    assert not list(path.parent.glob(".runink.yaml.*"))  # no temporary file left behind


def test_add_creates_the_section_and_the_file(repo: Path, write_policy: PolicyWriter) -> None:
    path = write_policy(
        "artifact:\n  name: api\ntriggers:\n  - when: cve.kev\n    then: [{action: log, entry: k}]\n"
    )
    add_exception(path, REQUEST, today=TODAY)
    text = path.read_text()
    assert text.startswith("artifact:\n  name: api\ntriggers:\n  - when: cve.kev\n")
    assert "\nexceptions:\n  - vulnerability: CVE-2024-1234\n" in text
    assert len(load_policy_file(path).exceptions) == 1

    fresh = repo / "new" / "runink.yaml"
    fresh.parent.mkdir()
    add_exception(fresh, REQUEST, today=TODAY)
    assert len(load_policy_file(fresh).exceptions) == 1


def test_words_yaml_1_1_would_misread_are_quoted(write_policy: PolicyWriter) -> None:
    path = write_policy("exceptions: []\n")
    request = ExceptionRequest(
        reason="no", approved_by=("on",), expires=dt.date(2099, 1, 1), vulnerability="CVE-1"
    )
    add_exception(path, request, today=TODAY)
    assert 'reason: "no"' in path.read_text() and '"on"' in path.read_text()
    (exc,) = load_policy_file(path).exceptions
    assert (exc.reason, exc.approved_by) == ("no", ("on",))


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            ExceptionRequest(
                reason="r",
                approved_by=("a@org.com",),
                expires=dt.date(2026, 5, 31),
                vulnerability="CVE-1",
            ),
            "new exception: expires 2026-05-31 is in the past (today is 2026-06-01)",
        ),
        (
            ExceptionRequest(
                reason="r",
                approved_by=("a@org.com",),
                expires=dt.date(2099, 1, 1),
                vulnerability="CVE-1",
                package="django",
            ),
            "new exception.package: 'django' is not a package URL (it starts with pkg:, e.g. pkg:pypi/django)",
        ),
        (
            ExceptionRequest(
                reason=" ",
                approved_by=("a@org.com",),
                expires=dt.date(2099, 1, 1),
                vulnerability="CVE-1",
            ),
            "new exception.reason: must be a non-empty text",
        ),
        (
            ExceptionRequest(
                reason="r",
                approved_by=("a@org.com",),
                expires=dt.date(2099, 1, 1),
                vulnerability="GHSA-aaaa-bbbb-cccc",
            ),
            "duplicate exception name 'GHSA-aaaa-bbbb-cccc'",
        ),
    ],
)
def test_invalid_additions_leave_the_file_untouched(
    write_policy: PolicyWriter, request_: ExceptionRequest, message: str
) -> None:
    path = write_policy(COMMENTED)
    with pytest.raises(PolicyError) as info:
        add_exception(path, request_, today=TODAY)
    assert message in str(info.value)
    assert path.read_text() == COMMENTED


def test_an_invalid_file_is_not_edited(write_policy: PolicyWriter) -> None:
    broken = "trigger: {when: cve.scor > 1, then: [{action: log, entry: x}]}\n"
    path = write_policy(broken)
    with pytest.raises(PolicyError, match=r"unknown field cve\.scor"):
        add_exception(path, REQUEST, today=TODAY)
    assert path.read_text() == broken


def test_list_reports_status(write_policy: PolicyWriter) -> None:
    path = write_policy(
        "exceptions:\n"
        "  - {vulnerability: CVE-1, reason: r, approved_by: a@org.com, expires: 2026-12-31}\n"
        "  - {vulnerability: CVE-2, reason: r, approved_by: a@org.com, expires: 2026-05-01}\n"
        "  - {vulnerability: CVE-3, reason: r, approved_by: a@org.com, expires: 2026-12-31,\n"
        "     created: 2026-01-01, review_every: 30d}\n"
    )
    statuses = list_exceptions([path], today=TODAY)
    assert [(s.exception.name, s.status, s.days_left) for s in statuses] == [
        ("CVE-1", "active", 213),
        ("CVE-2", "expired", -31),
        ("CVE-3", "review overdue", 213),
    ]
    assert statuses[2].as_dict()["next_review"] == "2026-01-31"


@pytest.mark.parametrize(
    ("empty", "after"),
    [
        ("exceptions: []  # none yet", "exceptions:  # none yet"),
        ("exceptions:", "exceptions:"),
        ("exceptions: ~", "exceptions:"),
    ],
)
def test_an_empty_section_becomes_a_block_list(
    write_policy: PolicyWriter, empty: str, after: str
) -> None:
    head = "# header comment\nartifact:\n  name: api  # image\n"
    tail = "# footer\ntriggers:\n  - when: cve.kev\n    then: [{action: log, entry: k}]\n"
    path = write_policy(head + empty + "\n" + tail)
    add_exception(path, REQUEST, today=TODAY)
    # items take the layout of the file's other lists: "  - " and 4 spaces inside
    item = "".join("  " + row[4:] + "\n" for row in ADDED.splitlines())
    assert path.read_text() == head + after + "\n" + item + tail


def test_a_non_empty_flow_list_is_reemitted_with_comments_kept(write_policy: PolicyWriter) -> None:
    original = (
        "# header comment\n"
        "artifact:\n"
        "  name: api  # image\n"
        "exceptions: [{vulnerability: CVE-1, reason: r, approved_by: a@org.com, expires: 2099-01-01}]\n"
        "# footer\n"
    )
    path = write_policy(original)
    add_exception(path, REQUEST, today=TODAY)
    text = path.read_text()
    assert text.startswith("# header comment\nartifact:\n  name: api  # image\n")
    assert text.endswith("# footer\n")
    assert [e.vulnerability for e in load_policy_file(path).exceptions] == [
        "CVE-1",
        "CVE-2024-1234",
    ]
