"""Platform exports: DiscordChatExporter JSON."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import text

from analysis.topic_templates import TEMPLATES
from dashboard.cli.main import main
from data_access.db import make_engine
from ingest.formats.discord import read_discord
from ingest.records import ImportFormatError
from tests.conftest import ROOT

DISCORD = ROOT / "tests" / "fixtures" / "discord_general.json"


@pytest.fixture
def database(database_url) -> str:
    """An empty database of each kind, named by ECG_DATABASE_URL."""
    return database_url


def _rows(url: str, sql: str) -> list[tuple]:
    """Rows as SQLite gives them on both databases: times as stored text, booleans as 0/1."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(_as_sqlite(v) for v in r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def _as_sqlite(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    return int(value) if isinstance(value, bool) else value


def test_discord_export_is_recognised_and_imported(database, capsys):
    assert main(["import", str(DISCORD)]) == 0
    out = capsys.readouterr().out
    assert "format: discord (a DiscordChatExporter JSON export, recognised from its content)" in out
    assert "imported: 5\n" in out
    kept = "member activity kept: 2 (joins, leaves, reactions, posts without text)"
    assert f"rejected: 0\n{kept}\n" in out
    assert "platform events, not messages: 1\n  1 × GuildMemberJoin (a system event)" in out
    assert _rows(database, "SELECT name FROM channels") == [("general",)]
    assert _rows(database, "SELECT platform FROM sources") == [("discord",)]
    members = _rows(
        database, "SELECT external_id, display_name, is_bot FROM members ORDER BY external_id"
    )
    assert members == [
        ("700000000000000001", "Ann", 0),
        ("700000000000000002", "bob_staff", 0),
        ("700000000000000003", "cara", 0),
        ("700000000000000009", "StatusBot", 1),
    ]
    replies = _rows(
        database,
        "SELECT external_id, reply_to_external_id FROM messages "
        "WHERE reply_to_external_id IS NOT NULL",
    )
    assert replies == [("900000000000000003", "900000000000000002")]
    # 09:01:30.250 at +02:00 is 07:01:30.250 UTC
    assert _rows(
        database, "SELECT sent_at FROM messages WHERE external_id = '900000000000000002'"
    ) == [("2026-03-02 07:01:30.250000",)]
    assert _rows(
        database, "SELECT text FROM messages WHERE external_id = '900000000000000004'"
    ) == [("[attachment: screenshot.png]",)]
    # the bot's message counts as a message, not as an active member
    assert _rows(database, "SELECT sum(messages), sum(active_authors) FROM channel_hourly") == [
        (5, 3)
    ]
    assert "member activity kept: 2 (joins, leaves, reactions, posts without text)" in out
    activity = _rows(
        database,
        "SELECT a.kind, m.external_id, a.ref FROM member_activity a"
        " JOIN members m ON m.id = a.member_id ORDER BY a.kind, m.external_id",
    )
    assert activity == [  # Ann joined; bob reacted to her message (the export names him)
        ("join", "700000000000000001", ""),
        ("reaction", "700000000000000002", "900000000000000002"),
    ]
    assert main(["import", str(DISCORD)]) == 0
    again = capsys.readouterr().out
    assert "imported: 0\nskipped as duplicates: 5" in again
    assert "member activity kept" not in again  # nothing new the second time


def _broken(tmp_path, content: str):
    path = tmp_path / "export.json"
    path.write_text(content)
    return path


