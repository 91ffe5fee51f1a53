"""The interface in Simplified Chinese: every string the code marks has a translation,
the compiled catalog is the one the .po makes, the language follows the account (saved)
or the browser, and the pages translated so far show no English of their own."""

from __future__ import annotations

import io
import logging
import re
from datetime import date

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from access.permissions import Role
from analysis.activity import Band, live_state
from dashboard import i18n
from data_access import accounts
from data_access.db import make_engine
from tests.conftest import ROOT
from tests.pages_fixtures import build_archive

CATALOG = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
TRANSLATED_PAGES = [
    "../pages/live.py",
    "../pages/sentiment.py",
    "../pages/overview.py",
    "../pages/topic_heat.py",
    "../pages/forecasts.py",
    "../pages/topics.py",
    "../pages/weekly.py",
    "../pages/users.py",
    "../pages/audit.py",
    "../pages/members.py",
    "../pages/import_data.py",
    "../pages/alerts.py",
    "../pages/thresholds.py",
    "../pages/people.py",
    "../pages/community_members.py",
    "../pages/member_profile.py",
    "../pages/segments.py",
]


@pytest.fixture
def chinese():
    i18n.use(i18n.CHINESE)
    yield
    i18n.use(i18n.ENGLISH)


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("zh-CN", "zh_CN"),
        ("zh-Hans", "zh_CN"),
        ("zh_TW", "zh_CN"),
        ("zh", "zh_CN"),
        ("en-US", "en"),
        ("de-DE", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_a_browser_language_becomes_one_the_interface_speaks(tag, language):
    assert i18n.normalised(tag) == language


def test_numbers_dates_and_weeks_are_written_as_each_language_writes_them(chinese):
    monday = date(2026, 3, 2)
    assert (i18n.number(12345.6, 1), i18n.percent(0.123, 1)) == ("12,345.6", "12.3%")
    assert (i18n.day(monday), i18n.week_of(monday)) == ("2026年3月2日", "2026年第10周")
    levels = ["骨干 ≥ 40", "常客 ≥ 10", "参与者 ≥ 2"]
    assert i18n.listed(levels) == "骨干 ≥ 40、常客 ≥ 10和参与者 ≥ 2"
    i18n.use(i18n.ENGLISH)
    assert (i18n.day(monday), i18n.week_of(monday)) == ("Mar 2, 2026", "week 10 of 2026")
    assert i18n.listed(["champion", "regular", "participant"]) == (
        "champion, regular, and participant"
    )
    assert (i18n.listed(["one"]), i18n.listed([])) == ("one", "")


def _marked_strings() -> set[str]:
    found = set()
    for folder in ("dashboard", "pages"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, keywords=KEYWORDS
        ):
            found.update(message if isinstance(message, tuple) else (message,))
    return found


def test_every_marked_string_has_a_chinese_translation_with_the_same_placeholders():
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    translations = {}  # every id, the plural one too -> its translation(s)
    for entry in catalog:
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        translations.update({one: [s for s in strings if s] for one in ids if one})
    marked = _marked_strings()
    assert len(marked) > 100
    untranslated = [m for m in sorted(marked) if not translations.get(m)]
    assert untranslated == [], "run `make i18n` and translate these in messages.po"
    for message in marked:
        for translated in translations[message]:
            assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(message))


def test_the_compiled_catalog_is_the_one_its_po_makes():
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    made = io.BytesIO()
    write_mo(made, catalog)
    assert CATALOG.with_suffix(".mo").read_bytes() == made.getvalue()


def test_the_live_reason_in_english_is_the_judgement_word_for_word():
    from dashboard.web.views import live_reason

    band = Band(2.0, 1.0, 3.0, 10.0)
    for observed in (0, 30, 31, 90, 400):
        state = live_state(observed, 15, band)
        assert live_reason(state) == state.reason
    assert live_reason(live_state(7, 15, None)) == live_state(7, 15, None).reason


