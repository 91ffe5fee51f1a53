"""An uploaded export on disk while the Import page needs it: one copy per upload, kept
across reruns, removed after the import or when the upload is replaced or taken away.
(Every rerun used to write a new /tmp copy that nothing removed.) With what the page
asks of the file before importing it: its format, and the column mapping it needs."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import streamlit as st

from analysis.topic_templates import DESCRIPTIONS
from dashboard.i18n import N_
from ingest.formats.clock_zone import default_zone_name, writes_clock_times
from ingest.formats.columns import guessed_columns, header_of
from ingest.formats.detect import choose_format, needs_mapping
from ingest.formats.tabular import REQUIRED_FIELDS, ColumnMapping
from ingest.records import EMPTY_FILE, ImportFormatError

__all__ = [
    "EMPTY_FILE",
    "REQUIRED_FIELDS",
    "TOPIC_TEMPLATES",
    "ColumnMapping",
    "ImportFormatError",
    "choose_format",
    "columns_named",
    "default_zone_name",
    "discard",
    "kept_copy",
    "needs_mapping",
    "writes_clock_times",
]

TOPIC_TEMPLATES = {  # analysis.topic_templates.DESCRIPTIONS, marked for translation
    "none": N_("no topics: add your own on the Topics page"),
    "software": N_("a software product: billing, bugs, outage, help, releases…"),
    "gaming": N_("a game: bugs and crashes, lag, matchmaking, balance, cheating…"),
    "education": N_("a school or admissions forum: admissions, courses, exams, aid…"),
    "commerce": N_("a shop: orders, returns and refunds, payments, quality…"),
    "general": N_("any community: welcome, events, feedback, moderation…"),
    "chinese": N_("a Chinese group (中文社群): 产品反馈, 故障, 售后, 活动, 投诉…"),
}
assert TOPIC_TEMPLATES == DESCRIPTIONS  # the same words, one place to translate them
KEPT = "kept_upload"  # session key: {"file_id", "path"} of the copy on disk
PREFIX = "ecg-upload-"


def kept_copy(upload) -> Path:
    """The path of `upload` on disk, written once per upload."""
    kept = st.session_state.get(KEPT)
    if kept and kept["file_id"] == upload.file_id and Path(kept["path"]).exists():
        return Path(kept["path"])
    discard()
    path = Path(tempfile.mkdtemp(prefix=PREFIX)) / Path(upload.name).name
    path.write_bytes(upload.getbuffer())
    st.session_state[KEPT] = {"file_id": upload.file_id, "path": str(path)}
    return path


def discard() -> None:
    """Remove the copy this session keeps, if any."""
    kept = st.session_state.pop(KEPT, None)
    if kept:
        shutil.rmtree(Path(kept["path"]).parent, ignore_errors=True)


def columns_named(path: Path, fmt: str) -> dict[str, str]:
    """field -> the column of the file named for it (the page fills its inputs with them)."""
    return guessed_columns(header_of(path, fmt), {})