def test_truncated_discord_json_names_the_file_and_where(tmp_path):
    whole = DISCORD.read_text()
    path = _broken(tmp_path, whole[: whole.index('"900000000000000004"')])
    rows = read_discord(path)
    got = []
    with pytest.raises(ImportFormatError) as caught:
        for row in rows:
            got.append(row)
    assert len(got) == 3  # the three messages before the cut were read
    assert caught.value.path == str(path)
    assert "broken JSON after message 3" in caught.value.reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda m: m.pop("author"), "no author"),
        (lambda m: m.update(timestamp="yesterday"), "bad timestamp 'yesterday'"),
        (lambda m: m.update(author="ann"), "no author"),  # a string where an object belongs
        (lambda m: m.update(content=""), "no text"),
    ],
)
def test_bad_discord_messages_are_rejected_with_a_reason(tmp_path, change, reason):
    export = json.loads(DISCORD.read_text())
    change(export["messages"][1])
    path = _broken(tmp_path, json.dumps(export))
    rows = list(read_discord(path))
    assert rows[1].message is None and rows[1].error.startswith(reason)
    assert sum(row.message is not None for row in rows) == 4


def test_a_file_that_is_not_an_export(tmp_path):
    path = _broken(tmp_path, json.dumps({"guild": {}, "channel": {}, "messages": []}))
    with pytest.raises(ImportFormatError, match="no channel name"):
        list(read_discord(path))


SLACK = ROOT / "tests" / "fixtures" / "slack_export"


def slack_zip(
    tmp_path,
    extra: dict[str, str] | None = None,
    drop: str | None = None,
    name: str = "Acme Slack export.zip",
):
    """The fixture folder zipped as Slack ships it, with entries added or left out."""
    import zipfile

    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(SLACK.rglob("*.json")):
            entry = file.relative_to(SLACK).as_posix()
            if entry != drop:
                archive.write(file, entry)
        for entry, content in (extra or {}).items():
            archive.writestr(entry, content)
    return path


def test_slack_export_is_recognised_and_imported(database, tmp_path, capsys):
    path = slack_zip(tmp_path)
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "format: slack (a Slack workspace export, recognised from its content)" in out
    assert "imported: 5\n" in out
    assert "platform events, not messages: 2" in out
    assert "  1 × channel_join (a system event) (general/2026-03-02.json#1)" in out
    assert "  1 × channel_leave (a system event) (support/2026-03-02.json#2)" in out
    assert _rows(database, "SELECT name FROM channels ORDER BY name") == [
        ("general",),
        ("support",),
    ]
    members = _rows(
        database,
        "SELECT external_id, display_name, is_bot, email FROM members ORDER BY external_id",
    )
    assert members == [  # e-mails from users.json help to match people across platforms
        ("B03DEPLOY", "Deploy Bot", 1, None),
        ("U01ANN", "Ann", 0, "ann@example.com"),
        ("U02BOB", "Bob Baker", 0, None),  # no e-mail in his profile
    ]
    replies = _rows(
        database,
        "SELECT external_id, reply_to_external_id FROM messages "
        "WHERE reply_to_external_id IS NOT NULL ORDER BY external_id",
    )
    assert replies == [
        ("general:1772435200.000300", "general:1772435100.000200"),
        ("general:1772521500.000100", "general:1772435100.000200"),
    ]
    assert _rows(
        database,
        "SELECT sent_at, text FROM messages WHERE external_id = 'general:1772521500.000100'",
    ) == [("2026-03-03 07:05:00.000100", "Thanks Bob, fixed now & faster")]
    activity = _rows(
        database,
        "SELECT a.kind, m.external_id, a.at FROM member_activity a"
        " JOIN members m ON m.id = a.member_id WHERE a.kind != 'reaction'",
    )
    assert sorted(activity) == [  # channel_join and channel_leave, with their times in UTC
        ("join", "U02BOB", "2026-03-02 07:00:00.000100"),
        ("leave", "U01ANN", "2026-03-02 08:01:40.000100"),
    ]
    reactions = _rows(
        database,
        "SELECT m.external_id FROM member_activity a JOIN members m ON m.id = a.member_id"
        " WHERE a.kind = 'reaction'",
    )
    assert reactions == [("U02BOB",)]  # 'tada'
    assert main(["import", str(path)]) == 0
    assert "imported: 0\nskipped as duplicates: 5" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"../outside.json": "[]"}, "unsafe entry name in the zip: '../outside.json'"),
        ({"/etc/passwd.json": "[]"}, "unsafe entry name"),
        ({"general/2026-03-04.json": '[{"ts": "1"'}, "general/2026-03-04.json"),
    ],
)
def test_bad_slack_zips_name_the_problem_and_write_nothing(
    database, tmp_path, capsys, extra, message
):
    from dashboard.communities import prepare_community

    prepare_community(make_engine(database), "main")
    assert main(["import", str(slack_zip(tmp_path, extra)), "--batch-size", "100"]) == 2
    assert message in capsys.readouterr().err
    assert _rows(database, "SELECT count(*) FROM messages") == [(0,)]


