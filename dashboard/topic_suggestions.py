"""Suggested topics of a community: its recent messages clustered (analysis.discovery),
without the suggestions already rejected or already a topic. Shared by
`ecg topics discover` and the Topics page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select

from access.permissions import Action, Actor, require
from analysis.discovery import discover, growth, mostly_the_same
from data_access import audit, queries
from data_access.schema import RejectedSuggestion

MOST_MESSAGES = 20_000  # the newest messages of the window that are read
FEWEST_MESSAGES = 20
SAMPLES = 3


class TooFewMessages(ValueError):
    """Too few messages to cluster: the page words it in the reader's language."""

    def __init__(self, found: int, days: int, all_read: bool = False):
        what = f"{found} message" + ("" if found == 1 else "s")
        period = "day" if days == 1 else f"{days} days"
        where = "in all" if all_read else f"in the last {period} with data"
        more = f"at least {FEWEST_MESSAGES} are needed" if all_read else "take more days"
        super().__init__(f"{what} {where}, too few to find topics in ({more})")
        self.found, self.days, self.all_read = found, days, all_read
        self.least = FEWEST_MESSAGES


@dataclass(frozen=True)
class Suggestion:
    name: str
    keywords: tuple[str, ...]
    size: int
    growth: float | None  # share after the window's middle over share before; None: new
    samples: tuple[str, ...]  # the messages nearest its centre


@dataclass(frozen=True)
class Suggestions:
    messages: int  # how many messages were clustered
    suggestions: list[Suggestion]  # largest first
    already_topics: int  # suggestions left out: mostly an existing topic's keywords
    rejected_before: int  # left out: mostly the keywords of one rejected before


def suggest_topics(
    engine: Engine, community_id: int, days: int, k: int | None, now: datetime
) -> Suggestions:
    """Suggested topics of the messages of the last `days` days with data: up to `now`, or
    to the newest message of a community whose data ended before (an imported archive, a
    source gone quiet). TooFewMessages: too few of them."""
    with engine.connect() as conn:
        extent = queries.data_extent(conn, community_id)
        end = now if extent is None else min(now, extent[1] + timedelta(hours=1))
        start = end - timedelta(days=days)
        messages = queries.messages_since(conn, community_id, start, MOST_MESSAGES)
        topics = queries.topics(conn, community_id)
        rejected = rejected_keywords(conn, community_id)
    messages = messages[messages["text"].str.strip() != ""]
    if len(messages) < FEWEST_MESSAGES:  # more days help only when there are older ones
        raise TooFewMessages(len(messages), days, extent is None or extent[0] >= start)
    texts = messages["text"].tolist()
    found = discover(texts, k)
    sent = messages["sent_at"].tolist()  # newest first
    middle = sent[-1] + (sent[0] - sent[-1]) / 2
    existing = [list(words) for words in topics["keywords"]] if not topics.empty else []
    kept, already, again = [], 0, 0
    for cluster in found.clusters:
        if any(mostly_the_same(cluster.keywords, words) for words in existing):
            already += 1
            continue
        if any(mostly_the_same(cluster.keywords, words) for words in rejected):
            again += 1
            continue
        kept.append(
            Suggestion(
                name=cluster.name,
                keywords=cluster.keywords,
                size=cluster.size,
                growth=growth(sent, cluster.members, middle),
                samples=distinct_samples(texts, cluster.members),
            )
        )
    return Suggestions(len(texts), kept, already, again)


def distinct_samples(texts, members) -> tuple[str, ...]:
    """The SAMPLES different texts nearest the cluster's centre (a chat repeats itself)."""
    found: dict[str, None] = {}
    for index in members:
        found.setdefault(" ".join(texts[index].split()), None)
        if len(found) == SAMPLES:
            break
    return tuple(found)


def rejected_keywords(conn, community_id: int) -> list[list[str]]:
    query = select(RejectedSuggestion.keywords).where(
        RejectedSuggestion.community_id == community_id
    )
    return [list(words) for words in conn.scalars(query)]


def reject_suggestion(
    engine: Engine, community_id: int, suggestion: Suggestion, *, actor: Actor, now: datetime
) -> None:
    """Remember that a suggestion is not wanted: it is not offered again. Analysts and
    admins only; audited."""
    require(actor, Action.EDIT_TOPICS)
    values = {"name": suggestion.name, "keywords": list(suggestion.keywords)}
    with engine.begin() as conn:
        conn.execute(
            insert(RejectedSuggestion).values(
                community_id=community_id, rejected_by=actor.name, rejected_at=now, **values
            )
        )
        audit.record(
            conn, now, actor.name, "topic.suggestion.reject", suggestion.name, None, values
        )
