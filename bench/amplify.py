"""A bigger bench set from a smaller one, fast: every message of a community copied
TIMES - 1 more times, with its topics (new ids; a copy's replies point into the same copy).

* by default at the same moment, by the same member, in the same channel: each week holds
  TIMES as many messages; people and weeks stay as they were. For the members bench at
  10M messages (bench/members.py) without simulating ten million messages (hours here):

      cp /tmp/m1.db /tmp/m10.db
      python bench/amplify.py --database sqlite:////tmp/m10.db --times 10

  The hourly rollups are left as they were (the members bench does not read them).
* `--back`: copy k is moved k spans of the data back in time, rollups with it, so the
  set holds TIMES as much history before the same last days: how a page's cost grows with
  the history, not with the range shown (bench/pages.py on both). SQLite only.

      cp /tmp/ecg-bench-1m.db /tmp/history-10m.db
      python bench/amplify.py --database sqlite:////tmp/history-10m.db --times 10 --back
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from data_access.db import make_engine  # noqa: E402

COLUMNS = (
    "community_id, source_id, channel_id, member_id, sent_at, hour, text, language, "
    "sentiment, kind, kind_confidence"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--back", action="store_true", help="copies go back in time")
    args = parser.parse_args()
    engine = make_engine(args.database)
    if args.back:
        if engine.dialect.name != "sqlite":
            raise SystemExit("--back: SQLite only")
        copy_back(engine, args.times)
        return
    with engine.connect() as conn:
        first, last = conn.execute(text("SELECT min(id), max(id) FROM messages")).one()
    step = last + 1  # copy k of message i gets the id i + k * step
    for copy in range(1, args.times):
        start = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(
                text(
                    f"INSERT INTO messages (id, external_id, reply_to_external_id, {COLUMNS}) "
                    f"SELECT id + :offset, external_id || :mark, reply_to_external_id || :mark, "
                    f"{COLUMNS} FROM messages WHERE id BETWEEN :first AND :last"
                ),
                {"offset": copy * step, "mark": f"~{copy}", "first": first, "last": last},
            )
            conn.execute(
                text(
                    "INSERT INTO message_topics (message_id, topic_id, sent_at) "
                    "SELECT message_id + :offset, topic_id, sent_at FROM message_topics "
                    "WHERE message_id BETWEEN :first AND :last"
                ),
                {"offset": copy * step, "first": first, "last": last},
            )
        print(f"copy {copy}: {time.perf_counter() - start:.0f} s", flush=True)
    with engine.connect() as conn:
        print(f"{conn.scalar(text('SELECT count(*) FROM messages')):,} messages")


ROLLUPS = {
    "channel_hourly": "channel_id, community_id, hour, messages, active_authors, new_authors, "
    "sentiment_sum, sentiment_count, negative_count, positive_count, unscored_count, "
    "question_count, bug_report_count, feature_request_count, complaint_count, praise_count",
    "topic_hourly": "topic_id, channel_id, community_id, hour, messages, active_authors, "
    "new_authors, sentiment_sum, sentiment_count, negative_count, positive_count, "
    "unscored_count, question_count, bug_report_count, feature_request_count, "
    "complaint_count, praise_count",
    "topic_totals": "topic_id, hour, community_id, messages, sentiment_sum, sentiment_count, "
    "negative_count, positive_count, unscored_count, question_count, bug_report_count, "
    "feature_request_count, complaint_count, praise_count",
}


def shifted(column: str) -> str:
    """A stored time moved back :days days, in the storage's own text form."""
    return f"strftime('%Y-%m-%d %H:%M:%f', {column}, :days) || '000'"


def copy_back(engine, times: int) -> None:
    with engine.connect() as conn:
        first, last = conn.execute(text("SELECT min(id), max(id) FROM messages")).one()
        oldest, newest = conn.execute(text("SELECT min(hour), max(hour) FROM messages")).one()
        span = conn.scalar(
            text("SELECT CAST(julianday(:b) - julianday(:a) AS INTEGER) + 1"),
            {"a": oldest, "b": newest},
        )
    step = last + 1
    moved = COLUMNS.replace("sent_at, hour", f"{shifted('sent_at')}, {shifted('hour')}")
    for copy in range(1, times):
        start = time.perf_counter()
        days = {"days": f"-{copy * span} days"}
        with engine.begin() as conn:
            conn.execute(
                text(
                    f"INSERT INTO messages (id, external_id, reply_to_external_id, {COLUMNS}) "
                    f"SELECT id + :offset, external_id || :mark, reply_to_external_id || :mark, "
                    f"{moved} FROM messages WHERE id BETWEEN :first AND :last"
                ),
                {"offset": copy * step, "mark": f"~{copy}", "first": first, "last": last} | days,
            )
            conn.execute(
                text(
                    "INSERT INTO message_topics (message_id, topic_id, sent_at) "
                    f"SELECT message_id + :offset, topic_id, {shifted('sent_at')} "
                    "FROM message_topics WHERE message_id BETWEEN :first AND :last"
                ),
                {"offset": copy * step, "first": first, "last": last} | days,
            )
            for table, columns in ROLLUPS.items():
                original = f"hour BETWEEN '{oldest}' AND '{newest}'"
                conn.execute(
                    text(
                        f"INSERT INTO {table} ({columns}) SELECT "
                        f"{columns.replace('hour,', shifted('hour') + ',', 1)} "
                        f"FROM {table} WHERE {original}"
                    ),
                    days,
                )
        print(f"copy {copy} ({copy * span} days back): {time.perf_counter() - start:.0f} s")
    with engine.connect() as conn:
        print(f"{conn.scalar(text('SELECT count(*) FROM messages')):,} messages")


if __name__ == "__main__":
    main()