def test_unexpected_entries_are_ignored_and_missing_ones_named(database, tmp_path, capsys):
    path = slack_zip(tmp_path, {"integration_logs.json": "[]", "canvases/x.bin": "?"})
    assert main(["import", str(path)]) == 0
    assert "imported: 5\n" in capsys.readouterr().out
    missing = slack_zip(
        tmp_path / "m" if (tmp_path / "m").mkdir() is None else tmp_path, drop="users.json"
    )
    assert main(["import", str(missing), "--format", "slack"]) == 2
    assert "users.json is missing from the export" in capsys.readouterr().err
    # recognised as Slack without --format too (it was taken for a CSV needing a mapping)
    assert main(["import", str(missing)]) == 2
    assert "users.json is missing from the export" in capsys.readouterr().err


TELEGRAM = ROOT / "tests" / "fixtures" / "telegram_result.json"


def test_telegram_export_is_recognised_and_imported(database, capsys):
    assert main(["import", str(TELEGRAM), "--bot", "Acme Bot"]) == 0
    out = capsys.readouterr().out
    assert "format: telegram (a Telegram Desktop export, recognised from its content)" in out
    assert "imported: 5\n" in out
    assert "platform events, not messages: 2" in out
    assert "  1 × join_group_by_link (a service message)" in out
    assert "  1 × pin_message (a service message)" in out
    assert _rows(database, "SELECT name FROM channels") == [("Acme Users",)]
    assert _rows(database, "SELECT display_name, is_bot FROM members ORDER BY display_name") == [
        ("Acme Bot", 1),
        ("Ann", 0),
        ("Bob", 0),
        ("Cara", 0),
    ]
    assert _rows(
        database,
        "SELECT text, reply_to_external_id FROM messages WHERE external_id = 'Acme Users:103'",
    ) == [("Yes, see https://example.com/changelog and update today", "Acme Users:102")]
    # date_unixtime 1772435100 is 07:05 UTC (the "date" field, 09:05, is local time)
    assert _rows(database, "SELECT sent_at FROM messages WHERE external_id = 'Acme Users:102'") == [
        ("2026-03-02 07:05:00.000000",)
    ]
    joined = _rows(
        database,
        "SELECT a.kind, m.external_id, a.ref FROM member_activity a"
        " JOIN members m ON m.id = a.member_id ORDER BY a.kind, m.external_id",
    )
    assert joined == [("join", "user1001", "")]  # joined by link
    assert main(["import", str(TELEGRAM)]) == 0
    assert "imported: 0\nskipped as duplicates: 5" in capsys.readouterr().out


def test_a_whole_account_export_reads_every_chat(tmp_path):
    from ingest.formats.telegram import read_telegram

    chat = json.loads(TELEGRAM.read_text())
    other = {**chat, "name": "Acme Staff", "messages": chat["messages"][1:3]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"about": "export", "chats": {"about": "", "list": [chat, other]}}))
    rows = [row.message for row in read_telegram(path) if row.message is not None]
    assert [m.channel for m in rows].count("Acme Staff") == 2
    assert len(rows) == 7


