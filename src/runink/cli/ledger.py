"""``runink ledger``: verify the evidence ledger, export audit bundles, read the history."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from runink.cli._console import OutputFormat, err, out
from runink.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from runink.ledger.entry import Entry

app = typer.Typer(
    help="The tamper-evident evidence ledger: verify it, export audit bundles, read its history.",
    no_args_is_help=True,
)


class LogFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _open() -> Engine:
    from runink.store.db import StoreMissing, open_engine

    try:
        return open_engine(create=False)
    except StoreMissing as exc:
        raise UsageError(f"{exc.path}: no Runink database yet (the ledger is empty)") from None


def _since(text: str | None) -> str | None:
    """``--since`` as ``recorded_at`` text: a date (00:00 UTC) or an ISO 8601 date-time."""
    from runink.ledger.ledger import since_text

    if text is None:
        return None
    try:
        if len(text) == 10:
            return since_text(dt.date.fromisoformat(text))
        return since_text(dt.datetime.fromisoformat(text))
    except ValueError:
        raise UsageError(
            f"--since: {text!r} is not a date (2026-11-30) or date-time (2026-11-30T09:00Z)"
        ) from None


def _short(hex_text: str | None) -> str:
    return f"{hex_text[:16]}…" if hex_text else "-"


@app.command("verify")
def verify(
    public_key: list[Path] = typer.Option(
        [],
        "--public-key",
        help="Trust only this public key file (repeatable); default: the signing key and "
        "ledger.trusted_keys from the config file.",
    ),
    anchor: list[Path] = typer.Option(
        [],
        "--anchor",
        help="A checkpoint saved earlier (`runink ledger checkpoint --out`) or a bundle: the "
        "ledger must still contain exactly what it signed (repeatable).",
    ),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Check every entry's hash and link, every Merkle root and every checkpoint signature.

    Names the first bad entry and what is wrong with it: edited, deleted, inserted, reordered,
    truncated, bad signature, or unsigned. Exit 0 when the ledger is intact, 1 when it is not.
    """
    from runink.ledger import store
    from runink.ledger.bundle import load_anchor
    from runink.ledger.ledger import trusted_keys
    from runink.ledger.settings import load_ledger_settings
    from runink.ledger.verify import verify_ledger

    anchors = [load_anchor(path) for path in anchor]
    settings = load_ledger_settings()
    engine = _open()
    with store.snapshot(engine) as conn:
        empty = store.read_head(conn) is None and not store.all_checkpoints(conn)
        trusted = trusted_keys(settings, public_key) if public_key or not empty else {}
        if not empty and not trusted:
            raise UsageError(
                f"{settings.key_path}: no signing key to check the checkpoints with; "
                "pass the ledger's public key with --public-key FILE"
            )
        report = verify_ledger(conn, trusted, anchors)
    if output is OutputFormat.json:
        out.print_json(json.dumps(report.as_dict()))
    else:
        rate = report.verified / report.seconds if report.seconds > 0 else 0.0
        if report.ok:
            keys = ", ".join(report.key_ids) or "-"
            anchors_text = f", {report.anchors} anchor(s) matched" if report.anchors else ""
            out.print(
                f"ledger verified: {report.entries:,} entries, {report.checkpoints:,} signed "
                f"checkpoint(s) (key {keys}){anchors_text}",
                markup=False,
                soft_wrap=True,
            )
            if report.entries:
                out.print(
                    f"head: entry {report.entries} {_short(report.head_hash)}  "
                    f"root: {_short(report.root_hash)}  "
                    f"({report.seconds:.2f} s, {rate:,.0f} entries/s)",
                    markup=False,
                    soft_wrap=True,
                )
        else:
            problem = report.problem
            assert problem is not None
            where = (
                f"entry {problem.seq}"
                if problem.seq is not None
                else f"checkpoint at tree size {problem.checkpoint}"
            )
            out.print(
                f"ledger FAILED at {where}: {problem.kind}: {problem.message}",
                markup=False,
                soft_wrap=True,
            )
            out.print(
                f"verified before the failure: {report.verified:,} of {report.entries:,} "
                f"entries, {report.checkpoints:,} checkpoint(s)",
                markup=False,
                soft_wrap=True,
            )
    if not report.ok:
        raise typer.Exit(int(ExitCode.BLOCKED))


