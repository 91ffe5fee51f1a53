"""WeChat (WeChatMsg v1 CSV, v2 CSV, TXT), QQ (message-manager TXT), WhatsApp (.txt,
Android and iOS) and Facebook Messenger (message_*.json) exports, through `ecg import` as
a user runs it: exact counts of messages, members, posts without text and events from
the fixtures (written by hand from the exporters' code and documentation), nothing added
by a second import, named errors for cut and wrongly encoded files."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from data_access.db import make_engine
from ingest.formats.detect import choose_format, read_rows
from tests.ecg_process import run_ecg

FIXTURES = Path(__file__).parent / "fixtures"
WECHAT_V1 = FIXTURES / "wechat" / "产品交流群_utf8.csv"
WECHAT_V2 = FIXTURES / "wechat" / "产品交流群.csv"
WECHAT_TXT = FIXTURES / "wechat" / "产品交流群.txt"
QQ_TXT = FIXTURES / "qq" / "qq_groups.txt"  # GB18030, CRLF, two chats
WHATSAPP_ANDROID = FIXTURES / "whatsapp" / "WhatsApp Chat with Hiking Club.txt"
WHATSAPP_IOS = FIXTURES / "whatsapp" / "WhatsApp Chat - Family.txt"
MESSENGER = FIXTURES / "messenger" / "message_1.json"

# fixture -> (format, messages, members who wrote, posts without text, events, rejected)
EXPECTED = {
    WECHAT_V1: ("wechat", 4, 3, 5, 2, 1),
    WECHAT_V2: ("wechat", 3, 3, 2, 2, 0),
    WECHAT_TXT: ("wechat", 3, 3, 3, 2, 0),
    QQ_TXT: ("qq", 4, 2, 1, 1, 0),
    WHATSAPP_ANDROID: ("whatsapp", 4, 3, 2, 6, 0),
    WHATSAPP_IOS: ("whatsapp", 3, 3, 2, 3, 0),
    MESSENGER: ("messenger", 3, 2, 2, 3, 0),
}


@pytest.mark.parametrize("export", list(EXPECTED), ids=lambda p: p.name)
def test_an_export_imports_with_exact_counts_and_once(export, database_url, tmp_path):
    fmt, messages, writers, without_text, events, rejected = EXPECTED[export]
    first = run_ecg(
        ["import", str(export), "--community", "群"], tmp_path, ECG_DATABASE_URL=database_url
    )
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert f"format: {fmt} (" in out
    assert f"imported: {messages}\n" in out
    assert f"rejected: {rejected}\n" in out
    assert f"posts without text, kept as member activity: {without_text}\n" in out
    assert f"platform events, not messages: {events}\n" in out
    counts = _counts(database_url)
    assert counts == (messages, writers, without_text)
    again = run_ecg(
        ["import", str(export), "--community", "群"], tmp_path, ECG_DATABASE_URL=database_url
    )
    assert again.returncode == 0, again.stderr
    assert "imported: 0\n" in again.stdout
    assert f"skipped as duplicates: {messages}\n" in again.stdout
    assert "member activity kept" not in again.stdout
    assert _counts(database_url) == counts


def test_wechat_v1_rows_read_as_the_exporter_wrote_them():
    rows = list(read_rows("wechat", WECHAT_V1))
    texts = [
        (r.message.author_id, r.message.author_name, r.message.text) for r in rows if r.message
    ]
    assert texts == [
        ("wxid_a", "小王", "大家好，新版本什么时候发布？"),
        ("wxid_b", "小李", "下周一发布，敬请期待 🎉"),
        ("wxid_c", "张工", "App 闪退了\n打不开，怎么办"),  # the remark before the nickname
        ("wxid_c", "张工", "thanks, works now 👍"),
    ]
    # CreateTime 1772413200 is 2026-03-02 09:00 in Beijing
    assert rows[0].message.sent_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert rows[0].message.channel == "产品交流群"  # the chat, from the file's name
    events = [r.error for r in rows if r.event and not r.without_text]
    assert events == ["joined the group (a system line)", "recalled a message (a system line)"]
    media = [(r.error, r.activity[0].author_id) for r in rows if r.without_text]
    assert media == [
        ("image", "wxid_b"),
        ("sticker", "wxid_a"),
        ("voice message", "wxid_c"),
        ("quoted reply (its text is not in a v1 CSV)", "wxid_c"),
        ("call", "wxid_a"),
    ]


def test_wechat_txt_keeps_multi_line_text_and_drops_the_quoted_line():
    messages = [r.message.text for r in read_rows("wechat", WECHAT_TXT) if r.message]
    assert messages == ["大家好，新版本什么时候发布？", "下周一发布\n更新内容很多", "好的"]


def test_qq_reads_both_chats_twelve_hour_clocks_and_placeholders():
    rows = [r.message for r in read_rows("qq", QQ_TXT) if r.message]
    assert [(m.channel, m.author_id, m.author_name, m.text) for m in rows] == [
        ("游戏交流群", "10001", "阿强", "今晚开黑吗？"),
        ("游戏交流群", "10001", "阿强", "服务器又卡了\n一直掉线"),  # [表情] dropped
        ("游戏交流群", "10003", "大刘", "大家好"),
        ("另一个群", "10001", "阿强", "早"),
    ]
    # 下午 1:02:03 and 1:10:00 PM are 13:02:03 and 13:10 in Beijing
    assert rows[1].sent_at == datetime(2026, 3, 2, 5, 2, 3, tzinfo=UTC)
    assert rows[2].sent_at == datetime(2026, 3, 2, 5, 10, tzinfo=UTC)


def test_whatsapp_android_lines_read_with_their_senders_and_twelve_hour_clock():
    rows = list(read_rows("whatsapp", WHATSAPP_ANDROID))
    messages = [(m.author_id, m.text) for m in (r.message for r in rows) if m]
    assert messages == [
        ("Ana", "Welcome everyone! Trail on Saturday?"),
        ("Ben", "Count me in\nbut I might be late"),  # a continuation line
        ("Cleo", "hi all, the weather looks awful for Saturday :("),
        ("Ben", "view from the top!"),  # an attachment's caption
    ]
    # 1/2/26 could be either order and runs forward both ways: a 12-hour clock, month first
    first = next(r.message for r in rows if r.message)
    assert first.sent_at == datetime(2026, 1, 2, 21, 20, tzinfo=UTC)
    assert first.channel == "Hiking Club"
    media = [r.activity[0].author_id for r in rows if r.without_text]
    assert media == ["+1 555 010 0199", "Ben"]  # direction marks around the number dropped
    events = [r.error for r in rows if r.event and not r.without_text]
    assert events == [
        "the encryption notice (a system line)",
        "created the group (a system line)",
        "added a member (a system line)",
        "deleted a message (a system line)",
        "joined the group (a system line)",
        "left the group (a system line)",
    ]


def test_whatsapp_day_and_month_order_comes_from_the_whole_file(tmp_path):
    # iOS fixture: 06/11 then 01/12 runs backwards read month first, so day first
    ios = [r.message for r in read_rows("whatsapp", WHATSAPP_IOS) if r.message]
    assert [m.sent_at.date().isoformat() for m in ios] == ["2025-11-05", "2025-11-05", "2025-12-01"]
    # a day above 12 anywhere settles it, even on the last line
    lines = ["03/04/2026, 10:00 - Ana: first", "13/04/2026, 10:00 - Ben: second"]
    written = tmp_path / "WhatsApp Chat with X.txt"
    written.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dates = [r.message.sent_at.date() for r in read_rows("whatsapp", written)]
    assert [d.isoformat() for d in dates] == ["2026-04-03", "2026-04-13"]


def test_messenger_text_is_repaired_and_reactions_and_joins_are_kept():
    rows = list(read_rows("messenger", MESSENGER))
    messages = [(m.channel, m.author_id, m.text) for m in (r.message for r in rows) if m]
    assert messages == [
        ("Book Club 📚", "Ben", "See you all on Thursday"),
        ("Book Club 📚", "Ana López", "Nos vemos en el café ☕"),  # Latin-1 mojibake undone
        ("Book Club 📚", "Ana López", "Welcome to the book club!"),
    ]
    activity = [(a.kind, a.author_id) for r in rows for a in r.activity]
    assert activity == [
        ("reaction", "Ana López"),
        ("reaction", "Cleo"),
        ("media", "Cleo"),
        ("join", "Cleo"),
        ("leave", "Dee"),
        ("media", "Ben"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_qq_exports_read_the_same_in_every_encoding(encoding, tmp_path):
    copy = tmp_path / "qq_groups.txt"
    copy.write_bytes(QQ_TXT.read_bytes().decode("gb18030").encode(encoding))
    assert choose_format(copy)[0] == "qq"
    original = [(r.line, r.message, r.error) for r in read_rows("qq", QQ_TXT)]
    assert [(r.line, r.message, r.error) for r in read_rows("qq", copy)] == original


def test_a_cut_wechat_csv_is_a_named_error_and_nothing_is_written(database_url, tmp_path):
    data = WECHAT_V1.read_bytes()
    cut = tmp_path / "产品交流群_utf8.csv"
    cut.write_bytes(data[: data.index(b"thanks") + 3])  # inside the 10th row
    done = run_ecg(["import", str(cut)], tmp_path, ECG_DATABASE_URL=database_url)
    assert done.returncode != 0
    assert f"{cut}, line 12: the file ends mid-row" in done.stderr
    assert "Traceback" not in done.stderr
    assert _counts(database_url) == (0, 0, 0)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_a_wechat_csv_saved_again_in_gbk_or_utf16_imports_as_the_original(
    database_url, tmp_path, encoding
):
    """Excel on a Chinese Windows saves a CSV in GBK (a part of GB18030), its "Unicode
    text" in UTF-16: such a copy of a WeChat export was refused as invalid UTF-8."""
    copy = tmp_path / "产品交流群_utf8.csv"
    copy.write_bytes(WECHAT_V1.read_text(encoding="utf-8-sig").encode(encoding))
    done = run_ecg(["import", str(copy)], tmp_path, ECG_DATABASE_URL=database_url)
    assert done.returncode == 0, done.stderr
    assert _counts(database_url) == (4, 3, 5)  # as the page imports the original, below
    engine = make_engine(database_url)
    with engine.connect() as conn:
        texts = {t for (t,) in conn.execute(text("SELECT text FROM messages"))}
    engine.dispose()
    assert "大家好，新版本什么时候发布？" in texts  # Chinese, not mojibake


