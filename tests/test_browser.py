"""The served app in headless Chromium: every page draws, with no error box; a sign-in
lasts across reloads, bookmarks and typed addresses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from access.permissions import Role
from dashboard.communities import simulate
from data_access.db import make_engine
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage
from ingest.simulate import CommunitySpec, default_incidents
from tests.conftest import ROOT, free_port, unavailable
from tests.ecg_process import wait_until_answers
from tests.test_pages import PASSWORD, ensure_user

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = {"live": "/", "sentiment": "/sentiment", "topic_heat": "/topic_heat", "topics": "/topics"}
CHART = '[data-testid="stPlotlyChart"] .main-svg'
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


SERVED_DATABASE: dict[str, str] = {}  # the served app's database, for tests that change it
XSS_CHANNEL = "<img src=x onerror=alert(1)>"
BOLD_CHANNEL = "<b>loud</b> & <a href='https://example.com'>link</a>"
XSS_AUTHOR = "<script>alert(1)</script>"
XSS_TEXT = "[click me](javascript:alert(1)) ![x](http://127.0.0.1:9/x.png) <b>bold</b>"


@pytest.fixture(scope="module")
def served_app(tmp_path_factory):
    """The dashboard on 127.0.0.1 over a 10-day simulated community ending now, with a
    channel, an author and messages that carry HTML and markdown, and a user per role."""
    url = f"sqlite:///{tmp_path_factory.mktemp('served') / 'ecg.db'}"
    SERVED_DATABASE["url"] = url
    engine = make_engine(url)
    now = datetime.now(UTC)
    simulate(
        engine,
        "demo",
        now - timedelta(days=10),
        now,
        CommunitySpec(incidents=default_incidents(now)),
    )
    hostile = [
        ParsedRow(
            0,
            RawMessage(
                f"xss-{n}",
                now - timedelta(minutes=n + 1),
                XSS_CHANNEL,
                "intruder",
                XSS_AUTHOR,
                f"{XSS_TEXT} terrible {n}",
            ),
        )
        for n in range(12)
    ] + [
        ParsedRow(
            0,
            RawMessage(
                f"bold-{n}",
                now - timedelta(minutes=n + 1),
                BOLD_CHANNEL,
                "shouter",
                "Shouter",
                f"terrible news {n}",
            ),
        )
        for n in range(3)
    ]
    run_import(engine, hostile, ImportTarget("demo", "hostile", "discord"))
    for role in Role:
        ensure_user(url, role)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard" / "server.py"),  # as `ecg run` serves it
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        env={**os.environ, "ECG_DATABASE_URL": url},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_answers(f"{base}/_stcore/health", server, 60)
        except RuntimeError as error:
            raise RuntimeError(f"{error}: {server.stdout.read().decode()[-2000:]}") from None
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        unavailable("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(browser, base: str, name: str, password: str = PASSWORD, path: str = "/"):
    """A new browser session, signed in through the form; returns its page."""
    page = browser.new_context(viewport={"width": 1400, "height": 1600}).new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(base + path)
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    return page


def nav_links(page) -> list[str]:
    """The sidebar's page links once signed in (Streamlit shows none for a single page)."""
    page.get_by_role("button", name="Sign out").wait_for(timeout=60_000)
    return page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_draws_without_errors(served_app, browser, name):
    page = sign_in(browser, served_app, "admin", path=PAGES[name])
    try:
        if name == "topics":
            page.wait_for_selector('[data-testid="stTable"]', timeout=60_000)  # the list, a table
        else:
            page.wait_for_selector(CHART, timeout=60_000)
        page.wait_for_timeout(1000)  # let the last elements settle before the screenshot
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert page.locator(ERRORS).count() == 0
        assert page.locator('[data-testid="stHeading"]').first.inner_text() != ""
    finally:
        page.context.close()


