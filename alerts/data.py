"""Read a community's `MetricData` for the minutes a set of rules is judged on."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from alerts.baselines import LOOKBACK_HOURS
from alerts.emerging_scores import FRESH_MINUTES
from alerts.member_scores import WEEK_MINUTES, steps, weekly_key
from alerts.metrics import reach_minutes
from alerts.rules import COUNT_METRICS, FORECAST_METRICS, MEMBER_METRICS, TOPIC_METRICS, Rule
from alerts.windows import MetricData
from analysis.lifecycle import vital_newly_at_risk
from analysis.segments import members_in
from analysis.weeks import parse_week
from data_access import alert_data, emerging_store, member_notes, member_weeks


@dataclass(frozen=True)
class DataNeeds:
    """What metric_data reads for a set of rules; rules with the same needs are scored on
    the same data (a backtest's data is read once for every threshold tried)."""

    reach: int  # minutes of messages before the first minute scored
    topics: bool  # topic links and topic rollups
    topic_authors: bool  # a topic's active authors an hour (slower to read than its counts)
    kinds: bool  # each message's kind (a kind's scope or share)
    messages: str  # of the messages themselves: "rows", "minutes" (their count) or "none"
    columns: tuple[str, ...]  # of a row (a message's or a topic link's), beyond its minute
    topic_links: str  # of the topics' messages: "rows" or "minutes" (their count)
    forecasts: bool
    emerging: bool
    weekly: tuple[str, ...]  # the member metrics (alerts.member_scores.weekly_key)


def data_needs(rules: list[Rule]) -> DataNeeds:
    return DataNeeds(
        reach=max((reach_minutes(r) for r in rules), default=60),
        topics=any(r.metric in TOPIC_METRICS or _on_topics(r) for r in rules),
        topic_authors=any(r.metric == "active_members" and _on_topics(r) for r in rules),
        kinds=any(r.metric == "kind_share" or r.scope.kind == "kind" for r in rules),
        messages=max((_messages_read(r) for r in rules), key=MESSAGE_READS.index, default="rows"),
        columns=tuple(
            c for c in alert_data.ROW_COLUMNS if any(c in _columns_read(r) for r in rules)
        ),
        topic_links="minutes" if all(_counts_topic_links(r) for r in rules) else "rows",
        forecasts=any(
            r.metric in FORECAST_METRICS or r.condition == "forecast_band" for r in rules
        ),
        emerging=any(r.metric == "emerging_term" for r in rules),
        weekly=tuple(sorted({weekly_key(r, r.scope) for r in rules if r.metric in MEMBER_METRICS})),
    )


MESSAGE_READS = ("none", "minutes", "rows")  # from least to most read


def _messages_read(rule: Rule) -> str:
    """What a rule reads of all the messages (a month of them is most of a backtest): a
    rise of a topic's volume or forecast nothing (the topic's links and the rollups do),
    a topic's share of all messages their count per minute, any other rule each row."""
    rising = _on_topics(rule) and rule.direction == "above"
    if rising and rule.metric in ("topic_volume", "predicted_spike"):
        return "none"
    if rising and rule.metric == "topic_share":
        return "minutes"
    return "rows"


def _columns_read(rule: Rule) -> set[str]:
    """Which columns of a row the rule reads beyond the minute (each costs in a month's
    read): the channel for a scope of channels and for the silent sources (a drop is
    judged without them), the author for one member's cap in a surge and for the active
    members, the score for the sentiment metrics, the kind for a kind's scope or share."""
    columns = set()
    judges_sources = rule.metric == "silent_sources" or (
        rule.direction == "below" and rule.metric in COUNT_METRICS
    )
    if rule.scope.kind in ("channel", "each_channel", "platform") or judges_sources:
        columns.add("channel_id")
    capped = rule.direction == "above" and rule.metric in ("volume", "topic_volume")
    if capped or rule.metric == "active_members":
        columns.add("member_id")
    if rule.metric in ("avg_sentiment", "negative_share", "topic_negative_share"):
        columns.add("sentiment")
    if rule.metric == "kind_share" or rule.scope.kind == "kind":
        columns.add("kind")
    return columns


def _counts_topic_links(rule: Rule) -> bool:
    """Whether the rule reads no more of a topic's messages than their count a minute
    (a topic's share, its forecast; a rule on no topic reads none of them)."""
    if not _on_topics(rule):
        return rule.metric not in TOPIC_METRICS
    return rule.direction == "above" and rule.metric in ("topic_share", "predicted_spike")


def _on_topics(rule: Rule) -> bool:
    return rule.scope.kind in ("topic", "each_topic")


def metric_data(
    conn: Connection, community_id: int, rules: list[Rule], start: int, end: int
) -> MetricData:
    """What `rules` need to be scored for each minute in [start, end): messages of the
    longest window before `start` onwards, rollups of eight weeks more, forecasts if used
    (all of it given by data_needs(rules))."""
    needs = data_needs(rules)
    first = start - needs.reach
    platforms, channel_names, topic_names = alert_data.names(conn, community_id)
    with_topics = needs.topics
    first_hour, end_hour = first // 60 - LOOKBACK_HOURS - 1, -(-end // 60) + 1
    return MetricData(
        first=first,
        end=end,
        messages=_messages(conn, community_id, first, end, needs),
        topic_links=_topic_links(conn, community_id, first, end, needs),
        channel_hours=alert_data.channel_hours(conn, community_id, first_hour, end_hour),
        topic_hours=alert_data.topic_hours(
            conn,
            community_id,
            *((first_hour, end_hour) if with_topics else (0, 0)),
            authors=needs.topic_authors,
        ),
        forecasts=alert_data.forecast_points(conn, community_id) if needs.forecasts else {},
        emerging=(
            emerging_store.snapshot_rows(conn, community_id, first - FRESH_MINUTES, end)
            if needs.emerging
            else None
        ),
        weekly=member_week_values(conn, community_id, rules, first, end),
        platforms=platforms,
        channel_sources=alert_data.channel_sources(conn, community_id),
        topic_names=topic_names,
        channel_names=channel_names,
    )


def _messages(conn: Connection, community_id: int, first: int, end: int, needs: DataNeeds):
    if needs.messages == "rows":
        return alert_data.message_rows(conn, community_id, first, end, needs.columns)
    if needs.messages == "minutes":
        return alert_data.message_minutes(conn, community_id, first, end)
    return None


def _topic_links(conn: Connection, community_id: int, first: int, end: int, needs: DataNeeds):
    if not needs.topics:  # none, in the columns the rows would have
        return alert_data.topic_rows(conn, community_id, 0, 0, needs.columns)
    if needs.topic_links == "minutes":
        return alert_data.topic_minutes(conn, community_id, first, end)
    return alert_data.topic_rows(conn, community_id, first, end, needs.columns)


def member_week_values(
    conn: Connection, community_id: int, rules: list[Rule], first: int, end: int
) -> dict:
    """The member metrics `rules` watch (alerts.member_scores), for the stored weeks that
    end between a week before `first` and `end`: each week is read from the members'
    weeks the worker stored (in the time zone it counted them in)."""
    wanted = {weekly_key(r, r.scope): r for r in rules if r.metric in MEMBER_METRICS}
    stored = member_weeks.stored_weeks(conn, community_id) if wanted else None
    if stored is None:
        return {}
    timezone, names = stored
    ends = [alert_data.minute_of(parse_week(name).end(timezone)) for name in names]
    used = [i for i, e in enumerate(ends) if first - WEEK_MINUTES <= e <= end]
    if not used:
        return {key: steps([], []) for key in wanted}
    rows = member_weeks.load(conn, community_id, timezone, names)
    rows["week"] = rows["week"].map({name: i for i, name in enumerate(names)})
    counted: dict[str, list[int]] = {}
    for key, rule in wanted.items():
        if rule.metric == "vital_newly_at_risk":
            counted[key] = [len(vital_newly_at_risk(rows, i)) for i in used]
    segments = [r for r in wanted.values() if r.metric == "segment_size"]
    if segments:
        saved = member_notes.saved_segments(conn, community_id)
        people = member_notes.people_facts(conn, community_id)
        for rule in segments:
            segment = saved.get(str(rule.scope.value))
            if segment is not None:  # a deleted segment: no data
                counted[weekly_key(rule, rule.scope)] = [
                    len(members_in(segment, rows, i, names, people)) for i in used
                ]
    return {key: steps([ends[i] for i in used], values) for key, values in counted.items()}
