"""The planted-incident benchmark: the default rules on real chat re-timed onto five
weeks, with incidents drawn at random per seed (alerts/planted). Prints, per rule and for
all together: recall, median and worst delay, false crises per week; the same per
background; and what fired over the harmless events.

    .venv/bin/python bench/incidents.py [--seeds N] [--backgrounds NAME ...] [--verbose]
        [--calibrated]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alerts.planted.incidents import CRISES, scenario  # noqa: E402
from alerts.planted.judge import Figures, judge, median  # noqa: E402
from alerts.planted.logs import read_log  # noqa: E402
from alerts.planted.traffic import read  # noqa: E402
from alerts.rules import DEFAULT_RULES  # noqa: E402

CHAT = ROOT.parent / "shared" / "data" / "chat"
BACKGROUNDS = {  # log file -> messages a day on the timeline
    "ubuntu_irc_sample": 1400,
    "matrix_array_languages": 400,
    "stackexchange_coffee": 120,
}


def planted_timelines(name: str, seeds: int):
    """(seed, traffic, incidents) of each seed's timeline over the background `name`."""
    log = read(read_log(CHAT / f"{name}.csv"))
    for seed in range(seeds):
        traffic, incidents = scenario(log, BACKGROUNDS[name], seed)
        yield seed, traffic, incidents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--backgrounds", nargs="*", default=list(BACKGROUNDS))
    parser.add_argument("--verbose", action="store_true", help="each miss and false alarm")
    parser.add_argument(
        "--calibrated",
        action="store_true",
        help="calibrate the rules first, on the week before the incidents (budget 1 a week)",
    )
    args = parser.parse_args()
    began = time.perf_counter()
    overall, per_background = Figures(), {}
    for name in args.backgrounds:
        log = read(read_log(CHAT / f"{name}.csv"))
        print(f"{name} ({BACKGROUNDS[name]}/day): topics {', '.join(log.topic_names.values())}")
        figures = per_background[name] = Figures()
        for seed in range(args.seeds):
            traffic, incidents = scenario(log, BACKGROUNDS[name], seed)
            verdict = judge(traffic, incidents, list(DEFAULT_RULES), args.calibrated)
            figures.add(verdict)
            overall.add(verdict)
            if args.verbose:
                _explain(seed, verdict)
    print(
        f"\n{len(args.backgrounds)} backgrounds × {args.seeds} seeds, "
        f"{overall.weeks:.0f} community-weeks judged, {time.perf_counter() - began:.0f} s\n"
    )
    _table(overall)
    print("\nper background: recall per incident kind, false crises a week")
    for name, figures in per_background.items():
        recalls = " ".join(f"{kind} {figures.recall(kind):.2f}" for kind in CRISES)
        print(
            f"  {name:24} {recalls}; all {figures.recall():.2f}, "
            f"false {figures.false_per_week():.2f}/wk"
        )
    print(
        "\nharmless events that set something off: "
        + ", ".join(f"{k} {fired}/{total}" for k, (fired, total) in overall.harmless.items())
    )


def _table(figures: Figures) -> None:
    print(f"{'incident':16} {'rule':26} {'recall':>7} {'median':>8} {'worst':>8}  false/wk")
    for kind, rule in CRISES.items():
        delays = figures.delays.get(kind, [])
        print(
            f"{kind:16} {rule:26} {figures.recall(kind):7.2f} "
            f"{_minutes(median(delays)):>8} {_minutes(max(delays, default=None)):>8}  "
            f"{figures.false_per_week(rule):.2f}"
        )
    for rule in sorted(set(figures.false_by_rule) - set(CRISES.values())):
        print(f"{'':16} {rule:26} {'':>7} {'':>8} {'':>8}  {figures.false_per_week(rule):.2f}")
    print(f"{'all together':43} {figures.recall():7.2f} {'':>17}  {figures.false_per_week():.2f}")


def _explain(seed: int, verdict) -> None:
    for incident, delay, fired in verdict.incidents:
        if incident.must_fire and delay is None:
            print(f"  seed {seed}: missed {incident.kind}: {incident.detail}")
        if fired and not incident.must_fire:
            print(
                f"  seed {seed}: {incident.kind} ({incident.detail}) set off {sorted(set(fired))}"
            )
    for alarm in verdict.false_alarms:
        print(f"  seed {seed}: false {alarm.rule} on {alarm.scope} at day {alarm.start / 1440:.1f}")


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} min"


if __name__ == "__main__":
    main()
