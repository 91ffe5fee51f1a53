"""The planted-incident benchmark: the default rules on real chat re-timed onto five
weeks, with incidents drawn at random per seed (alerts/planted). Prints, per rule and for
all together: recall, median and worst delay, false crises per week; and what fired over
the harmless events.

    .venv/bin/python bench/incidents.py [--seeds N] [--backgrounds NAME ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alerts.planted.incidents import CRISES, scenario  # noqa: E402
from alerts.planted.judge import harmless_fired, judge, median  # noqa: E402
from alerts.planted.logs import read_log  # noqa: E402
from alerts.planted.traffic import read  # noqa: E402
from alerts.rules import DEFAULT_RULES  # noqa: E402

CHAT = ROOT.parent / "shared" / "data" / "chat"
BACKGROUNDS = {  # log file -> messages a day on the timeline
    "ubuntu_irc_sample": 1400,
    "matrix_array_languages": 400,
    "stackexchange_coffee": 120,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--backgrounds", nargs="*", default=list(BACKGROUNDS))
    args = parser.parse_args()
    delays, missed = defaultdict(list), defaultdict(int)
    false_by_rule, weeks = defaultdict(int), 0.0
    harmless = defaultdict(lambda: [0, 0])
    began = time.perf_counter()
    for name in args.backgrounds:
        read_at = time.perf_counter()
        log = read(read_log(CHAT / f"{name}.csv"))
        print(
            f"{name}: {len(log.log)} rows read in {time.perf_counter() - read_at:.1f} s; "
            f"topics {', '.join(log.topic_names.values())}"
        )
        for seed in range(args.seeds):
            traffic, incidents = scenario(log, BACKGROUNDS[name], seed)
            verdict = judge(traffic, incidents, list(DEFAULT_RULES))
            weeks += verdict.weeks
            for incident, delay, fired in verdict.incidents:
                if fired and not incident.must_fire:
                    print(
                        f"  seed {seed}: {incident.kind} ({incident.detail}) set off "
                        f"{', '.join(sorted(set(fired)))}"
                    )
                if incident.must_fire:
                    if delay is None:
                        missed[incident.kind] += 1
                        print(f"  seed {seed}: missed {incident.kind}: {incident.detail}")
                    else:
                        delays[incident.kind].append(delay)
            for alarm in verdict.false_alarms:
                false_by_rule[alarm.rule] += 1
            for kind, (fired, total) in harmless_fired(verdict).items():
                harmless[kind][0] += fired
                harmless[kind][1] += total
    print(
        f"\n{len(args.backgrounds)} backgrounds × {args.seeds} seeds, "
        f"{weeks:.0f} community-weeks judged, {time.perf_counter() - began:.0f} s"
    )
    print(f"{'incident':16} {'rule':26} {'recall':>7} {'median':>8} {'worst':>8}  false/wk")
    caught_all = total_all = 0
    for kind, rule in CRISES.items():
        caught, total = len(delays[kind]), len(delays[kind]) + missed[kind]
        caught_all, total_all = caught_all + caught, total_all + total
        mid = median(delays[kind])
        worst = max(delays[kind], default=None)
        print(
            f"{kind:16} {rule:26} {caught / total if total else 0:7.2f} "
            f"{_minutes(mid):>8} {_minutes(worst):>8}  {false_by_rule[rule] / weeks:.2f}"
        )
    others = {r: n for r, n in false_by_rule.items() if r not in CRISES.values()}
    for rule, count in sorted(others.items()):
        print(f"{'':16} {rule:26} {'':>7} {'':>8} {'':>8}  {count / weeks:.2f}")
    print(
        f"{'all together':43} {caught_all / total_all:7.2f} {'':>17}  "
        f"{sum(false_by_rule.values()) / weeks:.2f}"
    )
    print(
        "harmless events that set something off: "
        + ", ".join(f"{kind} {fired}/{total}" for kind, (fired, total) in harmless.items())
    )


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} min"


if __name__ == "__main__":
    main()
