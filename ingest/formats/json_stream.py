"""Reading a large JSON export as a stream (ijson), so it never sits in memory whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ijson

from ingest.records import ImportFormatError


def json_items(path: Path, prefix: str) -> Iterator:
    """The values at `prefix` ("messages.item", "title") one by one; broken JSON stops
    the import with where it broke."""
    with open(path, "rb") as handle:
        try:
            yield from ijson.items(handle, prefix)
        except ijson.JSONError as error:
            where = f"near byte {handle.tell():,}"
            raise ImportFormatError(str(path), 0, f"broken JSON {where}: {error}") from None