def test_truncated_telegram_json_names_the_file(tmp_path):
    from ingest.formats.telegram import read_telegram

    whole = TELEGRAM.read_text()
    path = tmp_path / "result.json"
    path.write_text(whole[: whole.index('"id": 104')])
    with pytest.raises(ImportFormatError) as caught:
        list(read_telegram(path))
    assert caught.value.path == str(path) and "broken JSON" in caught.value.reason


REDDIT = ROOT / "tests" / "fixtures" / "reddit_acme.ndjson"


def test_reddit_dump_is_recognised_and_imported(database, capsys):
    assert main(["import", str(REDDIT)]) == 0
    out = capsys.readouterr().out
    assert "format: reddit (Reddit submissions and comments, recognised from their fields)" in out
    assert "imported: 5\n" in out
    assert "1 × removed or empty comment (line 5)" in out  # a deleted author, no text
    assert _rows(database, "SELECT name FROM channels") == [("acme",)]
    assert _rows(database, "SELECT external_id, is_bot FROM members ORDER BY external_id") == [
        ("AutoModerator", 1),
        ("ann_r", 0),
        ("bob_r", 0),
        ("cara_r", 0),
    ]
    replies = _rows(
        database,
        "SELECT external_id, reply_to_external_id FROM messages "
        "WHERE reply_to_external_id IS NOT NULL ORDER BY external_id",
    )
    assert replies == [("t1_k1", "t3_1abcde"), ("t1_k2", "t1_k1"), ("t1_k3", "t3_1abcde")]
    assert _rows(database, "SELECT text FROM messages WHERE external_id = 't1_k1'") == [
        ("Yes, it shipped this morning & works great",)
    ]
    assert main(["import", str(REDDIT)]) == 0
    assert "imported: 0\nskipped as duplicates: 5" in capsys.readouterr().out


def test_broken_reddit_line_names_file_and_line(database, tmp_path, capsys):
    path = tmp_path / "dump.ndjson"
    path.write_text(REDDIT.read_text().splitlines()[0] + '\n{"id": "x", "subreddit": \n')
    assert main(["import", str(path), "--format", "reddit"]) == 2
    assert f"{path}, line 2: invalid JSON" in capsys.readouterr().err


DISCOURSE = ROOT / "tests" / "fixtures" / "discourse_topic.json"


def test_discourse_topic_is_recognised_and_imported(database, capsys):
    assert main(["import", str(DISCOURSE)]) == 0
    out = capsys.readouterr().out
    assert "format: discourse" in out
    assert "imported: 4\n" in out
    assert "  1 × closed.enabled 3 (an action or a whisper)" in out
    assert _rows(database, "SELECT name FROM channels") == [("category 5",)]
    assert _rows(
        database, "SELECT external_id, display_name, is_bot FROM members ORDER BY external_id"
    ) == [
        ("ann", "Ann Archer", 0),
        ("bob", "Bob Baker", 0),
        ("cara", "Cara", 0),
        ("system", "system", 1),
    ]
    assert _rows(database, "SELECT text FROM messages WHERE external_id = '42#1'") == [
        ("Since 2.3 I can't log in & the page just reloads.",)
    ]
    replies = _rows(
        database,
        "SELECT external_id, reply_to_external_id FROM messages "
        "WHERE reply_to_external_id IS NOT NULL ORDER BY external_id",
    )
    assert replies == [("42#2", "42#1"), ("42#3", "42#1"), ("42#5", "42#1")]
    # 09:00 at +01:00 is 08:00 UTC
    assert _rows(database, "SELECT sent_at FROM messages WHERE external_id = '42#5'") == [
        ("2026-03-02 08:00:00.000000",)
    ]
    assert main(["import", str(DISCOURSE)]) == 0
    assert "imported: 0\nskipped as duplicates: 4" in capsys.readouterr().out


