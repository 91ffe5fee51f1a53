"""The only cache layer: the engine as a resource, and every read a page makes as a typed
function of its own, cached for a couple of seconds (QUERY_TTL_SECONDS) unless it says
otherwise. A write clears them all (clear)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import ParamSpec, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from alerts.backtest import backtest_data, backtest_on, default_period, scope_scores
from alerts.catalog import rules_of
from alerts.cycle import FIRST_LOOKBACK
from alerts.data import DataNeeds, data_needs
from alerts.rules import Rule
from alerts.windows import MetricData
from analysis.segments import Segment
from analysis.weeks import Week, parse_week
from dashboard.emerging_now import EmergingNow, emerging_now
from dashboard.member_lifecycle import MembersOverview, MemberWeeks, stored_member_weeks
from dashboard.member_lifecycle import members_overview as read_members_overview
from dashboard.member_lifecycle import people_to_reach as read_people_to_reach
from dashboard.member_lifecycle import unanswered_newcomers as first_questions_unanswered
from dashboard.member_profile import read_profile
from dashboard.member_segments import SegmentReading, segment_now
from dashboard.report.figures import WeeklyReport
from dashboard.report.figures import weekly_report as build_weekly_report
from dashboard.settings import Settings, load_settings
from dashboard.topic_suggestions import Suggestions, suggest_topics
from dashboard.topic_suggestions import TooFewMessages as TooFewMessages  # for the page
from data_access import audit, member_notes, queries
from data_access.db import make_engine
from data_access.forecast_store import SeriesKey, StoredForecast, series_keys_of
from data_access.heartbeat import Heartbeat, last_beat
from data_access.replica import ReadRouter, Route, primary_position, replica_engine

FIRST_LOOKBACK_DAYS = FIRST_LOOKBACK.days  # what a rule replays when it first runs
P = ParamSpec("P")
R = TypeVar("R")
ChannelIds = Sequence[int] | None  # None: every channel
Kinds = tuple[str, ...] | None  # message kinds; None: every kind
QUERY_TTL_SECONDS = 2  # no longer than the shortest live refresh interval allowed
_CACHED: list = []  # every cached read, for clear()
OWN_WRITE_KEY = "_ecg_own_write"  # the primary's WAL position after this session's last write


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
    """The primary database: every write, and every read without a replica."""
    return make_engine(settings().database_url)


@st.cache_resource(show_spinner=False)
def read_router() -> ReadRouter | None:
    """The replica's router when one is configured (ECG_READ_DATABASE_URL), else None."""
    if not settings().read_database_url:
        return None
    replica = replica_engine(settings().read_database_url)
    return ReadRouter(engine(), replica, settings().read_max_lag_seconds)


def read_route() -> Route | None:
    """Where this session's reads go now; None without a replica. A session that wrote
    reads the primary until the replica has replayed its write."""
    router = read_router()
    if router is None:
        return None
    route = router.route(st.session_state.get(OWN_WRITE_KEY))
    if route.on_replica:
        st.session_state.pop(OWN_WRITE_KEY, None)
    return route


def reader() -> Engine:
    """The engine a page's reads go to: the replica when it serves, else the primary."""
    route = read_route()
    return engine() if route is None else route.engine


@contextmanager
def connection():
    with reader().connect() as conn:
        yield conn


def cached(ttl: float = QUERY_TTL_SECONDS, max_entries: int = 500, spinner: bool | str = False):
    """A read kept `ttl` seconds per arguments, and cleared by every write. A session whose
    own write the replica has not replayed yet reads the primary, past the cache (another
    session may have just filled it from the replica)."""

    def decorate(read: Callable[P, R]) -> Callable[P, R]:
        kept = st.cache_data(show_spinner=spinner, ttl=ttl, max_entries=max_entries)(read)
        _CACHED.append(kept)

        @functools.wraps(read)
        def fresh_after_own_write(*args: P.args, **kwargs: P.kwargs) -> R:
            if read_router() is not None and OWN_WRITE_KEY in st.session_state:
                return read(*args, **kwargs)
            return kept(*args, **kwargs)

        return fresh_after_own_write

    return decorate


def clear() -> None:
    """After a write: every read is made again; with a replica, this session's reads go to
    the primary until the replica has replayed the write."""
    for kept in _CACHED:
        kept.clear()
    if read_router() is not None:
        st.session_state[OWN_WRITE_KEY] = primary_position(engine())


def read_with(query: Callable[..., R], *args) -> R:
    with connection() as conn:
        return query(conn, *args)


# ---- communities, channels and the data there is


@cached()
def communities() -> pd.DataFrame:
    return read_with(queries.communities)


@cached()
def channels(community_id: int) -> pd.DataFrame:
    return read_with(queries.channels, community_id)


@cached()
def data_extent(community_id: int) -> tuple[datetime, datetime] | None:
    """The first and the last hour with messages, None without any."""
    return read_with(queries.data_extent, community_id)


