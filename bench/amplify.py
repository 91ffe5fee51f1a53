"""A bigger bench set from a smaller one, fast: every message of a community copied
TIMES - 1 more times at the same moment, by the same member, in the same channel, with
its topics (new ids; a copy's replies point into the same copy). People and weeks stay
as they were; each week holds TIMES as many messages. For the members bench at 10M
messages (bench/members.py) without simulating ten million messages (hours here):

    cp /tmp/m1.db /tmp/m10.db
    python bench/amplify.py --database sqlite:////tmp/m10.db --times 10

The hourly rollups are left as they were (the members bench does not read them)."""

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
    args = parser.parse_args()
    engine = make_engine(args.database)
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


if __name__ == "__main__":
    main()
