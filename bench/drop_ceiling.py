"""How soon could any rule tell a planted activity drop from the background? An oracle
that knows each drop's start and each hour's true usual count (the rhythm the traffic
was drawn around, which a rule can only estimate) scores the drop's first d minutes, and
every window of d minutes over the same weeks away from the crises (the harmless events
included: a quiet day must not fire), by the Poisson probability of so few messages:
P(X <= k) with X ~ Poisson(the usual count of the window). The drop is told apart at the
first d where its probability is below every background window's, so a threshold between
the two would catch it then without a false crisis.

    .venv/bin/python bench/drop_ceiling.py [--seeds N] [--backgrounds NAME ...]

This is the shortest delay any drop rule could reach on the planted benchmark
(bench/incidents.py) with no false crisis. The background's counts vary more than
Poisson (each day and hour has its own factor), which is what a rule must allow for.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alerts.planted.incidents import WARM_UP_DAYS  # noqa: E402
from bench.incidents import BACKGROUNDS, planted_timelines  # noqa: E402

DAY = 1440
GAP = 180  # background windows keep this far from any crisis
DELAYS = (10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 360, 480)


def _windows(per_minute_counts, usual_per_minute, starts, length):
    """(messages, usual count) of the windows [start, start + length)."""
    counts = np.concatenate([[0], np.cumsum(per_minute_counts)])
    usual = np.concatenate([[0.0], np.cumsum(usual_per_minute)])
    return counts[starts + length] - counts[starts], usual[starts + length] - usual[starts]


def _lowest_beyond(scores, starts, length: int, allowed: int) -> float:
    """The lowest background score once the `allowed` lowest lulls (windows overlapping
    one another count as one lull) are taken as false crises."""
    order = np.argsort(scores, kind="stable")
    lulls: list[int] = []
    for index in order:
        if any(abs(starts[index] - other) < length for other in lulls):
            continue
        if len(lulls) == allowed:
            return float(scores[index])
        lulls.append(int(starts[index]))
    return -np.inf


def oracle_delay(traffic, incidents, drop, allowed: int = 0) -> int | None:
    """The first of DELAYS at which the drop is less likely than every background
    window but those of the `allowed` lowest lulls."""
    minutes = traffic.messages["minute"].to_numpy()
    per_minute = np.bincount(minutes, minlength=traffic.hours * 60)[: traffic.hours * 60]
    usual_per_minute = np.repeat(traffic.usual / 60, 60)
    crises = [i for i in incidents if i.must_fire]
    for delay in DELAYS:
        if delay > drop.end - drop.start:
            return None
        starts = np.arange(WARM_UP_DAYS * DAY, traffic.hours * 60 - delay, max(delay // 2, 5))
        clear = np.ones(len(starts), dtype=bool)
        for crisis in crises:
            clear &= (starts + delay <= crisis.start - GAP) | (starts >= crisis.end + GAP)
        seen, usual = _windows(per_minute, usual_per_minute, starts[clear], delay)
        scores = stats.poisson.logcdf(seen, usual)
        background = _lowest_beyond(scores, starts[clear], delay, allowed)
        own_seen, own_usual = _windows(per_minute, usual_per_minute, np.array([drop.start]), delay)
        if stats.poisson.logcdf(own_seen, own_usual)[0] < background:
            return delay
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--backgrounds", nargs="*", default=list(BACKGROUNDS))
    parser.add_argument(
        "--false", type=int, default=0, help="false crises allowed per timeline (0)"
    )
    args = parser.parse_args()
    every = []
    for name in args.backgrounds:
        found = []
        for seed, traffic, incidents in planted_timelines(name, args.seeds):
            (drop,) = [i for i in incidents if i.kind == "activity_drop"]
            delay = oracle_delay(traffic, incidents, drop, args.false)
            usual = traffic.usual[drop.start // 60]
            print(f"  {name} seed {seed}: {drop.detail}, usual {usual:.0f}/h: {delay} min")
            found.append(delay)
        caught = sorted(d for d in found if d is not None)
        print(f"{name}: told apart {len(caught)} of {len(found)}, delays {caught}")
        every += found
    caught = sorted(d for d in every if d is not None)
    middle = float(np.median(caught + [np.inf] * (len(every) - len(caught))))
    print(
        f"all: {len(caught)} of {len(every)} told apart; median delay {middle:g} min "
        "(a drop never told apart counts as endless): the soonest a drop rule could fire"
    )


if __name__ == "__main__":
    main()
