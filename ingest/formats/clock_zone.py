"""Exports that write clock times without a zone (WhatsApp, QQ and WeChat chat exports;
CSV and JSONL times without an offset) are read in a zone: by default UTC, or China's
for QQ and WeChat (their exporting tools run on Chinese phones and PCs); `ecg import
--timezone` and the Import page name another. The others carry their zone or Unix
times, which no zone changes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, tzinfo

from ingest.formats.text_export import CHINA_TIME
from ingest.records import ParsedRow

CLOCK_TIME_FORMATS: dict[str, tzinfo] = {  # format -> the zone its clock times are read in
    "whatsapp": UTC,
    "qq": CHINA_TIME,
    "wechat": CHINA_TIME,
    "csv": UTC,
    "jsonl": UTC,
}


def writes_clock_times(fmt: str) -> bool:
    return fmt in CLOCK_TIME_FORMATS


def default_zone_name(fmt: str) -> str:
    """The name of the zone `fmt`'s clock times are read in unless another is named."""
    return "Asia/Shanghai" if CLOCK_TIME_FORMATS[fmt] is CHINA_TIME else "UTC"


def read_in_zone(rows: Iterator[ParsedRow], read_in: tzinfo, zone: tzinfo) -> Iterator[ParsedRow]:
    """`rows` whose clock times a parser read in `read_in` (a zone without clock changes,
    so the clock time comes back exactly), read in `zone` instead."""
    if zone == read_in:
        yield from rows
        return

    def moved(at: datetime) -> datetime:
        return at.astimezone(read_in).replace(tzinfo=zone).astimezone(UTC)

    for row in rows:
        message = row.message
        if message is not None:
            message = replace(message, sent_at=moved(message.sent_at))
        activity = tuple(replace(a, at=moved(a.at)) for a in row.activity)
        yield replace(row, message=message, activity=activity)