def test_a_csv_neither_utf8_nor_gb18030_is_a_named_error(database_url, tmp_path):
    """A UTF-8 file with one stray Latin-1 byte is not read as GB18030 (its lead byte has
    no valid trail): the import stops at it and names the line."""
    wrong = tmp_path / "export.csv"
    rows = "timestamp,author,text\n2026-03-02T10:00:00Z,ann,hello\n"
    wrong.write_bytes(rows.encode() + b"2026-03-02T10:01:00Z,bob,caf\xe9, ok\n")
    done = run_ecg(["import", str(wrong)], tmp_path, ECG_DATABASE_URL=database_url)
    assert done.returncode != 0
    assert f"{wrong}, line 3: invalid UTF-8 at byte 28 of the line" in done.stderr


def test_a_qq_file_of_mixed_encodings_is_a_named_error(tmp_path):
    mixed = tmp_path / "qq_groups.txt"
    text_ = QQ_TXT.read_bytes().decode("gb18030")
    head, tail = text_[:200], text_[200:]
    mixed.write_bytes(head.encode("utf-8") + ("x" * 70_000 + tail).encode("gb18030"))
    from ingest.records import ImportFormatError

    with pytest.raises(ImportFormatError) as caught:
        list(read_rows("qq", mixed))
    assert "not valid utf-8 text" in str(caught.value)