@cached()
def raw_messages_kept_since() -> datetime | None:
    return read_with(queries.raw_messages_kept_since)


# ---- volumes and sentiment


@cached()
def channel_hourly(
    community_id: int, start: datetime, end: datetime, channel_ids: ChannelIds
) -> pd.DataFrame:
    return read_with(queries.channel_hourly, community_id, start, end, channel_ids)


@cached()
def channel_sums(community_id: int, edges: tuple, channel_ids: ChannelIds) -> pd.DataFrame:
    """Per channel and bucket of `edges`, the hourly figures summed by the database."""
    return read_with(queries.channel_sums, community_id, edges, channel_ids)


@cached()
def active_members(
    community_id: int, start: datetime, end: datetime, channel_ids: ChannelIds
) -> int:
    return read_with(queries.active_members, community_id, start, end, channel_ids)


@cached()
def messages_per_minute(
    community_id: int, start: datetime, end: datetime, channel_ids: ChannelIds
) -> pd.Series:
    return read_with(queries.messages_per_minute, community_id, start, end, channel_ids)


@cached()
def same_hour_in_past_weeks(
    community_id: int, hour: datetime, weeks: int, channel_ids: ChannelIds
) -> list[int]:
    return read_with(queries.same_hour_in_past_weeks, community_id, hour, weeks, channel_ids)


@cached()
def members_active_since(community_id: int, since: datetime, channel_ids: ChannelIds) -> int:
    return read_with(queries.members_active_since, community_id, since, channel_ids)


# ---- messages


@cached()
def newest_messages(
    community_id: int, limit: int, channel_ids: ChannelIds, before: datetime, kinds: Kinds = None
) -> pd.DataFrame:
    return read_with(queries.newest_messages, community_id, limit, channel_ids, before, kinds)


@cached()
def most_negative_messages(
    community_id: int,
    start: datetime,
    end: datetime,
    channel_ids: ChannelIds,
    limit: int,
    kinds: Kinds = None,
) -> pd.DataFrame:
    return read_with(
        queries.most_negative_messages, community_id, start, end, channel_ids, limit, kinds
    )


@cached()
def recent_texts(community_id: int, limit: int) -> pd.DataFrame:
    return read_with(queries.recent_texts, community_id, limit)


# ---- topics


@cached()
def topics(community_id: int) -> pd.DataFrame:
    return read_with(queries.topics, community_id)


@cached()
def topic_sums(community_id: int, edges: tuple, channel_ids: ChannelIds) -> pd.DataFrame:
    return read_with(queries.topic_sums, community_id, edges, channel_ids)


@cached()
def topic_messages(
    community_id: int,
    topic_id: int,
    start: datetime,
    end: datetime,
    channel_ids: ChannelIds,
    limit: int,
    kinds: Kinds = None,
) -> pd.DataFrame:
    return read_with(
        queries.topic_messages, community_id, topic_id, start, end, channel_ids, limit, kinds
    )


@cached(ttl=600, max_entries=20, spinner="Clustering the newest messages…")
def suggested_topics(community_id: int, days: int, as_of_hour: datetime) -> Suggestions:
    """Suggested topics of the last `days` days with data up to `as_of_hour` (kept for ten
    minutes: clustering takes seconds). TooFewMessages when there are too few messages."""
    return suggest_topics(reader(), community_id, days, None, as_of_hour)


@cached(ttl=300, max_entries=20)
def emerging_terms(community_id: int, as_of: datetime) -> EmergingNow:
    """What is emerging as of `as_of` (pages pass it rounded to 5 minutes)."""
    return emerging_now(reader(), community_id, as_of)


# ---- forecasts


@cached()
def forecast(community_id: int, key: SeriesKey) -> StoredForecast | None:
    return read_with(queries.forecast, community_id, key.kind, key.id)


@cached()
def series_counts(
    community_id: int, key: SeriesKey, start: datetime, end: datetime
) -> pd.DataFrame:
    """Messages per hour (ds, y) of a series in [start, end)."""
    return read_with(queries.series_counts, community_id, key.kind, key.id, start, end)


@cached()
def series_keys(community_id: int) -> list[SeriesKey]:
    """The series that have forecasts: the community, each topic, each channel."""
    return read_with(series_keys_of, community_id)


@cached()
def audit_entries(
    start: datetime, end: datetime, actor: str | None, action: str | None
) -> pd.DataFrame:
    return read_with(audit.entries, start, end, actor, action)


@cached()
def worker_heartbeat() -> Heartbeat | None:
    """The worker's newest heartbeat, None when no worker ever ran on this database."""
    return read_with(last_beat)


# ---- alerts


@cached()
def alert_rules(community_id: int) -> list[Rule]:
    return read_with(rules_of, community_id)


