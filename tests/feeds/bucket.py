"""An OSV-style bucket that tests build record by record and publish on a ``FeedServer``:
``<eco>/all.zip``, ``<eco>/modified_id.csv`` (newest first, no header) and ``<eco>/<id>.json``,
laid out as OSV's exporter writes them."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from tests.feeds.server import FeedServer


def stamp(value: dt.datetime) -> str:
    """RFC 3339 as the Go exporter writes it: UTC, trailing fraction zeros trimmed."""
    text = value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


def record(
    id_: str,
    modified: dt.datetime,
    *,
    package: str = "demo",
    ecosystem: str = "PyPI",
    events: list[dict[str, str]] | None = None,
    versions: list[str] | None = None,
    aliases: list[str] | None = None,
    summary: str = "a demo vulnerability",
    severity: str | None = None,
    withdrawn: dt.datetime | None = None,
) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "schema_version": "1.6.0",
        "id": id_,
        "modified": stamp(modified),
        "published": "2024-01-01T00:00:00Z",
        "summary": summary,
        "aliases": aliases if aliases is not None else [],
        "affected": [
            {
                "package": {"ecosystem": ecosystem, "name": package},
                "ranges": [
                    {
                        "type": "ECOSYSTEM",
                        "events": events or [{"introduced": "0"}, {"fixed": "2.0"}],
                    }
                ],
                **({"versions": versions} if versions is not None else {}),
            }
        ],
    }
    if severity:
        rec["severity"] = [{"type": "CVSS_V3", "score": severity}]
    if withdrawn is not None:
        rec["withdrawn"] = stamp(withdrawn)
    return rec


class OsvBucket:
    def __init__(self, server: FeedServer, ecosystem: str = "PyPI") -> None:
        self.server = server
        self.ecosystem = ecosystem
        self.records: dict[str, dict[str, Any]] = {}

    @property
    def prefix(self) -> str:
        return "/" + self.ecosystem

    def put(self, rec: dict[str, Any]) -> None:
        self.records[rec["id"]] = rec

    def publish(self) -> None:
        """Write all.zip, modified_id.csv and every record, as the exporter does each run."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for id_ in sorted(self.records):
                zf.writestr(f"{id_}.json", json.dumps(self.records[id_], separators=(",", ":")))
        self.server.put(f"{self.prefix}/all.zip", buffer.getvalue())
        rows = sorted(
            ((r["modified"], id_) for id_, r in self.records.items()),
            key=lambda row: (_desc(row[0]), row[1]),
        )
        csv_text = "".join(f"{modified},{id_}\n" for modified, id_ in rows)
        self.server.put(f"{self.prefix}/modified_id.csv", csv_text.encode())
        for id_, rec in self.records.items():
            self.server.put(
                f"{self.prefix}/{id_}.json", json.dumps(rec, separators=(",", ":")).encode()
            )

    def record_paths(self) -> set[str]:
        return {f"{self.prefix}/{id_}.json" for id_ in self.records}


def _desc(text: str) -> tuple[int, ...]:
    """Descending order of a string (the exporter sorts by the timestamp text)."""
    return (*tuple(-ord(c) for c in text), 0)
