"""Looking at the start of a file to recognise its format."""

from __future__ import annotations

from pathlib import Path


def head_of(path: Path, size: int = 8192) -> bytes:
    """The first `size` bytes of `path`, or nothing when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""