@pytest.mark.parametrize(("name", "path", "heading"), [
    ("manager", "/live", "Live activity"),  # the manager's first page, served at "/"
    ("executive", "/weekly", "Weekly report"),
])  # fmt: skip
def test_the_first_page_opens_at_its_own_address_too(served_app, browser, name, path, heading):
    page = sign_in(browser, served_app, name, path=path)
    try:
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        assert page.get_by_text("Page not found").count() == 0
    finally:
        page.context.close()


def test_live_trace_is_drawn_with_points(served_app, browser):
    page = sign_in(browser, served_app, "manager")
    try:
        page.wait_for_selector(CHART, timeout=60_000)
        # the trace is a real line, not an empty axis: an SVG path with segments (plotly
        # merges runs of equal points, so the count of segments varies with the data)
        path = page.locator('[data-testid="stPlotlyChart"] .scatterlayer .trace path.js-line')
        assert path.count() >= 1
        assert path.last.get_attribute("d").count("L") >= 5
        ticks = page.locator('[data-testid="stPlotlyChart"] .xtick text')
        assert ticks.count() >= 3
    finally:
        page.context.close()


def test_wrong_password_shows_an_error_and_no_data(served_app, browser):
    page = sign_in(browser, served_app, "analyst", "not the password")
    try:
        error = page.locator('[data-testid="stAlertContentError"]')
        error.wait_for(timeout=60_000)
        assert "wrong name or password" in error.inner_text()
        assert page.locator(CHART).count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    finally:
        page.context.close()


def test_executive_reads_the_weekly_report_and_is_refused_elsewhere(served_app, browser):
    page = sign_in(browser, served_app, "executive")
    try:
        links = [text.split("\n")[-1] for text in nav_links(page)]  # after the icon's name
        assert links == ["Weekly report", "Overview"]  # no Topics, Users, Live, ...
        heading = page.locator('[data-testid="stMain"] [data-testid="stHeading"]')
        heading.filter(has_text="Weekly report").first.wait_for(timeout=60_000)  # the first page
        page.get_by_text("Health score").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "weekly_executive.png"), full_page=True)
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Weekly report (PDF)").click()
        pdf = download.value.path().read_bytes()
        assert pdf.startswith(b"%PDF") and download.value.suggested_filename.endswith(".pdf")
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.context.close()
    for path in ("/topics", "/users", "/live"):  # opening another page's URL directly
        page = sign_in(browser, served_app, "executive", path=path)
        try:
            refusal = page.locator('[data-testid="stAlertContentError"]')
            refusal.wait_for(timeout=60_000)
            assert "Your role (executive) cannot open this page" in refusal.inner_text()
            assert page.locator(CHART).count() == 0
        finally:
            page.context.close()


def test_analyst_edits_a_topic_then_signs_out(served_app, browser):
    page = sign_in(browser, served_app, "analyst", path="/topics")
    try:
        page.wait_for_selector('[data-testid="stTable"]', timeout=60_000)  # the list, a table
        page.get_by_role("textbox", name="Name", exact=True).fill("weather")
        page.get_by_role("textbox", name="Name", exact=True).press("Enter")
        page.get_by_role("textbox", name="Keywords").fill("rain\nsnow")
        page.get_by_role("textbox", name="Keywords").press("Control+Enter")
        page.get_by_role("button", name="Save and re-tag past messages").click()
        success = page.locator('[data-testid="stAlertContentSuccess"]')
        success.wait_for(timeout=60_000)
        assert "Saved." in success.inner_text()
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    finally:
        page.context.close()


def test_community_text_is_shown_literally_and_never_run(served_app, browser):
    page = sign_in(browser, served_app, "admin", path="/sentiment")
    try:
        page.wait_for_selector(CHART, timeout=60_000)
        page.wait_for_timeout(1500)
        ticks = page.locator('[data-testid="stPlotlyChart"] .xtick text').all_text_contents()
        assert XSS_CHANNEL in ticks  # the channel names, as text, under their bars
        assert BOLD_CHANNEL in ticks
        charts = '[data-testid="stPlotlyChart"]'
        assert page.locator(f"{charts} a").count() == 0  # no link made from a name
        assert page.locator(f"{charts} tspan[style*='bold']").count() == 0  # nor bold
        assert page.locator("img[src='x']").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "hostile_text.png"), full_page=True)
    finally:
        page.context.close()  # a dialog would have failed the test through page.on("dialog")


