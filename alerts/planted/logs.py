"""Real chat logs, read into one shape: the messages in their order, with author, channel,
time and text. Three layouts are known (the chat logs of `../shared/data/chat/`); any
CSV with columns `timestamp`, `author`, `channel` and `text` is read too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# the column of each role in the layouts known, first match wins
_COLUMNS = {
    "timestamp": ("timestamp_utc", "timestamp_inferred", "timestamp"),
    "author": ("author_name", "nick", "owner_user_id", "author"),
    "channel": ("channel", "file_id", "post_type", "channel_name"),
    "text": ("text",),
}
_BOT = re.compile(r"(\bbot\b|_bot\b|bridge)", re.IGNORECASE)


@dataclass(frozen=True)
class ChatLog:
    """One real log, oldest message first."""

    name: str
    texts: tuple[str, ...]
    authors: tuple[str, ...]
    channels: tuple[str, ...]
    hour_of_week: np.ndarray  # 0 = Monday 00:00 UTC, per message
    is_bot: np.ndarray  # bool per message: the author's name says bot or bridge

    def __len__(self) -> int:
        return len(self.texts)


def read_log(path: Path) -> ChatLog:
    """The log at `path`; system lines (joins, parts) and empty texts are left out."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "is_system" in frame.columns:
        frame = frame[frame["is_system"] != "1"]
    if "title" in frame.columns:  # a question's title is read with its text
        frame = frame.assign(text=(frame["title"] + "\n" + frame["text"]).str.strip())
    picked = {role: _column(frame, role, path) for role in _COLUMNS}
    frame = frame[frame[picked["text"]].str.strip() != ""]
    stamps = pd.to_datetime(frame[picked["timestamp"]], utc=True, format="ISO8601")
    frame = frame.assign(_at=stamps).sort_values("_at", kind="stable")
    at = frame["_at"]
    authors = tuple(frame[picked["author"]].astype(str))
    return ChatLog(
        name=path.stem,
        texts=tuple(frame[picked["text"]]),
        authors=authors,
        channels=tuple(frame[picked["channel"]].astype(str)),
        hour_of_week=(at.dt.day_of_week * 24 + at.dt.hour).to_numpy(dtype=np.int64),
        is_bot=np.array([bool(_BOT.search(a)) for a in authors]),
    )


def _column(frame: pd.DataFrame, role: str, path: Path) -> str:
    for name in _COLUMNS[role]:
        if name in frame.columns:
            return name
    raise ValueError(f"{path.name}: no {role} column (one of {', '.join(_COLUMNS[role])})")
