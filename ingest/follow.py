"""`ecg follow`: tail a growing JSONL file, or every JSONL file of a folder, and import
each new complete line as it appears. A line still being written (no newline yet) waits
for the next look. Re-reading from the start after a restart adds nothing: imports are
idempotent."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path

from sqlalchemy import Engine

from ingest.formats.tabular import ColumnMapping, row_from_record
from ingest.pipeline import ImportSummary, ImportTarget, run_import
from ingest.records import ParsedRow

log = logging.getLogger(__name__)


@dataclass
class FollowState:
    """How far each followed file has been read, in bytes, and its lines so far."""

    offsets: dict[Path, int] = field(default_factory=dict)
    lines: dict[Path, int] = field(default_factory=dict)


def files_of(path: Path) -> list[Path]:
    return sorted(path.glob("*.jsonl")) if path.is_dir() else [path]


def new_rows(
    file: Path, mapping: ColumnMapping, state: FollowState, zone: tzinfo = UTC
) -> list[ParsedRow]:
    """The complete lines added to `file` since the last look, as parsed rows (a time
    without an offset read in `zone`)."""
    offset = state.offsets.get(file, 0)
    if not file.exists() or file.stat().st_size < offset:
        offset, state.lines[file] = 0, 0  # a new or truncated file starts over
    with open(file, "rb") as handle:
        handle.seek(offset)
        chunk = handle.read()
    complete = chunk[: chunk.rfind(b"\n") + 1]
    state.offsets[file] = offset + len(complete)
    rows = []
    for raw in complete.splitlines():
        state.lines[file] = state.lines.get(file, 0) + 1
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            rows.append(ParsedRow(state.lines[file], None, f"invalid JSON: {error}"))
            continue
        rows.append(row_from_record(state.lines[file], record, mapping, zone))
    return rows


def follow_once(
    engine: Engine,
    path: Path,
    mapping: ColumnMapping,
    community: str,
    platform: str,
    state: FollowState,
    zone: tzinfo = UTC,
) -> ImportSummary:
    """One look at every followed file; returns what was imported in all."""
    total = ImportSummary()
    for file in files_of(path):
        rows = new_rows(file, mapping, state, zone)
        if not rows:
            continue
        summary = run_import(
            engine, rows, ImportTarget(community, file.name, platform), path=str(file)
        )
        total.read += summary.read
        total.imported += summary.imported
        total.duplicates += summary.duplicates
        total.past_retention += summary.past_retention
        total.rejected.update(summary.rejected)
    return total


def follow(
    engine: Engine,
    path: Path,
    mapping: ColumnMapping,
    community: str,
    platform: str,
    stop: threading.Event,
    interval: float,
    report,
    zone: tzinfo = UTC,
) -> None:
    state = FollowState()
    while not stop.is_set():
        summary = follow_once(engine, path, mapping, community, platform, state, zone)
        if summary.read:
            report(summary)
        stop.wait(interval)
