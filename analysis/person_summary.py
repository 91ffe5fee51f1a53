"""A member's profile in figures, from their messages of a period and the replies around
them (data_access.person_reads): where they write and what, their sentiment week by week,
the people they talk with, and how long their questions waited for a first answer.
Pure pandas."""

from __future__ import annotations

import pandas as pd

QUESTION = "question"


def counted(messages: pd.DataFrame, column: str) -> pd.DataFrame:
    """How many messages have each value of `column` (value, messages), most first."""
    values = messages[column].dropna()
    table = values.value_counts().rename_axis(column).reset_index(name="messages")
    return table.sort_values(["messages", column], ascending=[False, True], ignore_index=True)


def weekly_sentiment(messages: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """week (its Monday in `timezone`), sentiment (the average of scored messages),
    messages (scored), oldest first."""
    scored = messages.dropna(subset=["sentiment"])
    if scored.empty:
        return pd.DataFrame(columns=["week", "sentiment", "messages"])
    local = pd.to_datetime(scored["sent_at"], utc=True).dt.tz_convert(timezone)
    monday = (local.dt.normalize() - pd.to_timedelta(local.dt.day_of_week, unit="D")).dt.date
    grouped = scored["sentiment"].groupby(monday.to_numpy())
    return (
        pd.DataFrame({"sentiment": grouped.mean().round(3), "messages": grouped.size()})
        .rename_axis("week")
        .reset_index()
    )


def partners(given: pd.DataFrame, received: pd.DataFrame) -> pd.DataFrame:
    """person, replies_given (to them), replies_received (from them): everyone they talked
    with, most replies either way first. `given` is person, replies (a person may have
    several rows: recorded replies and a conversation's turns); `received`, a row a reply."""
    got = received.groupby("person").size().rename("replies_received")
    gave = given.groupby("person")["replies"].sum().rename("replies_given")
    table = pd.concat([gave, got], axis=1)
    table = table.fillna(0).astype("int64").rename_axis("person").reset_index()
    table["both"] = table["replies_given"] + table["replies_received"]
    table = table.sort_values(["both", "person"], ascending=[False, True], ignore_index=True)
    return table.drop(columns="both")


def first_responses(messages: pd.DataFrame, received: pd.DataFrame) -> pd.DataFrame:
    """Their questions (sent_at, channel, text) with the minutes until someone else first
    replied (`answered_after`, NaN: no one has), newest first."""
    asked = messages[messages["kind"] == QUESTION]
    first = received.groupby("message_id")["replied_at"].min()
    # reindexed, not mapped: a map onto no replies at all fails on the empty time column
    replied = pd.to_datetime(first.reindex(asked["id"].to_numpy()).to_numpy(), utc=True)
    replied = pd.Series(replied, index=asked.index)
    minutes = (replied - asked["sent_at"]).dt.total_seconds() / 60
    table = asked[["sent_at", "channel", "text"]].assign(answered_after=minutes.round(1))
    return table.sort_values("sent_at", ascending=False, ignore_index=True)