def test_the_import_page_takes_a_wechat_export(monkeypatch, database_url):
    from access.permissions import Role
    from data_access.setup import init_database
    from tests.test_pages import open_page

    init_database(make_engine(database_url))
    app = open_page(monkeypatch, database_url, "../pages/import_data.py", role=Role.ANALYST)
    app.get("file_uploader")[0].upload(WECHAT_V1.name, WECHAT_V1.read_bytes()).run()
    assert any("Format: **wechat**" in m.value for m in app.markdown)
    next(s for s in app.selectbox if s.label == "Starting topics of the new community").set_value(
        "chinese"
    ).run()
    next(b for b in app.button if b.label == "Import").click().run()
    assert not app.exception
    shown = (
        "Posts without text, kept as member activity: 1 × image, 1 × sticker, 1 × voice "
        "message, 1 × quoted reply (its text is not in a v1 CSV), and 1 × call"
    )
    assert shown in [c.value for c in app.caption]
    assert _counts(database_url) == (4, 3, 5)
    # the new community is one click away, on the 30 days up to its newest message (2026-03-02,
    # outside the last 7 days the sidebar shows by default): from the same hour of 01-31
    next(b for b in app.button if b.label == "Open main").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert app.selectbox(key="community").value == "main"
    assert app.header[0].value == "Overview"
    assert app.session_state["preset"] == "Custom"
    first, last = app.session_state["custom_dates"]
    assert (str(first), str(last)) == ("2026-01-31", "2026-03-02")