@app.command("export")
def export(
    out_file: Path = typer.Option(..., "--out", help="Write the bundle (JSON) to FILE."),
    artifact: str | None = typer.Option(None, "--artifact", help="Entries about this artifact."),
    repo: str | None = typer.Option(None, "--repo", help="Entries about this repository."),
    since: str | None = typer.Option(
        None, "--since", help="Only entries recorded on or after DATE (UTC)."
    ),
) -> None:
    """Write a self-contained audit bundle for one artifact or repository.

    The bundle holds the entries, an inclusion proof for each against the newest signed
    checkpoint, the public key and a description of the format; `runink ledger verify-bundle`
    checks it without any database. Exit 1 if the ledger does not verify.
    """
    from runink.ledger.bundle import Selection, build_bundle, write_json
    from runink.ledger.ledger import public_key_if_present
    from runink.ledger.settings import load_ledger_settings
    from runink.ledger.store import snapshot

    if (artifact is None) == (repo is None):
        raise UsageError("ledger export: give exactly one of --artifact NAME or --repo NAME")
    selection = Selection(artifact=artifact, repo=repo, since=_since(since))
    key = public_key_if_present(load_ledger_settings())
    engine = _open()
    with snapshot(engine) as conn:
        bundle = build_bundle(conn, selection, signing_key=key)
    write_json(out_file, bundle)
    checkpoint = bundle["checkpoint"]
    err.print(
        f"wrote {out_file}: {len(bundle['entries'])} entries ({selection.describe()}), proven "
        f"against the checkpoint at tree size {checkpoint['tree_size']} signed by key "
        f"{checkpoint['key_id']}",
        markup=False,
        soft_wrap=True,
    )


