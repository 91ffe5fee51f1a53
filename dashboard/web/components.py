"""Reusable UI pieces: the shared sidebar, the filters it yields, empty states, tables.

Everything that came from a community (message text, author, channel and topic
names) is shown through components that print text, never as markdown or HTML.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pandas as pd
import streamlit as st
from sqlalchemy.exc import OperationalError

from analysis.series import partial_buckets
from dashboard import i18n
from dashboard.charts import alerts as alert_charts
from dashboard.i18n import N_, _, alert_words, translator
from dashboard.web import resources
from dashboard.web.timeranges import (
    CUSTOM,
    DEFAULT_PRESET,
    PRESETS,
    TimeRange,
    custom_range,
    preset_range,
    range_with_data,
)
from data_access import accounts
from data_access.accounts import Account, AccountError

FILTERS_KEY = "ecg_filters"
NOT_SCORED = "—"  # a table's cell with no value: a message in a language not scored
COMMUNITY_KEY = "community"  # the sidebar's community, which a page may set
OPEN_COMMUNITY_KEY = "open_community"
SAVED_COMMUNITY_KEY = "community_saved"
COMMON_ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
]
GET_DATA_IN = N_(
    "Get data in with `ecg simulate --days 90` (a demo community) or "
    "`ecg import export.csv --map timestamp=... --map author=... --map text=...` "
    "(see docs/import.md)."
)
ALL_PLATFORMS = "all"
KIND_LABELS = {  # analysis.kinds.KINDS
    "question": N_("question"),
    "bug_report": N_("bug report"),
    "feature_request": N_("feature request"),
    "complaint": N_("complaint"),
    "praise": N_("praise"),
    "other": N_("other"),
}
PART_OF = {
    "hour": N_("part of an hour"),
    "day": N_("part of a day"),
    "week": N_("part of a week"),
}


@dataclass(frozen=True)
class Filters:
    community_id: int | None
    community: str
    time_range: TimeRange
    channel_ids: tuple[int, ...] | None  # None: every channel
    channel_names: dict[int, str]
    timezone: str
    extent: tuple[datetime, datetime] | None  # first and last hour with data


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """`text` escaped so that markdown shows it literally, for labels and messages."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def now() -> datetime:
    return datetime.now(UTC)


def sidebar(account: Account | None = None) -> Filters:
    """Draw the shared sidebar and keep the viewer's choices for the pages; the community
    the account chose last is chosen again in a new session, and a new choice is saved."""
    st.sidebar.header("Community ECG")
    communities = resources.communities()
    if communities.empty:
        filters = Filters(
            None,
            "",
            preset_range(DEFAULT_PRESET, now()),
            None,
            {},
            resources.settings().timezone,
            None,
        )
        st.session_state[FILTERS_KEY] = filters
        return filters
    names = communities["name"].tolist()
    if st.session_state.get(COMMUNITY_KEY) not in names:  # a new session, or one removed
        st.session_state.pop(COMMUNITY_KEY, None)
        if account is not None and account.community in names:
            st.session_state[COMMUNITY_KEY] = account.community
    community = st.sidebar.selectbox(
        _("Community"), names, key=COMMUNITY_KEY, disabled=len(names) == 1
    )
    if account is not None and community != account.community:
        _remember_community(account, community)
    community_id = int(communities.loc[communities["name"] == community, "id"].iloc[0])
    timezone = _timezone_picker()
    time_range = _range_picker(timezone)
    channels = resources.channels(community_id)
    channel_ids = _channel_picker(channels)
    filters = Filters(
        community_id=community_id,
        community=community,
        time_range=time_range,
        channel_ids=channel_ids,
        channel_names=dict(zip(channels["id"], channels["name"], strict=True)),
        timezone=timezone,
        extent=resources.data_extent(community_id),
    )
    st.session_state[FILTERS_KEY] = filters
    return filters


def _remember_community(account: Account, community: str) -> None:
    """Save the account's choice once per session and choice (the account is read again
    on every run, so without the mark each run would write it)."""
    if st.session_state.get(SAVED_COMMUNITY_KEY) != community:
        with suppress(AccountError):  # a single sign-on address is no local name: not kept
            accounts.set_community(resources.engine(), account.name, community)
        st.session_state[SAVED_COMMUNITY_KEY] = community


def current_filters() -> Filters:
    """The filters the app's sidebar set for this run."""
    return st.session_state[FILTERS_KEY]


def zone_choices(first: str) -> list[str]:
    """Time zones to choose from: `first`, the common ones, then every IANA zone."""
    return list(dict.fromkeys([first, *COMMON_ZONES, *sorted(available_timezones())]))