def test_the_import_page_names_posts_without_text_in_chinese(monkeypatch, database_url):
    from access.permissions import Role
    from data_access import accounts
    from data_access.setup import init_database
    from tests.test_pages import ensure_user, open_page

    engine = make_engine(database_url)
    init_database(engine)
    ensure_user(database_url, Role.ANALYST)
    accounts.set_language(engine, "analyst", "zh_CN")
    engine.dispose()
    app = open_page(monkeypatch, database_url, "../pages/import_data.py", role=Role.ANALYST)
    app.get("file_uploader")[0].upload(QQ_TXT.name, QQ_TXT.read_bytes()).run()
    next(b for b in app.button if b.label == "导入").click().run()
    assert not app.exception
    assert any(c.value.endswith("保留：1 × 图片") for c in app.caption), [
        c.value for c in app.caption
    ]
    assert [b.label for b in app.button if b.label.startswith("打开")] == ["打开 main"]


def test_every_kind_of_post_without_text_is_worded_for_translation():
    import re

    from dashboard.i18n.media_kinds import MEDIA_KINDS
    from ingest.formats import messenger, qq, wechat, whatsapp

    given = {"call", "link", "quoted reply (its text is not in a v1 CSV)", "attachment"}
    for names in (
        wechat.WITHOUT_TEXT_TYPES,
        wechat.V2_WITHOUT_TEXT,
        wechat.TXT_PLACEHOLDERS,
        qq.PLACEHOLDER_NAMES,
        messenger.MEDIA_KEYS,
    ):
        given |= set(names.values())
    attached = re.search(r"\(\?P<kind>([^)]*)\)", whatsapp.ATTACHMENT.pattern).group(1)
    given |= {kind.lower() for kind in attached.split("|")}
    assert given - set(MEDIA_KINDS) == set()