def test_the_live_reason_in_chinese(chinese):
    from dashboard.web.views import live_reason

    state = live_state(90, 15, Band(2.0, 1.0, 3.0, 10.0))  # 3.0x the usual 30
    assert live_reason(state) == "最近 15 分钟有 90 条消息，是一周中这一小时通常的 30 条的 3.0 倍。"


@pytest.fixture(scope="module")
def chinese_archive(module_database_url) -> str:
    build_archive(module_database_url)
    engine = make_engine(module_database_url)
    from tests.test_pages import ensure_user

    ensure_user(module_database_url, Role.ADMIN)
    accounts.set_language(engine, "admin", "zh_CN")  # saved with the account
    engine.dispose()
    return module_database_url


def _shown_texts(app) -> list[str]:
    """What the page itself wrote: titles, captions, boxes, labels."""
    texts = [e.value for kind in ("header", "subheader", "caption", "info", "warning", "error")
             for e in getattr(app, kind)]  # fmt: skip
    texts += [m.label for m in app.metric]
    texts += [w.label for w in (*app.selectbox, *app.multiselect, *app.button, *app.date_input)]
    texts += [w.label for w in (*app.text_input, *app.tabs)]
    for table in app.table:  # a table's headers (its index's name too)
        texts += [str(c) for c in (*table.value.columns, table.value.index.name)]
    return [t for t in texts if t and t != "None"]


@pytest.mark.parametrize("page", TRANSLATED_PAGES)
def test_a_translated_page_in_chinese_shows_no_english_of_its_own(
    monkeypatch, chinese_archive, page
):
    from tests.test_pages import charts, open_page

    app = open_page(monkeypatch, chinese_archive, page)
    to_the_data = [b for b in app.button if b.label == "显示最新数据所在的 30 天"]
    if to_the_data:  # the archive's days, so that the page draws its charts
        to_the_data[0].click().run()
        assert not app.exception, [e.message for e in app.exception]
    shown = _shown_texts(app)
    assert shown
    english = [
        text
        for text in shown
        if not re.search("[\u4e00-\u9fff]", text)
        and text not in ("Language / 语言", "main", "Community ECG")  # names
        and not text.startswith("2026-")  # a time range
    ]
    assert english == []
    for chart in charts(app):
        layout = str(chart["layout"])
        assert "messages" not in layout and "Average sentiment" not in layout
        legend = {trace.get("name") for trace in chart["data"]}
        assert not legend & ENGLISH_LEGENDS, legend


# legend names the charts draw from the product's own words (channel and topic names are
# the community's own, left as they are)
ENGLISH_LEGENDS = {"positive", "neutral", "negative", "unscored", "other", "question",
                   "bug report", "feature request", "complaint", "praise", "All channels",
                   "forecast", "actual", "threshold", "usual", "normal band"}  # fmt: skip


def test_the_language_chosen_in_the_sidebar_is_saved_with_the_account(monkeypatch, database_url):
    from tests.test_pages import open_page

    app = open_page(monkeypatch, database_url)
    assert app.selectbox(key="language_picker").value == ""  # as the browser, at first
    app.selectbox(key="language_picker").set_value("zh_CN").run()
    assert not app.exception
    assert any("还没有消息" in box.value for box in app.info)
    engine = make_engine(database_url)
    assert accounts.find(engine, "admin").language == "zh_CN"
    engine.dispose()