def _timezone_picker() -> str:
    default = resources.settings().timezone
    zones = zone_choices(default)
    return st.sidebar.selectbox(
        _("Time zone"),
        zones,
        key="timezone",
        help=_("Times and day/week buckets are shown in this zone."),
    )


def _range_picker(timezone: str) -> TimeRange:
    if "preset" not in st.session_state:  # the default through the state, as the language
        st.session_state["preset"] = DEFAULT_PRESET  # switch and the "show the data" button
    preset = st.sidebar.selectbox(  # set it too (a widget's default beside it warns)
        _("Time range"), [*PRESETS, CUSTOM], key="preset", format_func=translator()
    )
    if preset != CUSTOM:
        return preset_range(preset, now())
    if "custom_dates" not in st.session_state:  # a default, unless chosen or set before
        today = now().astimezone(ZoneInfo(timezone)).date()
        st.session_state["custom_dates"] = (today - timedelta(days=6), today)
    picked = st.sidebar.date_input(_("From and to (inclusive)"), key="custom_dates")
    if isinstance(picked, tuple | list) and len(picked) == 2:
        return custom_range(picked[0], picked[1], timezone)
    first = picked[0] if isinstance(picked, tuple | list) else picked
    return custom_range(first, first, timezone)


def _channel_picker(channels: pd.DataFrame) -> tuple[int, ...] | None:
    platforms = sorted(channels["platform"].unique())
    everyone = _("All platforms")
    platform = st.sidebar.selectbox(
        _("Platform"),
        [ALL_PLATFORMS, *platforms],
        key="platform",
        format_func=lambda name: everyone if name == ALL_PLATFORMS else name,
    )
    if platform != ALL_PLATFORMS:
        channels = channels[channels["platform"] == platform]
    labels = {int(r.id): f"{r.name} ({r.platform})" for r in channels.itertuples()}
    picked = st.sidebar.multiselect(
        _("Channels"),
        list(labels),
        format_func=labels.get,
        key="channels",
        placeholder=_("All channels"),
    )
    if picked:
        return tuple(picked)
    return None if platform == ALL_PLATFORMS else tuple(labels)


def needs_data(filters: Filters) -> bool:
    """Explain an empty database or an empty range; True when the page has nothing to draw."""
    if filters.community_id is None or filters.extent is None:
        st.info(_("There are no messages yet.") + " " + _(GET_DATA_IN))
        return True
    first, last = filters.extent
    if last < filters.time_range.start or first >= filters.time_range.end:
        newest = local_text(last, filters.timezone)
        st.warning(
            _("No messages in this range. The data runs from {first} to {last}.").format(
                first=local_text(first, filters.timezone), last=newest
            )
        )
        st.button(
            _("Show the 30 days that have the newest data"),
            on_click=_jump_to_data,
            args=(last, filters.timezone),
            type="primary",
        )
        return True
    return False


def open_community(name: str, range_to_show: TimeRange | None, timezone: str) -> None:
    """A button's callback: the sidebar on community `name` and, when given, the custom
    range that shows `range_to_show` (the 30 days with its newest data)."""
    st.session_state[COMMUNITY_KEY] = name
    st.session_state[OPEN_COMMUNITY_KEY] = True
    if range_to_show is not None:
        _show_range(range_to_show, timezone)


def opened_community() -> bool:
    """Whether an open_community button was pressed in this run (once)."""
    return bool(st.session_state.pop(OPEN_COMMUNITY_KEY, False))


def _jump_to_data(last_hour: datetime, timezone: str) -> None:
    _show_range(range_with_data(last_hour, PRESETS["Last 30 days"]), timezone)


def _show_range(target: TimeRange, timezone: str) -> None:
    zone = ZoneInfo(timezone)
    st.session_state["preset"] = CUSTOM
    st.session_state["custom_dates"] = (
        target.start.astimezone(zone).date(),
        (target.end - timedelta(seconds=1)).astimezone(zone).date(),
    )


