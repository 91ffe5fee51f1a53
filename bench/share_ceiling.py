"""How many of the planted topic-share surges could any rule tell apart from the
background? An oracle that knows each surge's topic, start and length scores it, and
every window of the same length over the same three weeks, on every topic, away from
the surge: a surge stands out when its score beats every one of them (so a threshold
between the two would catch it without a false crisis there). The score is the topic's
count over the window against its share of the week before times the window's messages,
in Poisson sigmas: z = (k - e) / sqrt(e).

    .venv/bin/python bench/share_ceiling.py [--seeds N] [--backgrounds NAME ...]

This is the most a share rule could reach on the planted benchmark (bench/incidents.py)
with no false crisis: the backgrounds are real chat re-timed, whose topics come in
conversations, so some natural windows rise as far as a planted surge.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alerts.planted.incidents import WARM_UP_DAYS  # noqa: E402
from bench.incidents import BACKGROUNDS, planted_timelines  # noqa: E402

DAY = 1440
GAP = DAY  # background windows keep this far from the surge


def poisson_z(topic_minutes, all_minutes, start: int, length: int) -> float:
    """The topic's count in [start, start + length) against its share of the week before."""

    def count(minutes, first, end):
        return int(np.searchsorted(minutes, end) - np.searchsorted(minutes, first))

    week_all = count(all_minutes, start - 7 * DAY, start)
    if not week_all:
        return float("-inf")
    usual = count(topic_minutes, start - 7 * DAY, start) / week_all
    expected = usual * count(all_minutes, start, start + length)
    return (count(topic_minutes, start, start + length) - expected) / np.sqrt(max(expected, 1.0))


def surge_and_background(traffic, surge) -> tuple[float, float]:
    """(the surge's z, the highest z of any other window of its length on any topic)."""
    messages = traffic.messages
    minutes = messages["minute"].to_numpy()
    topics_of = traffic.read_log.topics_of_row
    rows = messages["row"].to_numpy()
    length = surge.end - surge.start
    last = int(minutes.max()) + 1
    highest = float("-inf")
    own = None
    for topic in traffic.read_log.topic_names:
        topic_minutes = minutes[np.array([topic in topics_of[r] for r in rows])]
        if topic == surge.topic_id:
            own = poisson_z(topic_minutes, minutes, surge.start, length)
        for start in range(WARM_UP_DAYS * DAY, last - length, max(length // 2, 60)):
            if start < surge.end + GAP and start + length > surge.start - GAP:
                continue
            highest = max(highest, poisson_z(topic_minutes, minutes, start, length))
    return own, highest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--backgrounds", nargs="*", default=list(BACKGROUNDS))
    args = parser.parse_args()
    apart = total = 0
    for name in args.backgrounds:
        found = []
        for seed, traffic, incidents in planted_timelines(name, args.seeds):
            (surge,) = [i for i in incidents if i.kind == "share_surge"]
            own, highest = surge_and_background(traffic, surge)
            found.append(own > highest)
            print(
                f"  {name} seed {seed}: {surge.detail}: z {own:.1f}, background up to {highest:.1f}"
            )
        print(f"{name}: {sum(found)} of {len(found)} surges stand out from the background")
        apart, total = apart + sum(found), total + len(found)
    print(f"all: {apart} of {total} ({apart / total:.2f}): the most a share rule could catch")


if __name__ == "__main__":
    main()