def test_the_sidebars_choices_are_shown_in_the_language_just_chosen(monkeypatch, database_url):
    """The browser kept a choice's label from before ('Last 7 days' under 时间范围) until
    a reload: the switch now hands each worded choice back, to be shown anew."""
    from datetime import UTC, datetime, timedelta

    from dashboard.communities import prepare_community
    from ingest.pipeline import ImportTarget, run_import
    from ingest.records import ParsedRow, RawMessage
    from tests.test_pages import open_page

    engine = make_engine(database_url)
    prepare_community(engine, "c", "none")
    at = datetime.now(UTC) - timedelta(hours=2)
    row = ParsedRow(1, RawMessage("m1", at, "general", "u1", "U1", "hello"))
    run_import(engine, [row], ImportTarget("c", "chat", "discord"))
    engine.dispose()
    warned: list[str] = []  # Streamlit's warnings do not reach the root logger
    policies = logging.getLogger("streamlit.elements.lib.policies")
    handler = logging.Handler()
    handler.emit = lambda record: warned.append(record.getMessage())
    policies.addHandler(handler)
    try:
        app = open_page(monkeypatch, database_url)
        assert app.selectbox(key="preset").value == "Last 7 days"
        app.selectbox(key="language_picker").set_value("zh_CN").run()
    finally:
        policies.removeHandler(handler)
    for key, shown in (("preset", "最近 7 天"), ("platform", "全部平台")):
        sent = app.selectbox(key=key).proto
        assert (sent.set_value, sent.raw_value) == (True, shown), key
    assert app.selectbox(key="preset").value == "Last 7 days"  # the choice itself is kept
    # the time range's default came through the state, not beside it (a warning and a
    # stack in the server's log at every language switch)
    assert not [w for w in warned if "Session State API" in w], warned


def test_the_sign_in_form_speaks_the_viewers_language(monkeypatch, database_url):
    from streamlit.testing.v1 import AppTest

    from dashboard.web.languages import LANGUAGE_KEY
    from tests.test_pages import APP, ensure_user

    ensure_user(database_url, Role.ADMIN)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state[LANGUAGE_KEY] = "zh_CN"  # as a browser in Chinese gives it
    app.run()
    assert [box.label for box in app.text_input] == ["用户名", "密码"]
    assert "ecg users add" in app.caption[0].value and "还没有账户" in app.caption[0].value


def test_time_axes_are_dated_the_chinese_way(chinese):
    import plotly.graph_objects as go

    from dashboard.charts.style import CHINESE_DATE_TICKS, dated

    shown = dated(go.Figure(go.Scatter(x=["2026-03-02", "2026-03-03"], y=[1, 2])))
    stops = [stop.value for stop in shown.layout.xaxis.tickformatstops]
    assert stops == [stop["value"] for stop in CHINESE_DATE_TICKS]
    assert "%-m月%-d日" in stops
    i18n.use(i18n.ENGLISH)
    assert dated(go.Figure()).layout.xaxis.tickformatstops == ()


def test_the_alert_vocabulary_marked_for_translation_is_the_rules_own():
    from alerts import rules
    from dashboard.web import rule_editor

    assert rule_editor.METRIC_NAMES == rules.METRICS
    assert rule_editor.CONDITION_NAMES == rules.CONDITIONS
    assert rule_editor.SCOPE_NAMES == rules.SCOPES
    assert list(rule_editor.DIRECTION_NAMES) == list(rules.DIRECTIONS)
    assert list(rule_editor.SEVERITY_NAMES) == list(rules.SEVERITIES)


def test_a_rules_sentence_in_english_is_the_rules_own_description():
    from alerts.catalog import DEFAULT_RULES
    from dashboard.web.rule_editor import BLANK, rule_sentence

    for rule in (BLANK, *DEFAULT_RULES):
        assert rule_sentence(rule) == rule.describe(), rule.name


def test_a_rules_sentence_in_chinese(chinese):
    from alerts.rules import Rule
    from dashboard.web.rule_editor import rule_sentence

    rule = Rule("x", "volume", "zscore", "above", 4.0, window_minutes=60, for_minutes=10)
    assert rule_sentence(rule) == "60 分钟内消息量的 z 分数高于 4，持续 10 分钟（全部）"


