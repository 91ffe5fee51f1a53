"""The database schema: typed SQLAlchemy 2.0 models.

Every table carries `community_id`, the top-level scope. Times are stored as
UTC and come back as timezone-aware UTC datetimes (see `UTCDateTime`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy import text as sql_text  # "text" is also a column name below
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from analysis.kinds import KIND_COUNT_COLUMNS


class UTCDateTime(TypeDecorator):
    """A datetime stored as naive UTC and returned timezone-aware.

    Refuses naive datetimes on the way in, so no local time slips into storage.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given where UTC is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # SQLite through raw SQL functions
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Community(Base):
    __tablename__ = "communities"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # leave staff out of sentiment and response figures (rollups follow it; see members.py)
    exclude_staff: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Source(Base):
    """Where messages come from: one export, server or workspace on a platform."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(50))


class Channel(Base):
    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("source_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    name: Mapped[str] = mapped_column(String(300))


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index("ix_members_first_seen", "first_seen_hour", "community_id"),  # new in a range
        Index("ix_members_person", "person_id"),  # the accounts merged into a person
        Index(  # the bots and staff
            "ix_members_flagged",
            "community_id",
            sqlite_where=sql_text("is_bot = 1 OR is_staff = 1"),
            postgresql_where=sql_text("is_bot OR is_staff"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    external_id: Mapped[str] = mapped_column(String(300))
    display_name: Mapped[str] = mapped_column(String(300))
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    email: Mapped[str | None] = mapped_column(String(300))
    person_id: Mapped[int | None] = mapped_column(Integer)  # the member it was merged into
    first_seen_hour: Mapped[datetime] = mapped_column(UTCDateTime)


class Message(Base):
    """A raw message. On PostgreSQL the table is partitioned by month of `sent_at`
    (data_access.partitions): its keys there include `sent_at`, the primary key is
    (id, sent_at) and the idempotency key (source_id, external_id, sent_at)."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id", name="uq_messages_source_external"),
        Index("ix_messages_channel_hour_member", "channel_id", "hour", "member_id"),
        Index(  # a range's messages with what the alert rules read of them (index alone)
            "ix_messages_community_sent",
            "community_id",
            "sent_at",
            "channel_id",
            "member_id",
            "sentiment",
        ),
        Index("ix_messages_community_sentiment", "community_id", "sentiment"),
        Index(  # the negative messages of a range, with their score (the Sentiment page)
            "ix_messages_negative",
            "community_id",
            "sent_at",
            "sentiment",
            sqlite_where=sql_text("sentiment <= -0.05"),
            postgresql_where=sql_text("sentiment <= -0.05"),
        ),
        Index("ix_messages_member_sent", "member_id", "sent_at"),  # a member's profile
        Index("ix_messages_reply_to", "source_id", "reply_to_external_id"),  # replies to one
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    external_id: Mapped[str] = mapped_column(String(300))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    hour: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)
    reply_to_external_id: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(16))
    sentiment: Mapped[float | None] = mapped_column(Float)  # NULL: language not scored
    kind: Mapped[str | None] = mapped_column(String(20))  # analysis.kinds; NULL: not read
    kind_confidence: Mapped[float | None] = mapped_column(Float)


class Topic(Base):
    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    name: Mapped[str] = mapped_column(String(100))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    phrases: Mapped[list[str]] = mapped_column(JSON, default=list)
    patterns: Mapped[list[str]] = mapped_column(JSON, default=list)
    exclusions: Mapped[list[str]] = mapped_column(JSON, default=list)
    colour: Mapped[str] = mapped_column(String(16), default="#636efa")