def test_discourse_list_of_topics_and_a_wrong_file(tmp_path):
    from ingest.formats.discourse import plain_text, read_discourse

    topic = json.loads(DISCOURSE.read_text())
    second = {**topic, "id": 43}
    path = tmp_path / "topics.json"
    path.write_text(json.dumps([topic, second]))
    assert sum(row.message is not None for row in read_discourse(path)) == 8
    path.write_text(json.dumps({"topic_list": {"topics": []}}))
    with pytest.raises(ImportFormatError, match="a topic without post_stream"):
        list(read_discourse(path))
    assert plain_text("<p>re<b>port</b></p><p>next</p>") == "report next"


def test_an_analyst_uploads_an_export_on_the_import_page(monkeypatch, database_url):
    from access.permissions import Role
    from data_access.setup import init_database
    from tests.test_pages import open_page

    url = database_url
    init_database(make_engine(url))
    app = open_page(monkeypatch, url, "../pages/import_data.py", role=Role.ANALYST)
    app.get("file_uploader")[0].upload("general.json", DISCORD.read_bytes()).run()
    assert "Format: **discord**" in app.markdown[0].value
    next(b for b in app.button if b.label == "Import").click().run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {"Imported": "5", "Skipped as duplicates": "0", "Rejected": "0"}
    assert any("1 × GuildMemberJoin (a system event)" in c.value for c in app.caption)
    assert _rows(
        url, "SELECT actor, action, target FROM audit_log WHERE action = 'data.import'"
    ) == [("analyst", "data.import", "main / general.json")]


def test_a_manager_cannot_import_even_through_the_function(engine, tmp_path):
    from datetime import UTC, datetime

    from access.permissions import Actor, PermissionDenied, Role
    from dashboard.changes.uploads import import_upload

    with pytest.raises(PermissionDenied, match="a manager may not import exports"):
        import_upload(
            engine,
            Actor("mia", Role.MANAGER),
            DISCORD,
            "discord",
            None,
            "main",
            "general.json",
            datetime.now(UTC),
        )


def test_deleted_authors_and_titles_of_a_csv_are_kept(database_url, tmp_path):
    """A Reddit-style CSV: posts with a title, comments by deleted accounts. Every message
    is kept; the deleted ones under one 'deleted' member that no member figure counts; a
    reply to a deleted author's comment still points at it; a re-import adds nothing."""
    from tests.ecg_process import run_ecg

    export = tmp_path / "forum.csv"
    export.write_text(
        "id,created,author,title,body,parent\n"
        "p1,2026-03-02T10:00:00Z,ann,Chances at a state school?,3.9 GPA and a 1400,\n"
        "c1,2026-03-02T10:05:00Z,[deleted],,you will be fine,p1\n"
        "c2,2026-03-02T10:06:00Z,bob,,agreed with the comment above,c1\n"
        "c3,2026-03-02T10:07:00Z,[removed],,same here,p1\n"
        "c4,2026-03-02T10:08:00Z,,,no name on this one,p1\n"
        "p2,2026-03-02T10:09:00Z,cara,Decision day,,\n"
    )
    mapping = ["id=id", "timestamp=created", "author=author", "title=title", "text=body"]
    args = ["import", str(export), "--community", "forum"]
    for pair in [*mapping, "reply_to=parent"]:
        args += ["--map", pair]
    done = run_ecg(args, tmp_path, ECG_DATABASE_URL=database_url)
    assert done.returncode == 0, done.stderr
    assert "imported: 6\n" in done.stdout and "rejected: 0\n" in done.stdout
    assert "kept under one 'deleted' member (not counted as a member): 3" in done.stdout
    engine = make_engine(database_url)
    with engine.connect() as conn:
        members = conn.execute(
            text("SELECT external_id, display_name, is_bot FROM members ORDER BY external_id")
        ).all()
        texts = dict(conn.execute(text("SELECT external_id, text FROM messages")).all())
        replies = dict(
            conn.execute(text("SELECT external_id, reply_to_external_id FROM messages")).all()
        )
        active = conn.scalar(text("SELECT sum(active_authors) FROM channel_hourly"))
    engine.dispose()
    assert [tuple(m) for m in members] == [
        ("[deleted]", "deleted", True),
        ("ann", "ann", False),
        ("bob", "bob", False),
        ("cara", "cara", False),
    ]
    assert texts["p1"] == "Chances at a state school?\n\n3.9 GPA and a 1400"
    assert texts["p2"] == "Decision day"  # a post with a title only
    assert replies["c2"] == "c1"  # the reply to the deleted author's comment stays
    assert active == 3  # ann, bob, cara: the placeholder is no member
    again = run_ecg(args, tmp_path, ECG_DATABASE_URL=database_url)
    assert "imported: 0\nskipped as duplicates: 6" in again.stdout


