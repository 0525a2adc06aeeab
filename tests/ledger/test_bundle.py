"""Audit bundles: export, offline verification, tampered bundles, and anchors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runink.ledger import kinds
from runink.ledger.bundle import Selection, build_bundle, verify_bundle
from runink.ledger.checkpoint import sign_checkpoint
from runink.ledger.entry import EntryInput, Subject
from runink.ledger.keys import generate_key_file, load_public_key_file, load_signing_key
from runink.ledger.ledger import Ledger
from runink.ledger.store import snapshot

from .conftest import Attacker, Run, finding

Runner = Callable[..., Run]


@pytest.fixture
def history(ledger: Ledger) -> Ledger:
    """Two artifacts from two repositories, over three scans, plus an exception."""
    for scan in range(3):
        ledger.append(
            [finding(scan * 10 + i, artifact="payments-api", repo="org/payments") for i in range(4)]
            + [finding(scan * 10 + i, artifact="web", repo="org/web") for i in range(3)]
        )
    ledger.append(
        [
            EntryInput(
                actor="user:alice@example.com",
                kind=kinds.EXCEPTION_CREATED,
                subject=Subject(artifact="payments-api", vulnerability="CVE-2024-1001"),
                payload={
                    "reason": "not reachable",
                    "approved_by": ["alice"],
                    "expires": "2027-01-31",
                },
            )
        ]
    )
    return ledger


def export(runink: Runner, tmp_path: Path, *args: str) -> tuple[Run, Path]:
    out = tmp_path / "bundle.json"
    return runink("ledger", "export", *args, "--out", str(out)), out


def test_export_then_verify_offline(history: Ledger, runink: Runner, tmp_path: Path) -> None:
    result, path = export(runink, tmp_path, "--artifact", "payments-api")
    assert result.code == 0, result.stderr
    bundle = json.loads(path.read_text())
    assert bundle["format"] == "runink-ledger-bundle/v1"
    assert "docs/ledger-format.md" in bundle["about"]
    assert [e["seq"] for e in bundle["entries"]] == [1, 2, 3, 4, 8, 9, 10, 11, 15, 16, 17, 18, 22]
    assert bundle["checkpoint"]["tree_size"] == 22
    assert bundle["public_key"]["key_id"] == history.signing_key().key_id
    assert all(e["subject"]["artifact"] == "payments-api" for e in bundle["entries"])
    # Offline: no RUNINK_HOME, no database, no key.
    result = runink(
        "ledger", "verify-bundle", str(path), env={"RUNINK_HOME": str(tmp_path / "none")}
    )
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout.startswith(
        "bundle verified: 13 entries (artifact payments-api) in the ledger of 22 entries"
    )
    assert not (tmp_path / "none").exists()


def test_export_by_repo_since_a_date(history: Ledger, runink: Runner, tmp_path: Path) -> None:
    result, path = export(runink, tmp_path, "--repo", "org/web", "--since", "2000-01-01")
    assert result.code == 0, result.stderr
    bundle = json.loads(path.read_text())
    assert [e["seq"] for e in bundle["entries"]] == [5, 6, 7, 12, 13, 14, 19, 20, 21]
    assert bundle["selection"] == {
        "artifact": None,
        "repo": "org/web",
        "since": "2000-01-01T00:00:00.000000Z",
    }
    result, _ = export(runink, tmp_path, "--repo", "org/web", "--since", "2999-01-01")
    assert result.code == 2 and "no entries for repo org/web, since 2999-01-01" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give exactly one of --artifact NAME or --repo NAME"),
        (("--artifact", "a", "--repo", "b"), "give exactly one of --artifact NAME or --repo NAME"),
        (("--artifact", "nothing-here"), "no entries for artifact nothing-here"),
        (("--artifact", "web", "--since", "last week"), "--since: 'last week' is not a date"),
    ],
)
def test_export_usage_errors_exit_2(
    history: Ledger, runink: Runner, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result, path = export(runink, tmp_path, *args)
    assert result.code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not path.exists()


def test_verify_bundle_with_pinned_key(history: Ledger, runink: Runner, tmp_path: Path) -> None:
    _, path = export(runink, tmp_path, "--artifact", "web")
    (tmp_path / "ledger.pub").write_text(history.signing_key().public.pem())
    result = runink(
        "ledger", "verify-bundle", str(path), "--public-key", str(tmp_path / "ledger.pub")
    )
    assert result.code == 0 and "the pinned key" in result.stdout


def _bundle(history: Ledger, artifact: str = "payments-api") -> dict[str, Any]:
    with snapshot(history.engine) as conn:
        return build_bundle(conn, Selection(artifact=artifact))


def _write(tmp_path: Path, bundle: dict[str, Any]) -> Path:
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(bundle))
    return path


def test_bundle_with_an_edited_payload_fails(
    history: Ledger, tmp_path: Path, runink: Runner
) -> None:
    bundle = _bundle(history)
    bundle["entries"][4]["payload"]["severity"] = "low"
    path = _write(tmp_path, bundle)
    report = verify_bundle(path)
    assert report.problems == ("entry 8: edited: its content does not match its hash",)
    result = runink("ledger", "verify-bundle", str(path))
    assert result.code == 1
    assert "bundle FAILED" in result.stdout and "entry 8: edited" in result.stdout


def test_bundle_with_recomputed_entry_hash_fails_its_proof(history: Ledger, tmp_path: Path) -> None:
    from runink.ledger.canonical import canonical_json
    from runink.ledger.entry import entry_hash

    bundle = _bundle(history)
    e = bundle["entries"][2]
    e["actor"] = "user:mallory"
    e["entry_hash"] = entry_hash(
        seq=e["seq"], prev_hash=e["prev_hash"], recorded_at=e["recorded_at"], actor=e["actor"],
        kind=e["kind"], subject=Subject(**e["subject"]), payload=canonical_json(e["payload"]),
    )  # fmt: skip
    report = verify_bundle(_write(tmp_path, bundle))
    assert "entry 3: its inclusion proof does not lead to the signed root" in report.problems[0]
    assert "entry 4: does not link to entry 3 before it" in report.problems


def test_bundle_with_an_altered_proof_or_signature_fails(history: Ledger, tmp_path: Path) -> None:
    bundle = _bundle(history)
    bundle["entries"][0]["inclusion_proof"][1] = "00" * 32
    sig = bundle["checkpoint"]["signature"]
    bundle["checkpoint"]["signature"] = ("1" if sig[0] == "0" else "0") + sig[1:]
    problems = verify_bundle(_write(tmp_path, bundle)).problems
    assert problems[0].startswith("checkpoint: the signature over tree size 22 does not verify")
    assert problems[1].startswith("entry 1: its inclusion proof does not lead to the signed root")


def test_bundle_resigned_with_another_key_fails_only_against_the_pinned_key(
    history: Ledger, tmp_path: Path
) -> None:
    pinned = history.signing_key().public
    bundle = _bundle(history)
    bundle["entries"].pop()  # drop the exception entry, then cover the tracks
    generate_key_file(tmp_path / "mallory.key")
    mallory = load_signing_key(tmp_path / "mallory.key")
    cp = bundle["checkpoint"]
    forged = sign_checkpoint(mallory, cp["tree_size"], cp["root_hash"], cp["signed_at"])
    bundle["checkpoint"] = forged.as_dict()
    bundle["public_key"] = {
        "algorithm": "Ed25519",
        "key_id": mallory.key_id,
        "public_key": mallory.public.hex,
    }
    path = _write(tmp_path, bundle)
    assert verify_bundle(path).ok  # self-consistent...
    (tmp_path / "ledger.pub").write_text(pinned.pem())
    report = verify_bundle(path, [load_public_key_file(tmp_path / "ledger.pub")])
    assert report.problems == (
        f"public_key: the bundle is signed by key {mallory.key_id}, not by the key you trust "
        f"({pinned.key_id})",
    )


def test_bundle_entry_outside_its_selection_fails(history: Ledger, tmp_path: Path) -> None:
    web = _bundle(history, "web")
    bundle = _bundle(history)
    bundle["entries"].append(web["entries"][-1])
    bundle["entries"].sort(key=lambda e: e["seq"])
    problems = verify_bundle(_write(tmp_path, bundle)).problems
    assert problems == ("entry 21: not about artifact payments-api",)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b.pop("checkpoint"), "checkpoint: must be an object"),
        (lambda b: b.update(format="x"), "format: expected 'runink-ledger-bundle/v1'"),
        (
            lambda b: b["entries"][0].update(seq="1"),
            r"entries\[0\].seq: must be a non-negative 64-bit integer",
        ),
        (
            lambda b: b["entries"][0].update(seq=2**64),
            r"entries\[0\].seq: must be a non-negative 64-bit integer",
        ),
        (
            lambda b: b["entries"][1]["inclusion_proof"].append("zz"),
            r"entries\[1\].inclusion_proof\[\d+\]: must be hex",
        ),
        (
            lambda b: b["public_key"].update(public_key="ab"),
            "public_key.public_key: must be 32 bytes",
        ),
    ],
)
def test_malformed_bundle_is_an_input_error(
    history: Ledger, tmp_path: Path, mutate: Callable[[dict[str, Any]], object], message: str
) -> None:
    from runink.errors import InputError

    bundle = _bundle(history)
    mutate(bundle)
    with pytest.raises(InputError, match=message):
        verify_bundle(_write(tmp_path, bundle))


def test_verify_bundle_cli_on_garbage_exits_2(runink: Runner, tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("{not json")
    result = runink("ledger", "verify-bundle", str(tmp_path / "b.json"))
    assert result.code == 2
    assert (
        result.stderr.strip()
        == f"runink: error: {tmp_path / 'b.json'}:1:2: not JSON: Expecting property name enclosed in double quotes"
    )


def test_export_refuses_a_tampered_ledger(
    history: Ledger, attacker: Attacker, runink: Runner, tmp_path: Path
) -> None:
    attacker.drop_triggers()
    attacker.sql("UPDATE ledger_entries SET payload = '{}' WHERE seq = 9")
    result, path = export(runink, tmp_path, "--artifact", "payments-api")
    assert result.code == 1
    assert "entry 9 does not match its hash; run `runink ledger verify`" in result.stderr
    assert not path.exists()


def test_anchor_detects_a_rewrite_by_the_key_holder(
    history: Ledger, attacker: Attacker, runink: Runner, tmp_path: Path
) -> None:
    anchor = tmp_path / "anchor.json"
    result = runink("ledger", "checkpoint", "--out", str(anchor))
    assert result.code == 0, result.stderr
    assert json.loads(anchor.read_text())["checkpoint"]["tree_size"] == 22
    assert runink("ledger", "verify", "--anchor", str(anchor)).code == 0
    history.append([finding(99)])  # the ledger grows: the anchor still holds
    ok = runink("ledger", "verify", "--anchor", str(anchor))
    assert ok.code == 0 and "1 anchor(s) matched" in ok.stdout
    # The key holder rewrites entry 5 and re-signs everything with the real key.
    attacker.drop_triggers()
    attacker.sql("UPDATE ledger_entries SET actor = 'user:mallory' WHERE seq = 5")
    from .test_tamper import _rewrite_chain_from

    _rewrite_chain_from(attacker, 5, 23)
    hashes = [
        bytes.fromhex(str(h))
        for (h,) in attacker.sql("SELECT entry_hash FROM ledger_entries ORDER BY seq")
    ]
    from runink.ledger.merkle import root_of

    attacker.sql("DELETE FROM ledger_checkpoints")
    key = history.signing_key()
    cp = sign_checkpoint(key, 23, root_of(hashes).hex(), "2026-12-01T00:00:00.000000Z")
    attacker.sql(
        "INSERT INTO ledger_checkpoints VALUES (?, ?, ?, ?, ?, '[]')", *cp.as_dict().values()
    )
    assert runink("ledger", "verify").code == 0  # nothing inside the database shows it
    result = runink("ledger", "verify", "--anchor", str(anchor))
    assert result.code == 1
    assert result.stdout.startswith(
        f"ledger FAILED at checkpoint at tree size 22: edited: entries 1..22 no longer produce "
        f"the root saved in anchor {anchor}"
    )


def test_a_bundle_serves_as_an_anchor(history: Ledger, runink: Runner, tmp_path: Path) -> None:
    _, path = export(runink, tmp_path, "--artifact", "web")
    result = runink("ledger", "verify", "--anchor", str(path), "--format", "json")
    assert result.code == 0
    assert json.loads(result.stdout)["anchors"] == 1


def test_damaged_anchor_is_refused(history: Ledger, runink: Runner, tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.json"
    assert runink("ledger", "checkpoint", "--out", str(anchor)).code == 0
    document = json.loads(anchor.read_text())
    document["checkpoint"]["tree_size"] = 21
    anchor.write_text(json.dumps(document))
    result = runink("ledger", "verify", "--anchor", str(anchor))
    assert result.code == 2
    assert (
        f"{anchor}: checkpoint.signature: does not verify with the file's public key"
        in result.stderr
    )