class Correction(Base):
    """An analyst's correction of how a message was read: its kind or its sentiment
    label. Applied to the message and its rollups at once (dashboard/changes/corrections)."""

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_message", "message_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    message_id: Mapped[int] = mapped_column(Integer)  # messages.id (partitioned: no FK)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    field: Mapped[str] = mapped_column(String(20))  # "kind" or "sentiment"
    old_value: Mapped[str | None] = mapped_column(String(40))
    new_value: Mapped[str] = mapped_column(String(40))
    corrected_by: Mapped[str] = mapped_column(String(100))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CommunityKindModel(Base):
    """A community's kind model: the change to the shipped weights that its corrections
    taught (analysis/kind_tuning.py), with the figures of the training."""

    __tablename__ = "kind_models"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    delta: Mapped[dict] = mapped_column(JSON)  # feature -> change of its weights
    bias_delta: Mapped[list[float]] = mapped_column(JSON)
    corrections: Mapped[int] = mapped_column(Integer)  # how many it learnt from
    figures: Mapped[dict] = mapped_column(JSON)
    trained_by: Mapped[str] = mapped_column(String(100))
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RejectedSuggestion(Base):
    """A topic that discovery suggested and an analyst rejected: suggestions whose keywords
    are mostly these are not offered again (analysis.discovery)."""

    __tablename__ = "rejected_suggestions"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    rejected_by: Mapped[str] = mapped_column(String(100))
    rejected_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EmergingTermSnapshot(Base):
    """What was emerging in a community when the worker looked (analysis.emerging): one row
    per emerging term, or one row with no term when nothing was. The alert metric
    "emerging term" reads these, so rules and backtests see what the page showed then."""

    __tablename__ = "emerging_term_snapshots"
    __table_args__ = (Index("ix_emerging_term_snapshots_community_at", "community_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    term: Mapped[str | None] = mapped_column(String(200))
    z: Mapped[float] = mapped_column(Float, default=0.0)
    ratio: Mapped[float] = mapped_column(Float, default=1.0)
    recent: Mapped[int] = mapped_column(Integer, default=0)
    expected: Mapped[float] = mapped_column(Float, default=0.0)
    authors: Mapped[int] = mapped_column(Integer, default=0)


class MessageTopic(Base):
    """A message's topic. Carries the message's `sent_at` so that PostgreSQL partitions it
    by month like messages (there the key is (message_id, topic_id, sent_at) and the
    reference (message_id, sent_at))."""

    __tablename__ = "message_topics"
    __table_args__ = (  # a topic's links of a range, from the index alone
        Index("ix_message_topics_topic", "topic_id", "sent_at", "message_id"),
    )
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RawMessagesKept(Base):
    """One row once a retention has run: raw messages sent before `since` were removed
    (their rollups stay), and imports no longer store messages that old."""

    __tablename__ = "raw_messages_kept"
    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    since: Mapped[datetime] = mapped_column(UTCDateTime)


class _HourlyMetrics:
    """The counts every hourly rollup keeps; all of them are additive but the author counts."""

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    messages: Mapped[int] = mapped_column(Integer)
    active_authors: Mapped[int] = mapped_column(Integer)
    new_authors: Mapped[int] = mapped_column(Integer)
    sentiment_sum: Mapped[float] = mapped_column(Float)
    sentiment_count: Mapped[int] = mapped_column(Integer)
    negative_count: Mapped[int] = mapped_column(Integer)
    positive_count: Mapped[int] = mapped_column(Integer)
    unscored_count: Mapped[int] = mapped_column(Integer)
    question_count: Mapped[int] = mapped_column(Integer, default=0)
    bug_report_count: Mapped[int] = mapped_column(Integer, default=0)
    feature_request_count: Mapped[int] = mapped_column(Integer, default=0)
    complaint_count: Mapped[int] = mapped_column(Integer, default=0)
    praise_count: Mapped[int] = mapped_column(Integer, default=0)


class ChannelHourly(_HourlyMetrics, Base):
    __tablename__ = "channel_hourly"
    __table_args__ = (Index("ix_channel_hourly_community_hour", "community_id", "hour"),)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), primary_key=True)


class TopicHourly(_HourlyMetrics, Base):
    __tablename__ = "topic_hourly"
    __table_args__ = (Index("ix_topic_hourly_community_hour", "community_id", "hour"),)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), primary_key=True)


