"""An import started by someone in the app: checked against their role and audited."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

from sqlalchemy import Engine

from access.permissions import Action, Actor, require
from data_access import audit
from ingest.formats.detect import platform_of, read_rows
from ingest.formats.tabular import ColumnMapping
from ingest.pipeline import ImportSummary, ImportTarget, Progress, run_import


def import_upload(
    engine: Engine,
    actor: Actor,
    path: Path,
    fmt: str,
    mapping: ColumnMapping | None,
    community: str,
    source: str,
    now: datetime,
    on_progress: Progress | None = None,
    zone: tzinfo | None = None,
) -> ImportSummary:
    """Import an uploaded file for an analyst or admin; the audit log records who and what.
    `zone`: that of the clock times the export writes without one (None: its default)."""
    require(actor, Action.IMPORT_DATA)
    target = ImportTarget(community, source, platform_of(fmt))
    rows = read_rows(fmt, path, mapping, zone)
    summary = run_import(engine, rows, target, path=source, on_progress=on_progress)
    with engine.begin() as conn:
        audit.record(
            conn,
            now,
            actor.name,
            "data.import",
            f"{community} / {source}",
            None,
            {
                "format": fmt,
                "imported": summary.imported,
                "duplicates": summary.duplicates,
                "past_retention": summary.past_retention,
                "rejected": summary.rejected_total,
            },
        )
    return summary