def only_field(page, label: str, value: str) -> None:
    """Wait until one text field has the `label` and it holds `value` (a rerun draws the
    new form before it removes the old one)."""
    page.wait_for_function(
        """([label, value]) => {
            const found = [...document.querySelectorAll(`input[aria-label="${label}"]`)];
            return found.length === 1 && found[0].value === value;
        }""",
        arg=[label, value],
        timeout=60_000,
    )


def test_analyst_changes_a_threshold_after_seeing_its_backtest(served_app, browser):
    page = sign_in(browser, served_app, "analyst", path="/thresholds")
    try:
        page.wait_for_selector('[data-testid="stTable"]', timeout=60_000)  # the list, a table
        page.get_by_role("combobox", name="Rule to edit").click()
        page.get_by_role("option", name="Negative-sentiment surge").click()
        # the first rule's form and chart stay until the rerun replaces them: wait for the
        # chosen rule's own threshold, alone on the page
        only_field(page, "Threshold", "1.5")
        threshold = page.get_by_role("textbox", name="Threshold", exact=True)
        threshold.fill("0.4")
        threshold.press("Enter")
        only_field(page, "Threshold", "0.4")
        recovery = page.get_by_role("textbox", name="Recovery threshold (blank: the threshold)")
        recovery.fill("0.3")
        recovery.press("Enter")
        only_field(page, "Recovery threshold (blank: the threshold)", "0.3")
        page.wait_for_timeout(1500)
        page.wait_for_selector(CHART, timeout=60_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "thresholds.png"), full_page=True)
        page.get_by_role("button", name="Save rule").click()
        success = page.locator('[data-testid="stAlertContentSuccess"]')
        success.wait_for(timeout=60_000)
        assert "Saved Negative-sentiment surge as version 2" in success.inner_text()
    finally:
        page.context.close()
    page = sign_in(browser, served_app, "manager", path="/thresholds")
    try:
        refusal = page.locator('[data-testid="stAlertContentError"]')
        refusal.wait_for(timeout=60_000)
        assert "Your role (manager) cannot open this page" in refusal.inner_text()
    finally:
        page.context.close()


def test_alerts_page_draws_for_a_manager(served_app, browser):
    page = sign_in(browser, served_app, "manager", path="/alerts")
    try:
        page.get_by_text("Firing now").wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "alerts.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.context.close()


def signed_in_heading(page) -> str:
    page.get_by_role("button", name="Sign out").wait_for(timeout=60_000)
    heading = page.locator('[data-testid="stMain"] [data-testid="stHeading"]').first
    heading.wait_for(timeout=60_000)
    return heading.inner_text()