class TopicTotal(Base):
    """A topic's additive hourly counts over all channels: the topic rollup summed, kept so
    that long ranges read one row per topic and hour instead of one per channel as well."""

    __tablename__ = "topic_totals"
    __table_args__ = (Index("ix_topic_totals_community_hour", "community_id", "hour"),)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    messages: Mapped[int] = mapped_column(Integer)
    sentiment_sum: Mapped[float] = mapped_column(Float)
    sentiment_count: Mapped[int] = mapped_column(Integer)
    negative_count: Mapped[int] = mapped_column(Integer)
    positive_count: Mapped[int] = mapped_column(Integer)
    unscored_count: Mapped[int] = mapped_column(Integer)
    question_count: Mapped[int] = mapped_column(Integer, default=0)
    bug_report_count: Mapped[int] = mapped_column(Integer, default=0)
    feature_request_count: Mapped[int] = mapped_column(Integer, default=0)
    complaint_count: Mapped[int] = mapped_column(Integer, default=0)
    praise_count: Mapped[int] = mapped_column(Integer, default=0)


class RecentMinute(Base):
    """Messages per channel and minute over the last few hours: the Live page's trace,
    kept as the messages arrive and pruned as they age (see data_access.recent)."""

    __tablename__ = "recent_minutes"
    __table_args__ = (Index("ix_recent_minutes_community_minute", "community_id", "minute"),)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), primary_key=True)
    minute: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    messages: Mapped[int] = mapped_column(Integer)


class RecentMember(Base):
    """Each member's newest message per channel, over the last few hours like
    `recent_minutes`: who wrote since a moment, counted without reading the messages."""

    __tablename__ = "recent_members"
    __table_args__ = (
        Index("ix_recent_members_community_last_seen", "community_id", "last_seen_at"),
    )
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


METRIC_COLUMNS = (
    "messages",
    "active_authors",
    "new_authors",
    "sentiment_sum",
    "sentiment_count",
    "negative_count",
    "positive_count",
    "unscored_count",
    *KIND_COUNT_COLUMNS.values(),
)
ADDITIVE_COLUMNS = tuple(c for c in METRIC_COLUMNS if c not in ("active_authors", "new_authors"))


class User(Base):
    """A local account. Names are stored lower-case; the password only as an argon2 hash."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    language: Mapped[str | None] = mapped_column(String(10))  # None: the browser's
    community: Mapped[str | None] = mapped_column(String(200))  # the last one chosen


class AuditEntry(Base):
    """One change: who, when, what, and the value before and after (JSON)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(300))
    old_value: Mapped[dict | list | str | None] = mapped_column(JSON)
    new_value: Mapped[dict | list | str | None] = mapped_column(JSON)


