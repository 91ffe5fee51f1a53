"""Values no parser can use, through the real `ecg import`: each becomes a rejected row
with its reason, and the import goes on (it stopped with a traceback and lost the batch
in hand). Times outside 2000-01-01 .. now + 1 day are refused: year 9999 broke pages."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from data_access.db import make_engine
from tests.conftest import ROOT
from tests.ecg_process import run_ecg

FIXTURES = ROOT / "tests" / "fixtures"
MAPS = ["--map", "id=id", "--map", "timestamp=when", "--map", "author=who", "--map", "text=what"]


def ecg_import(folder: Path, path: Path, *options: str):
    url = f"sqlite:///{folder / 'ecg.db'}"
    return run_ecg(["import", str(path), *options], folder, ECG_DATABASE_URL=url), url


def test_csv_unusable_and_implausible_times_are_rejected_and_the_rest_kept(tmp_path):
    bad = {
        "1e300": "bad timestamp '1e300'",
        "inf": "bad timestamp 'inf'",
        "nan": "bad timestamp 'nan'",
        "-1e11": "bad timestamp '-1e11'",  # the year -1200: no date at all
        "9999-12-31T00:00:00Z": "time more than a day ahead of now",
        "0001-01-01T00:00:00Z": "time before 2000-01-01",
    }
    lines = ["id,when,who,what"]
    lines += [f"good{n},2026-03-01T10:0{n}:00Z,ann,fine {n}" for n in range(3)]
    lines += [f"bad{n},{value},bob,broken {n}" for n, value in enumerate(bad)]
    lines += ["good9,2026-03-01T11:00:00Z,cid,after the bad ones"]
    export = tmp_path / "export.csv"
    export.write_text("\n".join(lines) + "\n")
    done, url = ecg_import(tmp_path, export, *MAPS)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "imported: 4\n" in done.stdout and "rejected: 6\n" in done.stdout
    assert "  1 × bad timestamp '1e300' (line 5)" in done.stdout
    assert "  1 × bad timestamp 'inf' (line 6)" in done.stdout
    assert "  1 × bad timestamp 'nan' (line 7)" in done.stdout
    assert "  1 × bad timestamp '-1e11' (line 8)" in done.stdout
    assert "  1 × time before 2000-01-01 (line 10)" in done.stdout
    assert "  1 × time more than a day ahead of now (line 9)" in done.stdout


def _json_with(fixture: str, change) -> dict:
    data = json.loads((FIXTURES / fixture).read_text())
    change(data)
    return data


def _first_message(data: dict, kind_key: str = "type", kind: str = "message") -> dict:
    return next(m for m in data["messages"] if m.get(kind_key) == kind)


def _discord(tmp_path: Path) -> Path:
    def change(data):
        _first_message(data, "type", "Default")["timestamp"] = "1e300"

    path = tmp_path / "discord.json"
    path.write_text(json.dumps(_json_with("discord_general.json", change)))
    return path


def _telegram(tmp_path: Path) -> Path:
    def change(data):
        _first_message(data)["date_unixtime"] = "inf"

    path = tmp_path / "result.json"
    path.write_text(json.dumps(_json_with("telegram_result.json", change)))
    return path


def _discourse(tmp_path: Path) -> Path:
    def change(data):
        data["post_stream"]["posts"][1]["created_at"] = "9999-12-31T23:59:59.000Z"

    path = tmp_path / "topic.json"
    path.write_text(json.dumps(_json_with("discourse_topic.json", change)))
    return path


def _reddit(tmp_path: Path) -> Path:
    records = [
        json.loads(line)
        for line in (FIXTURES / "reddit_acme.ndjson").read_text().split("\n")
        if line
    ]
    records[1]["created_utc"] = -1e10  # the year 1653
    path = tmp_path / "reddit.ndjson"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def _slack(tmp_path: Path) -> Path:
    folder = tmp_path / "slack"
    shutil.copytree(FIXTURES / "slack_export", folder)
    day = folder / "general" / "2026-03-02.json"
    messages = json.loads(day.read_text())
    next(m for m in messages if "subtype" not in m)["ts"] = "nan"
    day.write_text(json.dumps(messages))
    path = tmp_path / "slack.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*.json")):
            archive.write(file, file.relative_to(folder).as_posix())
    return path


# the messages each unchanged fixture gives (tests/test_importers.py checks them by hand)
MESSAGES = {"discord": 5, "telegram": 5, "discourse": 4, "reddit": 5, "slack": 5}
REJECTED = {"reddit": 1}  # the fixture's removed comment (its author deleted too)


@pytest.mark.parametrize(
    ("make", "fmt", "reason"),
    [
        (_discord, "discord", "bad timestamp '1e300'"),
        (_telegram, "telegram", "bad date_unixtime 'inf'"),
        (_discourse, "discourse", "time more than a day ahead of now"),
        (_reddit, "reddit", "time before 2000-01-01"),
        (_slack, "slack", "bad ts 'nan'"),
    ],
)
def test_each_platform_rejects_one_bad_time_and_keeps_the_rest(tmp_path, make, fmt, reason):
    done, _ = ecg_import(tmp_path, make(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"format: {fmt} " in done.stdout
    assert f"imported: {MESSAGES[fmt] - 1}\n" in done.stdout
    assert f"rejected: {1 + REJECTED.get(fmt, 0)}\n" in done.stdout
    assert f"  1 × {reason}" in done.stdout


@pytest.mark.parametrize("batch_size", ["1", "2", "10000"])
def test_an_id_twice_in_a_file_keeps_its_first_copy_whatever_the_batch(tmp_path, batch_size):
    export = tmp_path / "export.csv"
    export.write_text(
        "id,when,who,what\n"
        "m1,2026-03-01T10:00:00Z,ann,the first copy\n"
        "m2,2026-03-01T10:01:00Z,bob,another message\n"
        "m1,2026-03-01T10:02:00Z,eve,a second copy of m1\n"
    )
    done, url = ecg_import(tmp_path, export, *MAPS, "--batch-size", batch_size)
    assert done.returncode == 0, done.stderr
    assert "imported: 2\nskipped as duplicates: 1\n" in done.stdout
    engine = make_engine(url)
    with engine.connect() as conn:
        texts = conn.execute(text("SELECT external_id, text FROM messages ORDER BY 1")).all()
        members = conn.scalars(text("SELECT external_id FROM members ORDER BY 1")).all()
    engine.dispose()
    assert texts == [("m1", "the first copy"), ("m2", "another message")]
    assert members == ["ann", "bob"]  # eve wrote only the skipped copy


def test_a_wrong_mapping_that_rejects_every_row_exits_non_zero(tmp_path):
    export = tmp_path / "export.csv"
    rows = "".join(f"m{n},not a time {n},ann,hello {n}\n" for n in range(50))
    export.write_text("id,when,who,what\n" + rows)
    done, url = ecg_import(tmp_path, export, *MAPS)
    assert done.returncode == 1
    assert "rejected: 50\n" in done.stdout
    assert "nothing was imported: every message row was rejected" in done.stderr
    engine = make_engine(url)
    with engine.connect() as conn:
        sources = conn.scalar(text("SELECT count(*) FROM sources"))
    engine.dispose()
    assert sources == 0  # no empty source is left behind


def test_a_failed_import_leaves_no_empty_source(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("a,b\n1,2\n")
    done, url = ecg_import(
        tmp_path, export, "--map", "timestamp=when", "--map", "author=a", "--map", "text=b"
    )
    assert done.returncode == 2
    assert "mapped column(s) when not in the header" in done.stderr
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM sources")) == 0
    engine.dispose()


def test_a_message_in_paragraphs_with_the_files_number_of_commas_is_kept(tmp_path):
    """A quoted message over several lines, two of which hold as many commas as the
    header (id,when,who,what: three), written by Python's csv module: a valid row. It was
    taken for a quote left open (12 of 50,000 real chat messages were rejected so); a
    swallowed row also has a time in the time column, these lines do not."""
    import csv

    export = tmp_path / "export.csv"
    paragraphs = "we tried\n\nred, green, and blue, then\n\nsmall, large, and huge, too"
    with export.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "when", "who", "what"])
        out.writerow(["m1", "2026-03-01T10:00:00Z", "ann", paragraphs])
        out.writerow(["m2", "2026-03-01T10:01:00Z", "bob", "fine"])
    done, url = ecg_import(tmp_path, export, *MAPS)
    assert done.returncode == 0, done.stderr
    assert "imported: 2\nskipped as duplicates: 0\nrejected: 0\n" in done.stdout
    engine = make_engine(url)
    with engine.connect() as conn:
        kept = conn.scalar(text("SELECT text FROM messages WHERE external_id = 'm1'"))
    engine.dispose()
    assert kept == paragraphs


def test_an_unterminated_quote_is_reported_not_swallowed_silently(tmp_path):
    export = tmp_path / "export.csv"
    good = [f"m{n},2026-03-01T10:{n:02d}:00Z,ann,message {n}\n" for n in range(2, 12)]
    multi_line = 'm20,2026-03-01T11:00:00Z,bob,"a message\nover two lines, fine"\n'
    broken = 'm30,2026-03-01T12:00:00Z,eve,"the quote is never closed\n'
    after = [f"m{n},2026-03-01T12:{n:02d}:00Z,cid,after {n}\n" for n in range(31, 81)]
    export.write_text("id,when,who,what\n" + "".join(good) + multi_line + broken + "".join(after))
    done, _ = ecg_import(tmp_path, export, *MAPS)
    assert done.returncode == 0, done.stderr
    assert "imported: 11\n" in done.stdout  # ten good rows and the two-line message
    assert (
        "  1 × an unterminated quote: the lines after it were read into this row (line 14)"
        in done.stdout
    )