def local_text(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")


def local_minutes(times: pd.Series, timezone: str) -> pd.Series:
    """UTC times as '2026-03-02 14:05' in `timezone`."""
    return pd.to_datetime(times, utc=True).dt.tz_convert(timezone).dt.strftime("%Y-%m-%d %H:%M")


def message_table(
    messages: pd.DataFrame, timezone: str, key: str, since: datetime | None = None
) -> None:
    """Messages as a plain-text table (never rendered as markdown or HTML). With `since`
    (the start of the range shown), says so when a retention removed part of it."""
    kept_since = resources.raw_messages_kept_since() if since else None
    if kept_since and since < kept_since:
        st.caption(
            _(
                "Messages sent before {time} are no longer kept (the retention setting); "
                "the charts still count them."
            ).format(time=local_text(kept_since, timezone))
        )
    if messages.empty:
        st.caption(_("No messages to show."))
        return
    shown = messages.assign(
        time=local_minutes(messages["sent_at"], timezone),
        kind=[
            (kind_label(kind) if isinstance(kind, str) else "") + (" ✎" if fixed else "")
            for kind, fixed in zip(
                messages["kind"],
                messages.get("corrected", pd.Series(False, index=messages.index)),
                strict=True,
            )
        ],
    )[["time", "channel", "author", "kind", "sentiment", "language", "text"]]
    if "person" in messages:  # a link to each author's profile
        profiles = [f"member_profile?person={int(p)}" for p in messages["person"]]
        shown.insert(3, "profile", profiles)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key=key,
        placeholder=NOT_SCORED,  # a missing value was drawn as the English "None"
        column_config={
            "profile": st.column_config.LinkColumn(_("profile"), display_text=_("open")),
            "time": st.column_config.TextColumn(_("time")),
            "channel": st.column_config.TextColumn(_("channel")),
            "author": st.column_config.TextColumn(_("author")),
            "kind": st.column_config.TextColumn(_("kind")),
            "sentiment": st.column_config.NumberColumn(
                _("sentiment"),
                format="%.2f",
                help=_(
                    "The message's score, -1 to +1. {blank}: its language is not scored "
                    "(neither English nor Chinese)."
                ).format(blank=NOT_SCORED),
            ),
            "language": st.column_config.TextColumn(_("language")),
            "text": st.column_config.TextColumn(_("text"), width="large"),
        },
    )


def in_chinese() -> bool:
    """Whether the viewer reads the interface in Chinese."""
    return i18n.current().startswith("zh")


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def listed_messages(messages: pd.DataFrame, timezone: str, key: str, extra=()) -> None:
    """A short list of messages (time, channel, author, text and the `extra` columns) as
    plain text, or a caption when there is none."""
    if messages.empty:
        st.caption(_("No messages to show."))
        return
    shown = messages.assign(time=local_minutes(messages["sent_at"], timezone))[
        ["time", "channel", "author", "text", *extra]
    ]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key=key,
        placeholder=NOT_SCORED,  # a missing value was drawn as the English "None"
        column_config={"text": st.column_config.TextColumn(_("text"), width="large")},
    )


def kind_picker(key: str) -> tuple[str, ...] | None:
    """The kinds of message a drill-down shows (docs/kinds.md); None: every kind."""
    labels = {kind: _(label) for kind, label in KIND_LABELS.items()}
    picked = st.multiselect(
        _("Kinds of message"),
        list(KIND_LABELS),
        format_func=labels.get,  # worded in this run's language
        key=key,
        placeholder=_("All kinds"),
        help=_(
            "Question, bug report, feature request, complaint, praise or other: each message "
            "is read for its kind when it arrives."
        ),
    )
    return tuple(picked) or None


def database_guard_value(read):
    """`read()`, or, when the database cannot be reached, the message and a stop."""
    result: list = []
    if not database_guard(lambda: result.append(read())):
        st.stop()
    return result[0]


def database_guard(run) -> bool:
    """Run a page body; a database that cannot be reached becomes a message, not a
    traceback. False when it could not be reached."""
    try:
        run()
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else ""
        why = f"{plain(type(error.orig).__name__)}: {plain(reason)}" if reason else ""
        st.error(
            (
                _("The database cannot be reached: {why}.")
                if why
                else _("The database cannot be reached.")
            ).format(why=why)
            + " "
            + _(
                "Check `ECG_DATABASE_URL` (or `[database] url` in `.streamlit/secrets.toml`) "
                "and that the database server is running; this page retries when reloaded."
            )
        )
        return False
    return True


def with_episodes(figure, start: datetime, end: datetime, scope_keys: set[str] | None = None):
    """The figure with the alert episodes of [start, end) shaded (crisis highlighting);
    only those of `scope_keys` ('all', 'topic:3', ...) when given."""
    filters = current_filters()
    episodes = resources.alert_episodes(filters.community_id, start, end)
    if scope_keys is not None and not episodes.empty:
        episodes = episodes[episodes["scope_key"].isin(scope_keys)]
    return alert_charts.shade_episodes(figure, episodes, filters.timezone, start, min(end, now()))