class StoredForecast(Base):
    """The newest forecast of one series (the community, a topic or a channel): made by the
    worker, read by the pages."""

    __tablename__ = "forecasts"
    __table_args__ = (UniqueConstraint("community_id", "series_kind", "series_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    series_kind: Mapped[str] = mapped_column(String(20))  # community, topic, channel
    series_id: Mapped[int] = mapped_column(Integer)  # 0 for the whole community
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
    history_end: Mapped[datetime] = mapped_column(UTCDateTime)  # the last hour it knew
    method: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(200))
    # the rolling day-ahead backtest, redone once a day: error and share inside the band
    backtest_mae: Mapped[float | None] = mapped_column(Float)
    backtest_inside: Mapped[float | None] = mapped_column(Float)
    backtest_days: Mapped[int | None] = mapped_column(Integer)
    backtest_for: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the history end it used


class ForecastPoint(Base):
    """One hour of a forecast: fitted over the history (to find anomalies) or ahead."""

    __tablename__ = "forecast_points"
    forecast_id: Mapped[int] = mapped_column(
        ForeignKey("forecasts.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    yhat: Mapped[float] = mapped_column(Float)
    yhat_lower: Mapped[float] = mapped_column(Float)
    yhat_upper: Mapped[float] = mapped_column(Float)


class AlertRule(Base):
    """An alert rule of a community; `definition` holds the rule's fields (alerts.rules)."""

    __tablename__ = "alert_rules"
    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    name: Mapped[str] = mapped_column(String(100))
    definition: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(100))


class AlertRuleVersion(Base):
    """Every save of a rule: who, when, the definition before (None: created) and after."""

    __tablename__ = "alert_rule_versions"
    __table_args__ = (UniqueConstraint("rule_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rules.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    old_definition: Mapped[dict | None] = mapped_column(JSON)
    new_definition: Mapped[dict] = mapped_column(JSON)


class AlertStateRow(Base):
    """Where the live evaluator left one rule in one scope (alerts.evaluate.AlertState)."""

    __tablename__ = "alert_states"
    rule_id: Mapped[int] = mapped_column(
        ForeignKey("alert_rules.id", ondelete="CASCADE"), primary_key=True
    )
    scope_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    memory: Mapped[dict] = mapped_column(JSON)
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    episode_id: Mapped[int | None] = mapped_column(Integer)


class AlertEpisode(Base):
    """One incident of one rule in one scope, from its first firing minute to its end."""

    __tablename__ = "alert_episodes"
    __table_args__ = (
        UniqueConstraint("rule_id", "scope_key", "started_at"),
        Index("ix_alert_episodes_community_started", "community_id", "started_at"),
        Index("ix_alert_episodes_community_ended", "community_id", "ended_at"),  # open ones
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rules.id", ondelete="CASCADE"))
    rule_version: Mapped[int] = mapped_column(Integer)
    rule_name: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(20))
    scope_key: Mapped[str] = mapped_column(String(100))
    scope_label: Mapped[str] = mapped_column(String(400))
    onset_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    peak_value: Mapped[float] = mapped_column(Float)
    peak_score: Mapped[float] = mapped_column(Float)
    silenced: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AlertSilence(Base):
    """While [starts_at, ends_at) holds, matching episodes notify no one (still recorded).
    Empty matcher fields match anything."""

    __tablename__ = "alert_silences"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("alert_rules.id", ondelete="CASCADE"))
    scope_key: Mapped[str | None] = mapped_column(String(100))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text)


class Notification(Base):
    """One message to one contact point about one episode: the outbox the worker sends
    from, with retries and back-off."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("episode_id", "kind", "contact", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("alert_episodes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # firing, repeat, resolved
    contact: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class ReportMailing(Base):
    """The weekly report's e-mail, once per community and week: claimed, then sent."""

    __tablename__ = "report_mailings"
    __table_args__ = (UniqueConstraint("community_id", "week"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    week: Mapped[str] = mapped_column(String(10))  # 2026-W47
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class WeeklyFigures(Base):
    """The member and response figures of a complete week in a time zone, as the worker
    computed them (they cost a scan of the week's messages), with the message counts of the
    week and the week before that they were computed from, to know when they went stale."""

    __tablename__ = "weekly_figures"
    __table_args__ = (UniqueConstraint("community_id", "timezone", "week"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    timezone: Mapped[str] = mapped_column(String(64))
    week: Mapped[str] = mapped_column(String(10))
    messages: Mapped[int] = mapped_column(Integer)
    messages_before: Mapped[int] = mapped_column(Integer)
    figures: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdentityDecision(Base):
    """An analyst's word on a suggested pair of accounts: confirmed (merged: `member_id`
    now counts as `primary_id`'s person), rejected (not suggested again), or undone."""

    __tablename__ = "identity_decisions"
    __table_args__ = (UniqueConstraint("primary_id", "member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    primary_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(20))  # confirmed, rejected, undone
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list] = mapped_column(JSON)
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    batch: Mapped[str | None] = mapped_column(String(40), index=True)  # confirmed together


class MemberActivity(Base):
    """A join, leave or reaction of a member (where the platform's export records it)."""

    __tablename__ = "member_activity"
    __table_args__ = (
        UniqueConstraint("source_id", "kind", "member_id", "at", "ref"),
        Index("ix_member_activity_community_at", "community_id", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(20))  # join, leave, reaction
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    ref: Mapped[str] = mapped_column(String(300), default="")  # the message reacted to


class WorkerBeat(Base):
    """The worker's heartbeat: written every loop and between jobs, so the dashboard can
    say when the worker stopped (the figures and alerts are stale from then on)."""

    __tablename__ = "worker_beats"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # "worker"
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pid: Mapped[int] = mapped_column(Integer)


class LoginThrottle(Base):
    """Wrong passwords per (name, client): the delay before the next try is this pair's, so
    an attacker elsewhere cannot lock the owner out, and an unknown name is throttled
    exactly like a real one (the answers cannot tell them apart)."""

    __tablename__ = "login_throttle"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    client: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A browser's sign-in, kept across reloads by an HttpOnly cookie. Only hashes are
    stored: `grant_hash` of the one-time grant the sign-in page hands the browser (it
    trades it for the cookie within a minute), then `session_hash` of the cookie's value."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user_name", "user_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(100))
    grant_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    grant_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MemberWeek(Base):
    """A person's week (an ISO week in a time zone): what they did (zeros: a week with a
    state but no activity) and their lifecycle state, engagement and level
    (analysis.lifecycle). Kept by the worker, week by week; the Members page reads it."""

    __tablename__ = "member_weeks"
    __table_args__ = (
        Index("ix_member_weeks_community_week", "community_id", "timezone", "week"),
        Index("ix_member_weeks_person", "community_id", "person_id"),  # a profile's history
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    timezone: Mapped[str] = mapped_column(String(64))
    week: Mapped[str] = mapped_column(String(8))  # 2026-W45
    person_id: Mapped[int] = mapped_column(Integer)  # the member merged accounts count as
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    replies_given: Mapped[int] = mapped_column(Integer, default=0)
    replies_received: Mapped[int] = mapped_column(Integer, default=0)
    partners: Mapped[int] = mapped_column(Integer, default=0)
    threads_started: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    reactions: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str | None] = mapped_column(String(20))
    engagement: Mapped[float] = mapped_column(Float, default=0.0)
    level: Mapped[str] = mapped_column(String(20), default="observer")
    # where they wrote that week and what (space-separated, for segments): channel ids,
    # topic ids, languages and kinds of message
    channels: Mapped[str] = mapped_column(Text, default="", server_default="")
    topics: Mapped[str] = mapped_column(Text, default="", server_default="")
    languages: Mapped[str] = mapped_column(String(200), default="", server_default="")
    kinds: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # what a reading of this week needs of the weeks before (analysis.lifecycle.with_history)
    previous_state: Mapped[str | None] = mapped_column(String(20))
    growth: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    last_active: Mapped[str] = mapped_column(String(8), default="", server_default="")


class MemberWeekTally(Base):
    """What the Members page counts in a stored week (analysis.lifecycle.tallies): people
    per state and level, the flows into the week, how many of each cohort were active.
    Written by the worker with the member weeks, so a page reads a few hundred rows."""

    __tablename__ = "member_week_tallies"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64), primary_key=True)
    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    tally: Mapped[str] = mapped_column(String(10), primary_key=True)  # state level flow cohort
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    target: Mapped[str] = mapped_column(String(20), primary_key=True)  # a flow's end, else ""
    people: Mapped[int] = mapped_column(Integer)


class MemberWeekCount(Base):
    """The messages a week held when its member weeks were counted: a week whose count
    changed since (late messages) is counted again."""

    __tablename__ = "member_week_counts"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64), primary_key=True)
    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    messages: Mapped[int] = mapped_column(Integer)


class MemberTag(Base):
    """A tag staff put on a person (the member merged accounts count as)."""

    __tablename__ = "member_tags"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tag: Mapped[str] = mapped_column(String(60), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MemberNote(Base):
    """A note staff wrote about a person."""

    __tablename__ = "member_notes"
    __table_args__ = (Index("ix_member_notes_person", "community_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    person_id: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(String(100))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Segment(Base):
    """A saved filter over members (analysis.segments.Segment as JSON)."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    name: Mapped[str] = mapped_column(String(100))
    definition: Mapped[dict] = mapped_column(JSON)
    saved_by: Mapped[str] = mapped_column(String(100))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