def test_a_reload_a_bookmark_and_a_typed_address_keep_the_sign_in(served_app, browser):
    page = sign_in(browser, served_app, "manager", path="/topic_heat")
    try:
        assert signed_in_heading(page) == "Topic heat"  # the page asked for, after sign-in
        cookie = next(c for c in page.context.cookies() if c["name"] == "ecg_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        page.reload()
        assert signed_in_heading(page) == "Topic heat"
        bookmark = page.context.new_page()  # the same browser, a new tab, a typed address
        bookmark.goto(served_app + "/sentiment")
        assert signed_in_heading(bookmark) == "Sentiment"
        bookmark.get_by_role("button", name="Sign out").click()
        bookmark.get_by_role("textbox", name="User name").wait_for(timeout=60_000)
        page.reload()  # signed out everywhere: the cookie no longer signs anyone in
        page.get_by_role("textbox", name="User name").wait_for(timeout=60_000)
    finally:
        page.context.close()


def test_a_password_change_ends_the_browser_sessions(served_app, browser):
    from access.permissions import SERVER_SHELL
    from data_access import accounts

    page = sign_in(browser, served_app, "executive", path="/overview")
    try:
        assert signed_in_heading(page) == "Overview"
        engine = make_engine(SERVED_DATABASE["url"])
        accounts.set_password(engine, SERVER_SHELL, "executive", PASSWORD, datetime.now(UTC))
        engine.dispose()
        page.reload()
        page.get_by_role("textbox", name="User name").wait_for(timeout=60_000)
    finally:
        page.context.close()


def test_every_page_of_the_role_is_in_the_sidebar(served_app, browser):
    page = sign_in(browser, served_app, "admin")
    try:
        titles = [link.split("\n")[-1] for link in nav_links(page)]  # after the icon's name
        assert len(titles) == 17 and "Audit log" in titles and "Users" in titles
    finally:
        page.context.close()


def test_the_first_sign_in_leads_to_the_page_asked_for(served_app, browser):
    from access.permissions import SERVER_SHELL
    from data_access import accounts

    engine = make_engine(SERVED_DATABASE["url"])
    one_time = "a one-time password"
    accounts.add_user(
        engine, SERVER_SHELL, "newbie", Role.MANAGER, one_time, datetime.now(UTC), True
    )
    engine.dispose()
    page = sign_in(browser, served_app, "newbie", one_time, path="/alerts")
    try:
        page.get_by_role("heading", name="Choose a new password").wait_for(timeout=60_000)
        page.get_by_role("textbox", name="New password").fill("my own long password")
        page.get_by_role("textbox", name="The same again").fill("my own long password")
        page.get_by_role("button", name="Save").click()
        assert signed_in_heading(page) == "Alerts"
        titles = [link.split("\n")[-1] for link in nav_links(page)]
        assert "Alerts" in titles and len(titles) == 10  # every page of a manager
    finally:
        page.context.close()


def test_streamlits_own_words_are_in_the_readers_language(served_app, browser):
    """Streamlit writes a text box's hint and its uploader's button and size note in
    English only; a Chinese reader met "Press Enter to submit form" on the sign-in form
    and "Upload", "200MB per file" on an otherwise Chinese Import page."""
    hint = '[data-testid="InputInstructions"] > span:first-child'
    drawn_after = "e => getComputedStyle(e, '::after').content"

    def drawn_words(locale: str) -> tuple[str, list[str]]:
        context = browser.new_context(viewport={"width": 1400, "height": 1200}, locale=locale)
        page = context.new_page()
        try:
            page.goto(served_app + "/import_data")
            page.locator('input[type="password"]').wait_for(timeout=60_000)
            page.locator('input[type="text"]').first.fill("analyst")
            page.locator(hint).wait_for(state="attached", timeout=10_000)
            sign_in_hint = page.locator(hint).evaluate(drawn_after)
            page.locator('input[type="password"]').fill(PASSWORD)
            page.locator('[data-testid="stBaseButton-primaryFormSubmit"]').click()
            page.locator('[data-testid="stFileUploaderDropzone"]').wait_for(timeout=60_000)
            page.wait_for_timeout(500)
            uploader = page.evaluate(
                """() => ['button p', '[data-testid=stFileUploaderDropzoneInstructions] span']
                  .map(s => document.querySelector('[data-testid=stFileUploaderDropzone] ' + s))
                  .map(e => getComputedStyle(e, '::after').content)"""
            )
            return sign_in_hint, uploader
        finally:
            context.close()

    assert drawn_words("zh-CN") == (
        '"按回车键提交"',
        ['"上传"', '"每个文件最大 200MB • JSON, ZIP, CSV, JSONL, NDJSON, TXT"'],
    )
    assert drawn_words("en-US") == ("none", ["none", "none"])  # Streamlit's own English
