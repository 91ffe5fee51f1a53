"""Bad input: each error names the file, the line and the reason; nothing of the failing
batch is written and the good batches before it are kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.communities import prepare_community
from data_access.schema import Message
from ingest.formats.tabular import ColumnMapping, read_csv, read_jsonl
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ImportFormatError

MAPPING = ColumnMapping.parse(["timestamp=ts", "author=user", "channel=room", "text=body", "id=id"])
TARGET = ImportTarget("main", "export", "chat")
HEADER = "id,ts,user,room,body\n"


def _row(n: int) -> str:
    return f"m{n},2026-03-0{1 + n % 5}T10:{n % 60:02d}:00Z,user{n % 3},general,message {n}\n"


def _import(engine, path, reader=read_csv, **options):
    prepare_community(engine, "main")
    return run_import(engine, reader(path, MAPPING), TARGET, path=str(path), **options)


def _stored(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Message))


def _bad_timestamp_on_line_17(tmp_path):
    rows = [_row(n) for n in range(2, 30)]  # file line n holds row n
    rows[17 - 2] = "m17,yesterday at noon,user1,general,broken\n"
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "".join(rows))
    return path


def test_bad_timestamp_in_strict_mode_stops_at_line_17(engine, tmp_path):
    path = _bad_timestamp_on_line_17(tmp_path)
    with pytest.raises(ImportFormatError) as caught:
        _import(engine, path, strict=True, batch_size=5)
    error = caught.value
    assert (error.path, error.line) == (str(path), 17)
    assert "bad timestamp 'yesterday at noon'" in error.reason
    assert str(path) in str(error) and "line 17" in str(error)
    # lines 2-16 are three full batches of 5; the batch holding line 17 is not written
    assert _stored(engine) == 15


def test_bad_timestamp_by_default_is_rejected_with_its_line(engine, tmp_path):
    path = _bad_timestamp_on_line_17(tmp_path)
    summary = _import(engine, path, batch_size=5)
    reason = "bad timestamp 'yesterday at noon' (expected ISO 8601 or Unix time)"
    assert summary.rejected == {reason: 1}
    assert summary.rejected_lines == {reason: [17]}
    assert (summary.imported, _stored(engine)) == (27, 27)


def test_missing_mapped_column(engine, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,ts,user,body\n" + "m1,2026-03-01T10:00:00Z,u,general\n")
    with pytest.raises(ImportFormatError) as caught:
        _import(engine, path)
    assert caught.value.line == 1
    assert "mapped column(s) room not in the header" in caught.value.reason
    assert _stored(engine) == 0


def test_invalid_utf8_names_its_line(engine, tmp_path):
    path = tmp_path / "export.csv"
    good = "".join(_row(n) for n in range(2, 9))
    path.write_bytes((HEADER + good).encode() + b"m9,2026-03-01T10:00:00Z,u,general,caf\xe9\n")
    with pytest.raises(ImportFormatError) as caught:
        _import(engine, path, batch_size=5)
    # "m9,2026-03-01T10:00:00Z,u,general,caf" is 37 bytes, so the bad byte is at offset 37
    assert (caught.value.line, caught.value.reason) == (9, "invalid UTF-8 at byte 37 of the line")
    assert _stored(engine) == 5  # lines 2-6 made a whole batch before the bad line


@pytest.mark.parametrize("reader", [read_csv, read_jsonl])
def test_empty_file(engine, tmp_path, reader):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    with pytest.raises(ImportFormatError) as caught:
        _import(engine, path, reader=reader)
    assert (caught.value.path, caught.value.reason) == (str(path), "the file is empty")


def test_a_single_50_mb_line(engine, tmp_path):
    path = tmp_path / "export.csv"
    with open(path, "wb") as handle:
        handle.write((HEADER + _row(2)).encode())
        handle.write(b"m3,2026-03-01T10:00:00Z,u,general," + b"x" * 50_000_000 + b"\n")
    with pytest.raises(ImportFormatError) as caught:
        _import(engine, path, batch_size=1)
    assert (caught.value.line, caught.value.reason) == (3, "line longer than 1,000,000 bytes")
    assert _stored(engine) == 1


def test_jsonl_with_broken_json_names_the_line(engine, tmp_path):
    path = tmp_path / "export.jsonl"
    good = '{"id": "a", "ts": "2026-03-01T10:00:00Z", "user": "u", "room": "r", "body": "hi"}\n'
    path.write_text(good + '{"id": "b", "ts": \n')
    with pytest.raises(ImportFormatError) as caught:
        _import(engine, path, reader=read_jsonl)
    assert caught.value.line == 2
    assert caught.value.reason.startswith("invalid JSON")


def test_jsonl_reads_dotted_paths(engine, tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(
        '{"id": 1, "ts": 1772359200, "user": {"id": "u1"}, "room": "r", "body": "hello"}\n'
    )
    mapping = ColumnMapping.parse(["timestamp=ts", "author=user.id", "text=body", "id=id"])
    rows = list(read_jsonl(path, mapping))
    message = rows[0].message
    assert (message.author_id, message.external_id, message.channel) == ("u1", "1", "general")
    assert message.sent_at.isoformat() == "2026-03-01T10:00:00+00:00"


@pytest.mark.parametrize(
    ("pairs", "problem"),
    [
        (["timestamp=a", "author=b"], "map the required field(s) text"),
        (["timestamp=a", "author=b", "text=c", "colour=d"], "unknown field 'colour'"),
        (["timestamp"], "write it as FIELD=COLUMN"),
    ],
)
def test_mapping_errors_say_what_to_write(pairs, problem):
    with pytest.raises(ValueError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        ColumnMapping.parse(pairs)