def critical_banner(alerts_page) -> None:
    """A banner on every page while a critical alert fires, with a link to the Alerts page."""
    filters = current_filters()
    if filters.community_id is None:
        return
    moment = now()
    firing = resources.alert_episodes(filters.community_id, moment, moment, True)
    critical = firing[firing["severity"] == "critical"] if not firing.empty else firing
    if critical.empty:
        return
    what = "; ".join(
        _("{rule} on {scope}").format(
            rule=alert_words.rule_text(r.rule_name), scope=alert_words.scope_label(r.scope_label)
        )
        for r in critical.itertuples()
    )
    st.error(
        _("Critical alert firing: {what}").format(what=plain(what)), icon=":material/emergency:"
    )
    if alerts_page is not None:
        st.page_link(alerts_page, label=_("Open the Alerts page"), icon=":material/notifications:")


def data_problem_banner(import_page) -> None:
    """A banner on every page while a Source silent rule fires: the figures of those
    hours are low because data stopped coming, not because the community went quiet."""
    filters = current_filters()
    if filters.community_id is None:
        return
    moment = now()
    firing = resources.alert_episodes(filters.community_id, moment, moment, True)
    if firing.empty:
        return
    silence_rules = {
        r.id for r in resources.alert_rules(filters.community_id) if r.metric == "silent_sources"
    }
    silent = firing[firing["rule_id"].isin(silence_rules)]
    if silent.empty:
        return
    since = local_text(silent["started_at"].min(), filters.timezone)
    st.warning(
        _(
            "Data problem: a source stopped delivering ({sources}, since {since}). Its "
            "messages are missing from the figures, so recent hours read low; this is not an "
            "activity drop. Check its import job, follower or ingest server and the worker log."
        ).format(
            sources=plain(", ".join(silent["scope_label"].map(alert_words.scope_label))),
            since=since,
        ),
        icon=":material/cloud_off:",
    )
    if import_page is not None:
        st.page_link(import_page, label=_("Open the Import page"), icon=":material/upload:")


def worker_banner() -> None:
    """A banner on every page when the worker is not running: without it no demo messages,
    forecasts, alerts or notifications come, and the figures quietly go stale."""
    heartbeat = resources.worker_heartbeat()
    start_it = _("Start it with `ecg worker` (`make run` starts it with the dashboard).")
    if heartbeat is None:
        st.warning(
            _(
                "The worker has never run on this database: no forecasts, alerts or "
                "notifications until it does."
            )
            + " "
            + start_it,
            icon=":material/warning:",
        )
    elif heartbeat.stale(now()):
        since = local_text(heartbeat.beat_at, current_filters().timezone)
        st.warning(
            _("The worker is not running: figures and alerts are stale since {since}.").format(
                since=since
            )
            + " "
            + start_it,
            icon=":material/warning:",
        )


def replica_banner() -> None:
    """With a read replica configured: a note when the pages read the primary instead,
    and why (the replica cannot be reached, or is too far behind)."""
    route = resources.read_route()
    if route is None or route.why_primary not in ("down", "lagging"):
        return
    if route.why_primary == "down":
        why = _("the read replica cannot be reached ({problem})").format(
            problem=plain(route.health.problem)
        )
    else:
        why = _("the read replica is {seconds:.0f} s behind (more than the {limit:.0f} s allowed)")
        why = why.format(
            seconds=route.health.behind_seconds, limit=resources.settings().read_max_lag_seconds
        )
    st.info(
        _(
            "Reading from the primary database: {why}. Figures are current; the primary "
            "carries the reads until the replica is back."
        ).format(why=why),
        icon=":material/database:",
    )


def mark_partial_buckets(figure, bucket: str, window: TimeRange | None = None):
    """The figure with its first or last bucket labelled "part of a day" (week, hour) when
    the range shown, or the community's data, covers only part of it."""
    filters = current_filters()
    window = window or filters.time_range
    start, end = window.start, window.end
    if filters.extent is not None:  # the data's own first and last hours
        start = max(start, filters.extent[0])
        end = min(end, filters.extent[1] + timedelta(hours=1))
    for partial in partial_buckets(start, end, bucket, filters.timezone):
        figure.add_annotation(
            x=partial,
            y=1,
            yref="paper",
            yanchor="bottom",
            text=_(PART_OF[bucket]) if bucket in PART_OF else f"part of a {bucket}",
            showarrow=False,
            font={"size": 10, "color": "#757575"},
        )
    return figure