def test_a_reddit_comment_of_a_deleted_account_is_kept_under_the_placeholder(tmp_path):
    from ingest.formats.reddit import read_reddit

    path = tmp_path / "comments.ndjson"
    path.write_text(
        '{"id": "k9", "subreddit": "acme", "author": "[deleted]", "created_utc": 1772435800,'
        ' "body": "still a useful answer", "parent_id": "t3_1abcde"}\n'
    )
    (row,) = list(read_reddit(path))
    message = row.message
    assert (message.author_id, message.author_name, message.is_bot) == (
        "[deleted]",
        "deleted",
        True,
    )
    assert (message.text, message.reply_to) == ("still a useful answer", "t3_1abcde")


def test_an_import_page_upload_into_a_new_community_starts_it_with_the_chosen_topics(
    monkeypatch, database_url
):
    from access.permissions import Role
    from data_access.setup import init_database
    from tests.test_pages import open_page

    init_database(make_engine(database_url))
    app = open_page(monkeypatch, database_url, "../pages/import_data.py", role=Role.ANALYST)
    app.get("file_uploader")[0].upload("general.json", DISCORD.read_bytes()).run()
    choice = next(s for s in app.selectbox if s.label == "Starting topics of the new community")
    assert choice.value == "none"
    choice.set_value("gaming").run()
    next(b for b in app.button if b.label == "Import").click().run()
    assert not app.exception
    topics = [name for (name,) in _rows(database_url, "SELECT name FROM topics ORDER BY name")]
    assert topics == sorted(rule.name for rule in TEMPLATES["gaming"])


def test_ecg_import_starts_a_new_community_with_no_topics_or_the_template_named(
    database_url, tmp_path
):
    from tests.ecg_process import run_ecg

    def topics_of(community: str) -> list[str]:
        return [
            name
            for (name,) in _rows(
                database_url,
                "SELECT t.name FROM topics t JOIN communities c ON c.id = t.community_id "
                f"WHERE c.name = '{community}' ORDER BY t.name",
            )
        ]

    plain = run_ecg(
        ["import", str(DISCORD), "--community", "club"], tmp_path, ECG_DATABASE_URL=database_url
    )
    assert plain.returncode == 0, plain.stderr
    assert topics_of("club") == []  # a new community starts with none
    forum = run_ecg(
        ["import", str(REDDIT), "--community", "forum", "--topics", "education"],
        tmp_path,
        ECG_DATABASE_URL=database_url,
    )
    assert forum.returncode == 0, forum.stderr
    assert topics_of("forum") == sorted(rule.name for rule in TEMPLATES["education"])
    # importing again with another template changes nothing: the community has its own
    again = run_ecg(
        ["import", str(REDDIT), "--community", "forum", "--topics", "gaming"],
        tmp_path,
        ECG_DATABASE_URL=database_url,
    )
    assert again.returncode == 0 and "imported: 0" in again.stdout
    assert topics_of("forum") == sorted(rule.name for rule in TEMPLATES["education"])
    wrong = run_ecg(
        ["import", str(REDDIT), "--topics", "cooking"], tmp_path, ECG_DATABASE_URL=database_url
    )
    assert wrong.returncode == 2 and "invalid choice: 'cooking'" in wrong.stderr
