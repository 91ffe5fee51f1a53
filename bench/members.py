"""Members at scale (issue 19): the worker's weekly lifecycle update, the Members page's
reads, a member's profile, a segment read and its export, on a simulated community
(bench/make_dataset.py: 100,000 members).

    python bench/make_dataset.py --messages 1000000 --days 210 --database sqlite:////tmp/m.db
    python bench/members.py --database sqlite:////tmp/m.db

Prints seconds: the first full count of the 30 kept weeks, a run with nothing changed, a
run after one week changed; then p50 and p95 of each read over --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, select  # noqa: E402

from access.permissions import SERVER_SHELL  # noqa: E402
from analysis.segments import Segment  # noqa: E402
from analysis.weeks import parse_week  # noqa: E402
from dashboard.member_lifecycle import (  # noqa: E402
    members_overview,
    people_to_reach,
    refresh_member_weeks,
    stored_member_weeks,
    unanswered_newcomers,
)
from dashboard.member_profile import read_profile  # noqa: E402
from dashboard.member_segments import export_segment, segment_now  # noqa: E402
from dashboard.web.member_view import (  # noqa: E402
    cohorts,
    counts_over_time,
    flows_into,
    level_counts,
    people_list,
)
from data_access.db import make_engine  # noqa: E402
from data_access.identities import accounts  # noqa: E402
from data_access.migrate import upgrade  # noqa: E402
from data_access.schema import (  # noqa: E402
    Community,
    MemberWeek,
    MemberWeekCount,
    MemberWeekTally,
    Message,
)

ZONE = "UTC"


def timed(run, repeat: int) -> tuple[float, float]:
    """p50 and p95 seconds of `run()` over `repeat` runs."""
    took = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        took.append(time.perf_counter() - start)
    took.sort()
    return statistics.median(took), took[min(len(took) - 1, int(0.95 * len(took)))]


def members_page(engine, community_id: int, now: datetime) -> None:
    """What the Members page reads and works out on a view (besides drawing)."""
    overview = members_overview(engine, community_id, ZONE, now)
    weeks = overview.weeks
    week = len(weeks) - 1
    counts_over_time(overview.counts, weeks)
    cohorts(overview.cohorts, weeks)
    flows_into(overview.flows, week)
    level_counts(overview.levels, week)
    lists = {
        which: people_to_reach(engine, community_id, ZONE, weeks[week], which)
        for which in ("at risk", "rising", "new")
    }
    listed = {int(p) for which in ("at risk", "rising") for p in lists[which]["person"]}
    with engine.connect() as conn:
        names = {a.id: a.display_name for a in accounts(conn, community_id, sorted(listed))}
    people_list(lists["at risk"], names)
    people_list(lists["rising"], names)
    newcomers = set(lists["new"]["person"].astype(int))
    unanswered_newcomers(engine, community_id, parse_week(weeks[week]), ZONE, newcomers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--community", default="scale")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    engine = make_engine(args.database)
    upgrade(engine)
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == args.community))
        newest = conn.scalar(
            select(func.max(Message.sent_at)).where(Message.community_id == community_id)
        )
        messages = conn.scalar(
            select(func.count()).select_from(Message).where(Message.community_id == community_id)
        )
    now = newest.replace(tzinfo=UTC) + timedelta(hours=1)
    print(f"{args.database}: {messages:,} messages, as of {now:%Y-%m-%d %H:%M}")
    with engine.begin() as conn:
        for table in (MemberWeek, MemberWeekCount, MemberWeekTally):
            conn.execute(delete(table).where(table.community_id == community_id))

    start = time.perf_counter()
    counted = refresh_member_weeks(engine, community_id, ZONE, now)
    print(f"worker, first count of {counted} weeks: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    refresh_member_weeks(engine, community_id, ZONE, now)
    print(f"worker, nothing changed: {time.perf_counter() - start:.3f} s")
    with engine.begin() as conn:  # as if the newest week got a late message
        conn.execute(
            delete(MemberWeekCount).where(
                MemberWeekCount.community_id == community_id,
                MemberWeekCount.week == conn.scalar(select(func.max(MemberWeekCount.week))),
            )
        )
    start = time.perf_counter()
    refresh_member_weeks(engine, community_id, ZONE, now)
    print(f"worker, newest week changed: {time.perf_counter() - start:.2f} s")

    stored = stored_member_weeks(engine, community_id, ZONE, now)
    newest_week = stored.rows[stored.rows["week"] == len(stored.weeks) - 1]
    print(f"people around in {stored.weeks[-1]}: {len(newest_week):,}")
    p50, p95 = timed(lambda: members_page(engine, community_id, now), args.repeat)
    print(f"Members page reads: p50 {p50:.3f} s, p95 {p95:.3f} s")

    ranked = newest_week.sort_values("engagement", ascending=False)["person"].tolist()
    for label, person in (("most engaged", ranked[0]), ("median", ranked[len(ranked) // 2])):
        p50, p95 = timed(
            lambda p=person: read_profile(engine, community_id, int(p), ZONE, now), args.repeat
        )
        print(f"profile of the {label} member: p50 {p50:.3f} s, p95 {p95:.3f} s")

    segment = Segment(states=["active", "vital"])
    reading = segment_now(engine, community_id, ZONE, now, segment)
    print(f"segment 'active or vital': {len(reading.members):,} people")
    p50, p95 = timed(lambda: segment_now(engine, community_id, ZONE, now, segment), args.repeat)
    print(f"segment read (people and 12 weeks of size): p50 {p50:.3f} s, p95 {p95:.3f} s")
    p50, p95 = timed(
        lambda: export_segment(
            engine, community_id, "bench", segment, ZONE, now, actor=SERVER_SHELL
        ).to_csv(),
        max(3, args.repeat // 3),
    )
    print(f"segment export to CSV: p50 {p50:.2f} s, p95 {p95:.2f} s")


if __name__ == "__main__":
    main()
