"""The tamper-evident evidence ledger (docs/ledger.md; format: docs/ledger-format.md).

Modules, bottom up::

    canonical    RFC 8785 canonical JSON for payloads, with field-path errors
    kinds        the entry kinds and their payload fields (the registry)
    entry        EntryInput / Subject / Entry and the entry hash framing
    merkle       RFC 6962 tree: frontier, roots, inclusion proofs and their verification
    keys         the Ed25519 signing key: generation, permission checks, public keys
    checkpoint   the signed checkpoint text and signatures
    settings     the config file's ``ledger:`` section and RUNINK_LEDGER_KEY
    store        SQL: the append lock, head, inserts, queries, snapshots
    ledger       ``Ledger``: append (one transaction, one checkpoint) and reads
    verify       whole-ledger verification and the diagnosis of the first bad entry
    bundle       audit bundles and anchors: export and offline verification
"""

from __future__ import annotations

from runink.ledger import kinds
from runink.ledger.entry import Entry, EntryInput, Subject
from runink.ledger.ledger import Ledger, LedgerIntegrityError
from runink.ledger.settings import LedgerSettings, load_ledger_settings
from runink.ledger.store import EntryFilter
from runink.ledger.verify import Problem, ProblemKind, VerifyReport, verify_ledger

__all__ = [
    "Entry",
    "EntryFilter",
    "EntryInput",
    "Ledger",
    "LedgerIntegrityError",
    "LedgerSettings",
    "Problem",
    "ProblemKind",
    "Subject",
    "VerifyReport",
    "kinds",
    "load_ledger_settings",
    "verify_ledger",
]