@cached()
def alert_episodes(
    community_id: int, start: datetime, end: datetime, only_open: bool = False
) -> pd.DataFrame:
    """Episodes overlapping [start, end) (or those still firing), newest first."""
    return read_with(queries.alert_episodes, community_id, start, end, only_open)


@cached()
def alert_silences(community_id: int, now: datetime) -> pd.DataFrame:
    return read_with(queries.alert_silences, community_id, now)


@cached()
def alert_rule_versions(rule_id: int) -> pd.DataFrame:
    return read_with(queries.alert_rule_versions, rule_id)


@cached()
def episode_messages(
    community_id: int,
    scope_key: str,
    start: datetime,
    end: datetime,
    most_negative_first: bool,
    limit: int,
    kinds: Kinds = None,
) -> pd.DataFrame:
    return read_with(
        queries.episode_messages,
        community_id,
        scope_key,
        start,
        end,
        most_negative_first,
        limit,
        kinds,
    )


@cached(ttl=300, max_entries=50)
def backtest(community_id: int, rule: Rule, start: datetime, end: datetime) -> list:
    """A rule's backtest (alerts.backtest.ScopeBacktest per scope), kept five minutes: the
    preview redraws on every edit, and the same rule over the same days is the same. The
    rows are read once for every rule that needs the same (a threshold tried is scored on
    the rows already read)."""
    data = _backtest_rows(community_id, data_needs([rule]), start, end, rule)
    return backtest_on(rule, data, start, end)


@cached(ttl=300, max_entries=4)
def _backtest_rows(
    community_id: int, needs: DataNeeds, start: datetime, end: datetime, _rule: Rule
) -> MetricData:
    """Kept by what is read (`needs`), not by the rule: `_rule` (not part of the key) is any
    rule with these needs."""
    return backtest_data(reader(), community_id, _rule, start, end)


@cached(ttl=60, max_entries=50)
def episode_scores(community_id: int, rule: Rule, scope_key: str, start, end) -> pd.DataFrame:
    return scope_scores(reader(), community_id, rule, scope_key, start, end)


@cached(ttl=300, max_entries=20)
def backtest_period(community_id: int, days: int) -> tuple[datetime, datetime] | None:
    """The last `days` with data that a rule's preview replays, None without any."""
    return default_period(reader(), community_id, days)


# ---- the weekly report


@cached(ttl=60, max_entries=50, spinner="Computing the week's figures…")
def weekly_report(community_id: int, community: str, week: Week, timezone: str) -> WeeklyReport:
    with connection() as conn:
        return build_weekly_report(conn, community_id, community, week, timezone)


@cached(ttl=60, max_entries=20)
def members_overview(community_id: int, timezone: str, as_of_hour: datetime) -> MembersOverview:
    """Counts per state and cohorts of the stored member weeks (aggregates, not rows)."""
    return read_members_overview(reader(), community_id, timezone, as_of_hour)


@cached(ttl=60, max_entries=20)
def member_weeks(
    community_id: int, timezone: str, as_of_hour: datetime, weeks: tuple[int, ...]
) -> MemberWeeks:
    """The stored member weeks of these week indexes, up to the last complete week."""
    return stored_member_weeks(reader(), community_id, timezone, as_of_hour, weeks)


@cached(ttl=60, max_entries=50)
def people_to_reach(community_id: int, timezone: str, week: str, which: str) -> pd.DataFrame:
    """A list of the Members page for `week` (a name): "at risk", "rising" or "new"."""
    return read_people_to_reach(reader(), community_id, timezone, week, which)


@cached(ttl=60, max_entries=20)
def unanswered_newcomers(
    community_id: int, week: str, timezone: str, newcomers: frozenset[int]
) -> pd.DataFrame:
    """Newcomers of `week` (a name like 2026-W45) whose first question had no answer."""
    return first_questions_unanswered(
        reader(), community_id, parse_week(week), timezone, set(newcomers)
    )


@cached(ttl=60, max_entries=20)
def saved_segments(community_id: int) -> dict[str, Segment]:
    with connection() as conn:
        return member_notes.saved_segments(conn, community_id)


@cached(ttl=60, max_entries=50, spinner="Reading the segment…")
def segment_reading(
    community_id: int, segment: Segment, timezone: str, as_of_hour: datetime
) -> SegmentReading:
    """Who is in `segment` in the last complete week, and its size week by week."""
    return segment_now(reader(), community_id, timezone, as_of_hour, segment)


@cached(ttl=60, max_entries=20)
def member_tags(community_id: int) -> list[str]:
    """Every tag used in the community."""
    with connection() as conn:
        return member_notes.all_tags(conn, community_id)


@cached(ttl=60, max_entries=50)
def member_profile(community_id: int, person: int, timezone: str, as_of_hour: datetime):
    """A person's profile (dashboard.member_profile); None: no such person here."""
    return read_profile(reader(), community_id, person, timezone, as_of_hour)