def test_every_reason_the_library_gives_is_in_the_reason_catalog():
    """scripts/reason_templates.py reads the reasons from the source; the committed
    catalog (whose templates are translated like any string) must be what it makes."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    made = subprocess.run(
        [sys.executable, "scripts/reason_templates.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stdout + made.stderr


def test_the_library_reasons_in_chinese_by_hand(chinese):
    from access.permissions import Action, PermissionDenied, Role
    from dashboard.i18n.reasons import field_and_reason, translated

    assert translated("no text") == "没有文字"
    assert translated("bad timestamp '2025-13-01' (expected ISO 8601 or Unix time)") == (
        "时间戳有误 '2025-13-01'（应为 ISO 8601 或 Unix 时间）"
    )
    assert translated("no author (message 7 of #general)") == "没有作者 (message 7 of #general)"
    assert translated("same handle 'ana' on discord and slack") == (
        "discord 和 slack 上的用户名相同：“ana”"
    )
    assert translated("a reason no template has") == "a reason no template has"
    refused = PermissionDenied(Role.ANALYST, Action.MANAGE_USERS)  # the role and action too
    assert str(refused) == "an analyst may not manage users"
    assert translated(str(refused)) == "分析师无权管理用户"
    refused = PermissionDenied(Role.MANAGER, Action.KEEP_MEMBER_NOTES)
    assert translated(str(refused)) == "社区经理无权给成员打标签、写备注和保存分群"
    assert field_and_reason("keywords", "give at least one keyword, phrase or pattern") == (
        "关键词: 至少给出一个关键词、短语或模式"
    )
    i18n.use(i18n.ENGLISH)
    assert translated("no text") == "no text"


def test_a_rejected_rows_reason_on_the_import_page_is_in_chinese(monkeypatch, database_url):
    import json

    from access.permissions import Role
    from data_access.setup import init_database
    from tests.test_importers import DISCORD
    from tests.test_pages import ensure_user, open_page

    init_database(make_engine(database_url))
    ensure_user(database_url, Role.ANALYST)
    accounts.set_language(make_engine(database_url), "analyst", "zh_CN")
    export = json.loads(DISCORD.read_text())
    plain = next(m for m in export["messages"] if m.get("type", "Default") == "Default")
    plain.pop("author")
    app = open_page(monkeypatch, database_url, "../pages/import_data.py", role=Role.ANALYST)
    app.get("file_uploader")[0].upload("general.json", json.dumps(export).encode()).run()
    next(b for b in app.button if b.label == "导入").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert {m.label: m.value for m in app.metric}["已拒绝"] == "1"
    assert any(t.value.startswith("1 × 没有作者（第 ") for t in app.text), [
        t.value for t in app.text
    ]
    assert "DiscordChatExporter 导出的 JSON，按内容识别" in app.markdown[0].value  # the format
    assert any("1 × GuildMemberJoin（系统事件）" in c.value for c in app.caption)


def test_a_long_chinese_text_is_shortened_by_its_characters_not_dropped():
    """textwrap cuts at spaces: a Chinese text longer than the room, with none, became
    "[...]" alone (the Topics page's suggested samples, a correction's choices)."""
    from dashboard.i18n import shortened

    chinese = "送餐很快，味道不错" * 20  # 180 characters, no space
    cut = shortened(chinese, 40)
    assert cut == chinese[:19] + "…"  # 19 characters of two Latin widths, then the mark
    assert shortened("味道不错", 40) == "味道不错"
    assert shortened("the soup was cold and the rice was late", 20) == "the soup was [...]"


def test_the_shipped_rules_names_and_runbooks_are_marked_for_translation():
    from alerts.rules import DEFAULT_RULES
    from dashboard.i18n import alert_words

    assert set(alert_words.NAMES) == {rule.name for rule in DEFAULT_RULES}
    assert set(alert_words.RUNBOOKS) == {rule.runbook for rule in DEFAULT_RULES}


def test_a_shipped_rule_is_named_in_chinese_and_a_rule_of_ones_own_as_written(chinese):
    from dashboard.i18n.alert_words import rule_text as shown

    assert shown("Topic spike") == "话题突增"
    assert shown("Source silent") == "数据源静默"
    assert shown("Open the topic's drill-down (Topic heat) and check what changed.") == (
        "打开该话题的明细（话题热度页面），查看发生了什么变化。"
    )
    assert shown("Topic spike in #support") == "Topic spike in #support"  # someone's own
    assert shown("") == ""


def test_the_thresholds_page_in_chinese_names_the_shipped_rules_in_chinese(
    monkeypatch, chinese_archive
):
    from tests.test_pages import open_page

    app = open_page(monkeypatch, chinese_archive, "../pages/thresholds.py")
    assert not app.exception, [e.message for e in app.exception]
    listed = list(app.table[0].value.index)
    assert "消息量激增" in listed and "活跃度下降" in listed, listed
    assert "Volume surge" not in listed
    assert set(app.table[0].value["启用"]) <= {"是", "否"}  # not True/False
    chooser = next(s for s in app.selectbox if s.label == "要编辑的规则")
    assert "话题占比激增" in chooser.options, chooser.options
    # the editor's fields hold the English the rule is saved under, and say how it reads
    name = next(t for t in app.text_input if t.label == "名称")
    shown = {"Activity drop": "活跃度下降"}.get(name.value)
    assert shown, name.value  # the first rule in the chooser
    assert f"显示为“{shown}”；以英文保存，更新时据此识别这条内置规则。" in [
        c.value for c in app.caption
    ]


def test_an_episodes_scope_reads_in_chinese_with_the_communitys_names_kept(chinese):
    from dashboard.i18n.alert_words import scope_label

    assert scope_label("everything") == "全部"
    assert scope_label("topic billing") == "话题 billing"
    assert scope_label("channel general chat") == "频道 general chat"
    assert scope_label("kind bug report") == "类型 缺陷报告"
    assert scope_label("segment at-risk regulars") == "分群 at-risk regulars"
    assert scope_label("terms outage, down") == "词语 outage, down"
    assert scope_label("kind of its own") == "kind of its own"  # not a label's shape


def test_an_episodes_scope_in_english_is_as_stored():
    from dashboard.i18n.alert_words import scope_label

    for label in ("everything", "topic billing", "kind bug report", "terms outage, down"):
        assert scope_label(label) == label


def test_the_forecast_series_of_the_whole_community_is_named_in_chinese(
    monkeypatch, chinese_archive
):
    from tests.test_pages import open_page

    app = open_page(monkeypatch, chinese_archive, "../pages/forecasts.py")
    assert not app.exception, [e.message for e in app.exception]
    chooser = next(s for s in app.selectbox if s.label == "序列")
    assert chooser.options[0] == "整个社区"
    assert "whole community" not in chooser.options


def test_the_uploaders_style_sheet_quotes_its_words_safely():
    from dashboard.web.streamlit_words import size_note, uploader_style

    assert size_note(200, ["csv", "txt"]) == "200MB per file • CSV, TXT"
    style = uploader_style('上"传', "a\\b</style><script>")
    assert 'content: "上\\"传"' in style
    assert 'content: "a\\\\b\\3c /style>\\3c script>"' in style
    assert style.count("<") == 2  # only the style element's own tags


def test_a_text_boxs_hint_is_worded_for_where_the_box_is():
    from dashboard.web.streamlit_words import hints_style

    style = hints_style("A", "B", "C", "D")
    hint = '[data-testid="InputInstructions"] > span:first-child::after'
    # the more precise selector wins: a text area in a form over a form or a text area
    assert f'{hint} {{ content: "A"; font-size: 0.75rem; }}' in style
    assert f'[data-testid="stForm"] {hint} {{ content: "B"; }}' in style
    assert f'[data-testid="stTextArea"] {hint} {{ content: "C"; }}' in style
    assert f'[data-testid="stForm"] [data-testid="stTextArea"] {hint} {{ content: "D"; }}' in style