def _counts(url: str) -> tuple[int, int, int]:
    """(messages, members who wrote one, posts without text kept as activity)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        messages = conn.scalar(text("SELECT count(*) FROM messages")) or 0
        writers = conn.scalar(text("SELECT count(DISTINCT member_id) FROM messages")) or 0
        media = conn.scalar(text("SELECT count(*) FROM member_activity WHERE kind = 'media'"))
    engine.dispose()
    return messages, writers, media or 0


def test_clock_times_are_read_in_the_zone_named():
    from zoneinfo import ZoneInfo

    def first(fmt, path, zone=None, mapping=None):
        return next(r.message for r in read_rows(fmt, path, mapping, zone) if r.message)

    # "1/2/26, 9:20 PM - Ana: Welcome everyone!": 21:20 read as UTC; in Berlin (CET, +1)
    # it was 20:20 UTC, in New York (EST, -5) 02:20 UTC the next day
    assert first("whatsapp", WHATSAPP_ANDROID).sent_at == datetime(2026, 1, 2, 21, 20, tzinfo=UTC)
    berlin = first("whatsapp", WHATSAPP_ANDROID, ZoneInfo("Europe/Berlin"))
    assert berlin.sent_at == datetime(2026, 1, 2, 20, 20, tzinfo=UTC)
    assert first("whatsapp", WHATSAPP_ANDROID, ZoneInfo("America/New_York")).sent_at == (
        datetime(2026, 1, 3, 2, 20, tzinfo=UTC)
    )
    assert berlin.external_id == first("whatsapp", WHATSAPP_ANDROID).external_id
    # WeChat's clock is China's unless told otherwise: Tokyo's is an hour ahead of it
    china = first("wechat", WECHAT_TXT)
    tokyo = first("wechat", WECHAT_TXT, ZoneInfo("Asia/Tokyo"))
    assert china.sent_at - tokyo.sent_at == timedelta(hours=1)


def test_a_tables_times_without_an_offset_are_read_in_the_zone_named(tmp_path):
    from zoneinfo import ZoneInfo

    from ingest.formats.tabular import ColumnMapping

    table = tmp_path / "chat.csv"
    table.write_text(
        "timestamp,author,text\n"
        "2026-07-01T10:00:00,ann,summer in Berlin\n"  # CEST, +2
        "2026-07-01T10:00:00+00:00,bo,written in UTC\n"
    )
    mapping = ColumnMapping.parse([], ["timestamp", "author", "text"])
    utc = [r.message for r in read_rows("csv", table, mapping)]
    berlin = [r.message for r in read_rows("csv", table, mapping, ZoneInfo("Europe/Berlin"))]
    assert [m.sent_at.hour for m in utc] == [10, 10]
    assert [m.sent_at.hour for m in berlin] == [8, 10]  # the offset written wins
    assert [m.external_id for m in berlin] == [m.external_id for m in utc]  # known as before


def test_ecg_import_reads_a_whatsapp_export_in_the_zone_named(tmp_path, database_url):
    url = {"ECG_DATABASE_URL": database_url}
    done = run_ecg(
        ["import", str(WHATSAPP_ANDROID), "--timezone", "Europe/Berlin"], tmp_path, **url
    )
    assert done.returncode == 0, done.stderr
    assert "times: clock times read in Europe/Berlin" in done.stdout
    engine = make_engine(database_url)
    with engine.connect() as conn:
        first = conn.scalar(text("SELECT min(sent_at) FROM messages"))
    engine.dispose()
    assert str(first).startswith("2026-01-02 20:20:00")
    again = run_ecg(["import", str(WHATSAPP_ANDROID), "--timezone", "Asia/Tokyo"], tmp_path, **url)
    assert again.returncode == 0, again.stderr
    assert "imported: 0" in again.stdout  # the same messages: nothing added
    wrong = run_ecg(["import", str(WHATSAPP_ANDROID), "--timezone", "Mars/Base"], tmp_path, **url)
    assert wrong.returncode == 2
    assert "--timezone: 'Mars/Base' is not an IANA time zone" in wrong.stderr
    discord = run_ecg(
        ["import", str(FIXTURES / "discord_general.json"), "--timezone", "Europe/Berlin"],
        tmp_path,
        **url,
    )
    assert "times: discord exports carry their own time zone; --timezone is not used" in (
        discord.stdout
    )


def test_the_import_page_asks_the_zone_of_a_whatsapp_exports_times(monkeypatch, database_url):
    from access.permissions import Role
    from data_access.setup import init_database
    from tests.test_pages import open_page

    init_database(make_engine(database_url))
    app = open_page(monkeypatch, database_url, "../pages/import_data.py", role=Role.ANALYST)
    app.get("file_uploader")[0].upload(WHATSAPP_ANDROID.name, WHATSAPP_ANDROID.read_bytes()).run()
    zone = next(s for s in app.selectbox if s.label == "Time zone of the export's times")
    assert zone.value == "UTC"
    zone.set_value("America/New_York").run()
    next(b for b in app.button if b.label == "Import").click().run()
    assert not app.exception, [e.message for e in app.exception]
    engine = make_engine(database_url)
    with engine.connect() as conn:
        first = conn.scalar(text("SELECT min(sent_at) FROM messages"))
    engine.dispose()
    assert str(first).startswith("2026-01-03 02:20:00")  # 9:20 PM in New York
    # a Discord export carries its own zone: nothing to ask
    discord = FIXTURES / "discord_general.json"
    app.get("file_uploader")[0].upload(discord.name, discord.read_bytes()).run()
    assert not [s for s in app.selectbox if s.label == "Time zone of the export's times"]


def test_the_import_pages_topic_templates_are_named_in_chinese_for_a_chinese_reader(
    monkeypatch, database_url
):
    """The choices once read "software: 软件产品…": the template's key, in English, before
    its description."""
    from access.permissions import Role
    from data_access import accounts
    from tests.test_pages import ensure_user, open_page

    ensure_user(database_url, Role.ANALYST)
    engine = make_engine(database_url)
    accounts.set_language(engine, Role.ANALYST.value, "zh_CN")
    engine.dispose()
    app = open_page(monkeypatch, database_url, "../pages/import_data.py", role=Role.ANALYST)
    app.get("file_uploader")[0].upload(WECHAT_V1.name, WECHAT_V1.read_bytes()).run()
    choice = next(s for s in app.selectbox if s.label == "新社区的初始话题")
    assert choice.options[1] == "软件产品：计费、缺陷、故障、求助、版本发布…"
    assert not [o for o in choice.options if re.match("[a-z]+: ", o)], choice.options