@app.command("verify-bundle")
def verify_bundle(
    bundle: Path = typer.Argument(..., help="A bundle written by `runink ledger export`."),
    public_key: list[Path] = typer.Option(
        [],
        "--public-key",
        help="The ledger's public key, obtained out of band: the bundle must be signed by it.",
    ),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Check a bundle offline: entry hashes, inclusion proofs, the checkpoint signature.

    Needs no database. Exit 0 when everything verifies, 1 when anything does not, 2 when the
    file is not a readable bundle.
    """
    from runink.ledger.bundle import verify_bundle as check
    from runink.ledger.keys import load_public_key_file

    pinned = [load_public_key_file(path) for path in public_key]
    report = check(bundle, pinned)
    if output is OutputFormat.json:
        out.print_json(json.dumps(report.as_dict()))
    elif report.ok:
        pin = "the pinned key" if pinned else "the bundle's key (compare its id out of band)"
        out.print(
            f"bundle verified: {report.entries:,} entries ({report.selection.describe()}) in the "
            f"ledger of {report.checkpoint.tree_size:,} entries signed {report.checkpoint.signed_at}"
            f" by key {report.key_id}, {pin}",
            markup=False,
            soft_wrap=True,
        )
    else:
        out.print(f"bundle FAILED: {len(report.problems)} problem(s)", markup=False, soft_wrap=True)
        for problem in report.problems:
            out.print(f"  {problem}", markup=False, soft_wrap=True)
    if not report.ok:
        raise typer.Exit(int(ExitCode.BLOCKED))


CSV_COLUMNS = (
    "seq",
    "recorded_at",
    "actor",
    "kind",
    "artifact",
    "repo",
    "vulnerability",
    "component",
    "payload",
    "entry_hash",
)


def _row_fields(entry: Entry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "recorded_at": entry.recorded_at,
        "actor": entry.actor,
        "kind": entry.kind,
        "entry_hash": entry.entry_hash,
    }


def _details(entry: Entry) -> str:
    payload = entry.payload
    parts = []
    for key in ("reason", "entry", "error"):
        if key in payload:
            parts.append(str(payload.pop(key)))
    for key, value in payload.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}={text}")
    return "; ".join(parts)


def _subject(entry: Entry) -> str:
    return "\n".join(value for value in entry.subject.as_dict().values() if value is not None)


@app.command("log")
def log(
    artifact: str | None = typer.Option(None, "--artifact", help="Entries about this artifact."),
    repo: str | None = typer.Option(None, "--repo", help="Entries about this repository."),
    vulnerability: str | None = typer.Option(
        None, "--vulnerability", help="Entries about this vulnerability id."
    ),
    kind: str | None = typer.Option(
        None, "--kind", help="An entry kind (finding.opened) or a family (finding)."
    ),
    actor: str | None = typer.Option(None, "--actor", help="Entries by this actor."),
    since: str | None = typer.Option(
        None, "--since", help="Only entries recorded on or after DATE (UTC)."
    ),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the newest N entries."),
    output: LogFormat = typer.Option(LogFormat.table, "--format", help="table, json or csv"),
) -> None:
    """Who decided what, when and why: the ledger's entries, oldest first."""
    from rich.table import Table

    from runink.ledger.ledger import Ledger
    from runink.ledger.store import EntryFilter

    where = EntryFilter(
        artifact=artifact,
        repo=repo,
        vulnerability=vulnerability,
        kind=kind,
        actor=actor,
        since=_since(since),
        limit=limit,
        newest_first=limit is not None,
    )
    entries = Ledger(_open()).entries(where)
    if output is LogFormat.json:
        sys.stdout.write(
            json.dumps([e.as_dict() for e in entries], indent=2, ensure_ascii=False) + "\n"
        )
    elif output is LogFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for e in entries:
            row = {**e.subject.as_dict(), "payload": e.payload_json, **_row_fields(e)}
            writer.writerow([row[column] for column in CSV_COLUMNS])
    else:
        table = Table()
        table.add_column("Seq", justify="right", no_wrap=True, overflow="fold")
        table.add_column("Recorded (UTC)", no_wrap=True)
        table.add_column("Actor", overflow="fold")
        table.add_column("Kind", no_wrap=True, overflow="fold")
        table.add_column("Subject", overflow="fold")
        table.add_column("Why / details", overflow="fold", ratio=1)
        for e in entries:
            table.add_row(
                str(e.seq),
                e.recorded_at[:19].replace("T", " "),
                e.actor,
                e.kind,
                _subject(e),
                _details(e),
            )
        out.print(table, markup=False)
        if not entries:
            err.print("no ledger entries match", markup=False, soft_wrap=True)


@app.command("public-key")
def public_key(
    out_file: Path | None = typer.Option(None, "--out", help="Write the PEM to FILE."),
) -> None:
    """Print the ledger's public key (PEM) for verifiers; creates the signing key if needed."""
    from runink.ledger.ledger import load_key
    from runink.ledger.settings import load_ledger_settings

    key = load_key(load_ledger_settings())
    pem = key.public.pem()
    if out_file is None:
        sys.stdout.write(pem)
    else:
        try:
            out_file.write_text(pem, encoding="ascii")
        except OSError as exc:
            raise UsageError(f"{out_file}: cannot write: {exc.strerror}") from None
    err.print(f"key id {key.key_id} (signing key {key.path})", markup=False, soft_wrap=True)


@app.command("checkpoint")
def checkpoint(
    out_file: Path | None = typer.Option(None, "--out", help="Write the anchor (JSON) to FILE."),
) -> None:
    """Print the newest signed checkpoint, to keep somewhere an attacker cannot reach.

    Given back to `runink ledger verify --anchor FILE`, it proves the ledger was neither
    rewritten nor truncated since, even by someone holding the signing key.
    """
    from runink.ledger.bundle import build_anchor, write_json
    from runink.ledger.ledger import public_key_if_present
    from runink.ledger.settings import load_ledger_settings
    from runink.ledger.store import snapshot

    key = public_key_if_present(load_ledger_settings())
    engine = _open()
    with snapshot(engine) as conn:
        document = build_anchor(conn, key)
    if out_file is None:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        write_json(out_file, document)
        cp = document["checkpoint"]
        err.print(
            f"wrote {out_file}: tree size {cp['tree_size']}, root {cp['root_hash']}", markup=False
        )
