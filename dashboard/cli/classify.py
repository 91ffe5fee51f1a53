"""`ecg classify`: the kind of each text of a file (question, bug report, feature
request, complaint, praise, other) and how sure the model is, as CSV; `ecg classify
train`: a community's own kind model from its corrections."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from access.permissions import SERVER_SHELL
from analysis import kinds
from analysis.kind_tuning import before_and_after, learnable, tune
from analysis.kinds import read_kind
from analysis.sentiment import analyse
from dashboard.cli.common import chosen_community, engine_for
from dashboard.cli.text_files import csv_output, texts_of
from data_access import audit
from data_access.kind_models import kind_corrections, store_tuning
from data_access.schema import Community

COLUMNS = ["row", "text", "language", "kind", "confidence"]


def classified_rows(texts: Iterable[str]) -> Iterator[dict]:
    for row, text in enumerate(texts, start=1):
        sentiment = analyse(text)
        reading = read_kind(text, sentiment.compound)
        yield {
            "row": row,
            "text": text,
            "language": sentiment.language,
            "kind": reading.kind,
            "confidence": f"{reading.confidence:.3f}",
        }


def classify_file(path: Path, columns: list[str] | None, out: TextIO | Path) -> int:
    count, texts = 0, texts_of(path, columns)  # a bad input is refused before any output
    with csv_output(out, COLUMNS) as writer:
        for row in classified_rows(texts):
            writer.writerow(row)
            count += 1
    return count


def train_community_model(settings, community: str | None) -> int:
    """Tune the community's kind model on its kind corrections, store it (new messages
    are read by it; the shipped model stays the default of other communities) and print
    the figures before and after."""
    engine = engine_for(settings)
    name = community or chosen_community(engine, creates=False)
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == name))
        if community_id is None:
            raise ValueError(f"no community named {name!r}")
        corrections = kind_corrections(conn, community_id)
    shipped = kinds.model()
    examples = learnable(corrections, shipped)
    if not examples:
        raise ValueError(
            f"{name}: no corrections to question, bug report or feature request to learn "
            f"from ({len(corrections)} kind corrections in all); correct some messages "
            "under a drill-down first (docs/kinds.md)"
        )
    before, after = before_and_after(shipped, examples)
    tuning = tune(shipped, examples)
    figures = {"corrections": len(examples), "before": round(before, 4), "after": round(after, 4)}
    with engine.begin() as conn:
        store_tuning(
            conn, community_id, tuning, len(examples), figures, SERVER_SHELL.name, datetime.now(UTC)
        )
        audit.record(conn, datetime.now(UTC), SERVER_SHELL.name, "kinds.train", name, None, figures)
    print(
        f"{name}: learnt from {len(examples)} corrections "
        f"({len(corrections) - len(examples)} to other kinds are read from cues and tone)"
    )
    print(
        f"  on the corrected messages, each left out in turn: {before:.0%} before, "
        f"{after:.0%} after"
    )
    print("  new messages of this community are read by its own model from now on")
    return 0
