"""Which encoding a text file is in. Chat tools and spreadsheets write UTF-8 (with or
without a byte-order mark), UTF-16 (with one: Excel's "Unicode text", Windows tools) or
GB18030 (older QQ, and a CSV saved by Excel on a Chinese Windows, which writes GBK, a
subset of it). The encoding is read from the byte-order mark; else UTF-8 when the start
of the file is valid UTF-8; else GB18030 when the start is valid GB18030; else UTF-8,
so that the reader stops at the first bad byte and names its line (a UTF-8 file with a
stray Latin-1 byte, "caf\\xe9,", is rarely valid GB18030: a lead byte needs its trail)."""

from __future__ import annotations

import codecs
from pathlib import Path

from ingest.formats.sniff import head_of

HEAD_BYTES = 65_536
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LONGEST_CHARACTER = 4  # bytes of a character cut at the end of the head


def encoding_of(path: Path) -> str:
    """'utf-8-sig', 'utf-16', 'utf-8' or 'gb18030', as the module says."""
    head = head_of(path, HEAD_BYTES)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if _decodes(head, "utf-8"):
        return "utf-8"
    return "gb18030" if _decodes(head, "gb18030") else "utf-8"


def _decodes(head: bytes, encoding: str) -> bool:
    """Whether `head` is valid in `encoding`, but for a character cut at its end."""
    try:
        head.decode(encoding)
    except UnicodeDecodeError as error:
        return len(head) == HEAD_BYTES and error.start >= len(head) - _LONGEST_CHARACTER
    return True


def head_text(path: Path, size: int = 4096) -> str:
    """The start of `path` as text in its encoding, without a byte-order mark (a
    character cut at the end, or a bad byte, is left out): what format sniffing reads."""
    return head_of(path, size).decode(encoding_of(path), errors="ignore").lstrip("\ufeff")
