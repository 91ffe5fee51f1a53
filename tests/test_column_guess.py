"""A CSV or JSONL file whose columns say what they hold imports without a mapping: the
fields are read from the header (ingest.formats.columns), on the command line and on
the Import page; what the user maps wins."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from data_access.db import make_engine
from ingest.formats.columns import guessed_columns, header_of
from ingest.formats.tabular import ColumnMapping

# the headers of the chat logs and issue reports in ../shared/data, written out here
MATRIX = "channel,source_file,message_id,timestamp_utc,author_id,author_name,reply_to_id,text"
STACKEXCHANGE = "post_id,post_type,parent_id,timestamp_utc,owner_user_id,score,tags,title,text"
UBUNTU = "split,file_id,line_idx,timestamp_inferred,hhmm,nick,is_system,annotated,text"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            MATRIX,
            {
                "timestamp": "timestamp_utc",
                "text": "text",
                "author": "author_id",
                "author_name": "author_name",
                "channel": "channel",
                "id": "message_id",
                "reply_to": "reply_to_id",
            },
        ),
        (
            STACKEXCHANGE,
            {
                "timestamp": "timestamp_utc",
                "text": "text",
                "author": "owner_user_id",
                "id": "post_id",
                "reply_to": "parent_id",
                "title": "title",
            },
        ),
        # no column named for a time but one that starts so; the nick is the author
        (UBUNTU, {"timestamp": "timestamp_inferred", "text": "text", "author": "nick"}),
        # names as people write them: capitals, spaces; a name alone is the author
        (
            "Date,User Name,Message",
            {"timestamp": "Date", "text": "Message", "author": "User Name"},
        ),
    ],
)
def test_the_fields_are_read_from_the_column_names(header, expected):
    assert guessed_columns(header.split(","), {}) == expected


def test_a_mapped_field_keeps_its_column_and_no_column_holds_two_fields():
    header = ["id", "created_at", "user", "body", "text"]
    # text is given as "body": the "text" column is not taken for anything else
    assert guessed_columns(header, {"text": "body"}) == {
        "text": "body",
        "timestamp": "created_at",
        "author": "user",
        "id": "id",
    }
    # the author given as the id column: the id field finds no other column
    assert guessed_columns(header, {"author": "id"}) == {
        "author": "id",
        "timestamp": "created_at",
        "text": "text",
    }


def test_a_header_that_names_no_required_field_is_a_clear_error():
    with pytest.raises(ValueError, match=r"required field\(s\) author among repo, created_at"):
        ColumnMapping.parse([], ["repo", "created_at", "label", "title", "body"])
    mapping = ColumnMapping.parse(["author=repo"], ["repo", "created_at", "label", "title", "body"])
    assert mapping.described() == "timestamp=created_at, author=repo, text=body, title=title"


def test_the_header_of_a_csv_and_of_a_jsonl_file(tmp_path):
    csv_file = tmp_path / "export.csv"
    csv_file.write_bytes('\ufeff"when, exactly",who\n2026-01-01,ana\n'.encode())
    assert header_of(csv_file, "csv") == ["when, exactly", "who"]
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text('\n{"ts": 1, "user": "a", "body": "hi"}\n{"other": 2}\n')
    assert header_of(jsonl, "jsonl") == ["ts", "user", "body"]
    jsonl.write_text("not json\n")
    assert header_of(jsonl, "jsonl") == []  # the reader says what is wrong with it
    assert header_of(tmp_path / "missing.csv", "csv") == []


CSV_EXPORT = (
    "message_id,timestamp_utc,author_id,author_name,channel,text\n"
    "m1,2026-11-02T10:00:00Z,u1,Ana,general,hello there\n"
    "m2,2026-11-02T10:01:00Z,u2,Ben,general,the app crashed again\n"
    "m3,2026-11-02T10:02:00Z,u1,Ana,help,how do I reset my password?\n"
)


def test_ecg_import_reads_the_columns_from_the_header_and_says_so(database_url, tmp_path):
    from tests.ecg_process import run_ecg

    export = tmp_path / "export.csv"
    export.write_text(CSV_EXPORT)
    done = run_ecg(["import", str(export)], tmp_path, ECG_DATABASE_URL=database_url)
    assert done.returncode == 0, done.stderr
    assert (
        "columns: timestamp=timestamp_utc, author=author_id, text=text, channel=channel, "
        "id=message_id, author_name=author_name (read from the column names where --map "
        "does not say)"
    ) in done.stdout
    assert "imported: 3" in done.stdout
    with make_engine(database_url).connect() as conn:
        stored = conn.execute(
            text(
                "SELECT m.external_id, mb.display_name, c.name FROM messages m"
                " JOIN members mb ON mb.id = m.member_id JOIN channels c ON c.id = m.channel_id"
                " ORDER BY m.external_id"
            )
        ).all()
    assert [tuple(row) for row in stored] == [
        ("m1", "Ana", "general"),
        ("m2", "Ben", "general"),
        ("m3", "Ana", "help"),
    ]

    unnamed = tmp_path / "unnamed.csv"
    unnamed.write_text("when,who,what\n2026-11-02T10:00:00Z,ana,hello\n")
    refused = run_ecg(["import", str(unnamed)], tmp_path, ECG_DATABASE_URL=database_url)
    assert refused.returncode == 2
    assert (
        "ecg: error: no column named for the required field(s) timestamp, author, text "
        "among when, who, what: map them with --map FIELD=COL"
    ) in refused.stderr
    mapped = ["--map", "timestamp=when", "--map", "author=who", "--map", "text=what"]
    done = run_ecg(["import", str(unnamed), *mapped], tmp_path, ECG_DATABASE_URL=database_url)
    assert done.returncode == 0, done.stderr
    assert "columns: timestamp=when, author=who, text=what\n" in done.stdout  # nothing guessed


def test_the_import_page_fills_the_mapping_from_the_header(monkeypatch, database_url):
    from access.permissions import Role
    from data_access.setup import init_database
    from tests.test_pages import open_page

    init_database(make_engine(database_url))
    app = open_page(monkeypatch, database_url, "../pages/import_data.py", role=Role.ANALYST)
    app.get("file_uploader")[0].upload("export.csv", CSV_EXPORT.encode()).run()
    filled = {t.label: t.value for t in app.text_input if t.label.startswith("Column for")}
    assert filled == {
        "Column for timestamp": "timestamp_utc",
        "Column for author": "author_id",
        "Column for text": "text",
        "Column for channel": "channel",
        "Column for id": "message_id",
        "Column for author_name": "author_name",
        "Column for reply_to": "",
        "Column for title": "",
    }
    text_column = next(t for t in app.text_input if t.label == "Column for text")
    text_column.set_value("").run()  # cleared: no import until it is said again
    assert "Say which column holds: text." in [w.value for w in app.warning]
    assert not [b for b in app.button if b.label == "Import"]
    text_column.set_value("text").run()
    next(b for b in app.button if b.label == "Import").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert {m.label: m.value for m in app.metric}["Imported"] == "3"


def test_a_jsonl_file_is_read_the_same_way(tmp_path):
    export = tmp_path / "bot.jsonl"
    lines = [{"ts": 1767261600, "user": "u1", "body": "hi", "room": "ops"}]
    export.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    mapping = ColumnMapping.parse([], header_of(export, "jsonl"))
    assert mapping.described() == "timestamp=ts, author=user, text=body, channel=room"


def test_a_spreadsheets_semicolons_and_a_tables_tabs_are_read(tmp_path, database_url):
    """A CSV saved by a spreadsheet in a European language separates with ';' (a text
    holding one is quoted); a table copied out of a database, with tabs. An unquoted
    separator inside a text is a rejected row with its reason, never a cut text."""
    from sqlalchemy import text

    from data_access.db import make_engine
    from tests.ecg_process import run_ecg

    semicolons = tmp_path / "export.csv"
    semicolons.write_text(
        "\ufefftimestamp;author;text\n"
        '2026-11-02 10:00;ana;"Hello; the app crashed"\n'
        "2026-11-02 10:05;ben;Works, for me\n"
        "2026-11-02 10:06;cy;unquoted; so this one would be cut\n",
        encoding="utf-8",
    )
    tabs = tmp_path / "table.tsv"
    tabs.write_text("timestamp\tauthor\ttext\n2026-11-02 11:00\tdee\tFrom a table, with tabs\n")
    url = {"ECG_DATABASE_URL": database_url}
    done = run_ecg(["import", str(semicolons)], tmp_path, **url)
    assert done.returncode == 0, done.stderr
    assert "imported: 2\n" in done.stdout and "rejected: 1\n" in done.stdout
    assert (
        "1 × more fields than the header has: a value holding the separator must be quoted (line 4)"
    ) in done.stdout
    assert run_ecg(["import", str(tabs)], tmp_path, **url).returncode == 0
    engine = make_engine(database_url)
    with engine.connect() as conn:
        texts = conn.execute(text("SELECT text FROM messages ORDER BY sent_at")).scalars().all()
    engine.dispose()
    assert texts == ["Hello; the app crashed", "Works, for me", "From a table, with tabs"]


def test_a_json_file_of_no_known_export_is_refused_with_what_is_read(
    monkeypatch, database_url, tmp_path
):
    """A .json that is no Discord, Slack, Telegram… export was read as a CSV: its first
    line offered as column names ("no column named … among [1, 2, 3]")."""
    from access.permissions import Role
    from data_access.setup import init_database
    from tests.ecg_process import run_ecg
    from tests.test_pages import open_page

    export = tmp_path / "notes.json"
    export.write_text('{"notes": [{"when": "2026-11-02", "said": "hi"}]}')
    refused = run_ecg(["import", str(export)], tmp_path, ECG_DATABASE_URL=database_url)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"ecg: error: {export}: a JSON file that is none of the exports Community ECG reads "
        "(Discord, Slack, Telegram, Discourse, Reddit, Messenger; docs/import.md): convert it "
        "to CSV or JSON Lines and map its columns, or name its format with --format\n"
    )
    init_database(make_engine(database_url))
    app = open_page(monkeypatch, database_url, "../pages/import_data.py", role=Role.ANALYST)
    app.get("file_uploader")[0].upload("notes.json", export.read_bytes()).run()
    assert not app.exception, [e.message for e in app.exception]
    assert [e.value for e in app.error] == [
        "This file is none of the exports Community ECG reads (Discord, Slack, Telegram, "
        "Discourse, Reddit, Messenger, WhatsApp, WeChat, QQ), and no table. Convert it to CSV "
        "or JSON Lines and map its columns."
    ]
    assert not [b for b in app.button if b.label == "Import"]


def test_the_import_page_names_an_empty_upload_empty(monkeypatch, database_url, tmp_path):
    """An empty file was called "none of the exports Community ECG reads" on the page."""
    from access.permissions import Role
    from data_access.setup import init_database
    from tests.test_pages import open_page

    init_database(make_engine(database_url))
    app = open_page(monkeypatch, database_url, "../pages/import_data.py", role=Role.ANALYST)
    app.get("file_uploader")[0].upload("chat.txt", b"\n\n").run()
    assert not app.exception, [e.message for e in app.exception]
    assert [e.value for e in app.error] == [
        "This file is empty: export the chat again, or choose another file."
    ]
    assert not [b for b in app.button if b.label == "Import"]
