"""The served app in headless Chromium: every page draws, with no error box."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.commands import simulate
from data_access.db import make_engine
from ingest.simulate import CommunitySpec, default_incidents
from tests.conftest import ROOT, free_port, unavailable

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


@pytest.fixture(scope="module")
def served_app(tmp_path_factory):
    """The dashboard on 127.0.0.1 over a 10-day simulated community ending now."""
    url = f"sqlite:///{tmp_path_factory.mktemp('served') / 'ecg.db'}"
    now = datetime.now(UTC)
    simulate(
        make_engine(url),
        "demo",
        now - timedelta(days=10),
        now,
        CommunitySpec(incidents=default_incidents(now)),
    )
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard" / "app.py"),
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
        _wait_until_healthy(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_until_healthy(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited: {server.stdout.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy in time")


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        unavailable("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_draws_without_errors(served_app, browser, name):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    try:
        page.goto(served_app + PAGES[name])
        if name == "topics":
            page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)
        else:
            page.wait_for_selector(CHART, timeout=30_000)
        page.wait_for_timeout(1000)  # let the last elements settle before the screenshot
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert page.locator(ERRORS).count() == 0
        assert page.locator('[data-testid="stHeading"]').first.inner_text() != ""
    finally:
        page.close()


def test_live_trace_is_drawn_with_points(served_app, browser):
    page = browser.new_page()
    try:
        page.goto(served_app + "/")
        page.wait_for_selector(CHART, timeout=30_000)
        # the trace is a real line, not an empty axis: an SVG path with segments (plotly
        # merges runs of equal points, so the count of segments varies with the data)
        path = page.locator('[data-testid="stPlotlyChart"] .scatterlayer .trace path.js-line')
        assert path.count() >= 1
        assert path.last.get_attribute("d").count("L") >= 5
        ticks = page.locator('[data-testid="stPlotlyChart"] .xtick text')
        assert ticks.count() >= 3
    finally:
        page.close()
