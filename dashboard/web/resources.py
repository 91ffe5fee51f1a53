"""The only cache layer: the engine as a resource, reads as data with a short ttl."""

from __future__ import annotations

import json
import os

import streamlit as st
from sqlalchemy import Engine

from alerts.backtest import backtest_range, scope_scores
from alerts.catalog import rules_of
from alerts.rules import rule_from_dict
from dashboard.report.figures import weekly_report as build_weekly_report
from dashboard.settings import Settings, load_settings
from data_access import queries
from data_access.db import make_engine
from data_access.heartbeat import Heartbeat, last_beat


def secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml: every setting has a default
        return {}


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings(secrets(), os.environ)


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    return make_engine(settings().database_url)


QUERY_TTL_SECONDS = 2  # no longer than the shortest live refresh interval allowed


def read(query: str, *args):
    """Run `data_access.queries.<query>(conn, *args)`, cached for a couple of seconds."""
    return _read(query, *args)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=500)
def _read(query: str, *args):
    with engine().connect() as conn:
        return getattr(queries, query)(conn, *args)


def clear() -> None:
    _read.clear()


def alert_rules(community_id: int) -> list:
    """The community's alert rules (alerts.rules.Rule), cached like the other reads."""
    return _alert_rules(community_id)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=50)
def _alert_rules(community_id: int) -> list:
    with engine().connect() as conn:
        return rules_of(conn, community_id)


@st.cache_data(show_spinner=False, ttl=300, max_entries=50)
def backtest(community_id: int, rule_json: str, start, end) -> list:
    """A rule's backtest (alerts.backtest.ScopeBacktest per scope), kept for five minutes:
    the preview redraws on every edit, and the same rule over the same days is the same."""
    rule = rule_from_dict(json.loads(rule_json))
    return backtest_range(engine(), community_id, rule, start, end)


def clear_alert_rules() -> None:
    _alert_rules.clear()
    _read.clear()


@st.cache_data(show_spinner=False, ttl=60, max_entries=50)
def episode_scores(community_id: int, rule_json: str, scope_key: str, start, end):
    rule = rule_from_dict(json.loads(rule_json))
    return scope_scores(engine(), community_id, rule, scope_key, start, end)


@st.cache_data(show_spinner="Computing the week's figures…", ttl=60, max_entries=50)
def weekly_report(community_id: int, community: str, week, timezone: str):
    """The weekly report (dashboard.report.figures.WeeklyReport), kept for a minute."""
    with engine().connect() as conn:
        return build_weekly_report(conn, community_id, community, week, timezone)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS)
def worker_heartbeat() -> Heartbeat | None:
    """The worker's newest heartbeat, None when no worker ever ran on this database."""
    with engine().connect() as conn:
        return last_beat(conn)
