"""The tamper-evident evidence ledger (docs/ledger.md, docs/ledger-format.md)."""
