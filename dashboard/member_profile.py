"""A member's profile, read for one person: their accounts, stored weeks, tags and notes,
and the figures of their last PROFILE_DAYS (analysis.person_summary): channels, kinds,
topics, sentiment week by week, the people they talk with, their questions and how long
each waited for an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine

from analysis import person_summary
from data_access import member_notes, person_reads
from data_access import member_weeks as member_week_store
from data_access.kpi_queries import replying_sources

PROFILE_DAYS = 90
NEWEST_SHOWN = 30  # messages listed


@dataclass(frozen=True)
class Profile:
    accounts: pd.DataFrame  # id, platform, source, account, name, first_seen
    history: pd.DataFrame  # the person's stored weeks, oldest first
    messages: pd.DataFrame  # their newest NEWEST_SHOWN messages of the last PROFILE_DAYS
    tags: list[str]  # staff's tags on them
    notes: pd.DataFrame  # staff's notes on them, newest first
    channels: pd.DataFrame  # channel, messages
    kinds: pd.DataFrame  # kind, messages
    topics: pd.DataFrame  # topic, messages
    sentiment: pd.DataFrame  # week, sentiment, messages
    partners: pd.DataFrame  # person, name, replies_given, replies_received
    questions: pd.DataFrame  # sent_at, channel, text, answered_after (minutes)
    since: pd.Timestamp | None = None  # when the figures start: PROFILE_DAYS ago, or later
    # when they wrote more than person_reads.MOST_MESSAGES since (their newest are read)
    counted: int = 0  # the messages the figures count


def read_profile(
    engine: Engine, community_id: int, person: int, timezone: str, now: datetime
) -> Profile | None:
    """Everything the profile shows of `person` (None: no such person here)."""
    since = now - timedelta(days=PROFILE_DAYS)
    with engine.connect() as conn:
        accounts = member_week_store.person_accounts(conn, community_id, person)
        if accounts.empty:
            return None
        ids = accounts["id"].tolist()
        history = member_week_store.person_history(conn, community_id, timezone, person)
        activity = person_reads.person_activity(conn, ids, since, person_reads.MOST_MESSAGES)
        capped = len(activity) >= person_reads.MOST_MESSAGES
        counted_from = activity["sent_at"].min() if capped else since  # the messages read
        topics = person_reads.topics_of(conn, activity["id"].tolist(), counted_from)
        given = person_reads.replied_to(conn, ids, counted_from)
        received = person_reads.replies_received(conn, ids, counted_from)
        tags = member_notes.tags_of(conn, community_id, person)
        notes = member_notes.notes_of(conn, community_id, person)
        turns_given, turns_received = person_reads.conversation_partners(
            conn, person, activity, replying_sources(conn, community_id)
        )
        talked = person_summary.partners(
            pd.concat([given, turns_given], ignore_index=True),
            pd.concat([received[["person"]], turns_received], ignore_index=True),
        )
        names = member_week_store.person_names(conn, talked["person"].tolist())
    shown = ["sent_at", "channel", "text", "kind", "sentiment", "language"]
    newest = activity.head(NEWEST_SHOWN)[shown]
    return Profile(
        accounts=accounts,
        history=history,
        messages=newest,
        tags=tags,
        notes=notes,
        channels=person_summary.counted(activity, "channel"),
        kinds=person_summary.counted(activity, "kind"),
        topics=topics,
        sentiment=person_summary.weekly_sentiment(activity, timezone),
        partners=talked.assign(name=talked["person"].map(names)),
        questions=person_summary.first_responses(activity, received),
        since=counted_from if capped else None,
        counted=len(activity),
    )
