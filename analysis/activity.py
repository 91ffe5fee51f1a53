"""Live activity against normal: the per-minute band and the normal/elevated/critical state.

The baseline is the message count of the same hour of the week in each of the
previous weeks. Its mean, spread across weeks and the Poisson noise of small
counts give the band: mean ± 2 standard deviations per minute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import fmean, pstdev

ELEVATED_Z = 2.5
CRITICAL_Z = 4.0
MIN_BASELINE_WEEKS = 2  # weeks with any messages needed before judging


@dataclass(frozen=True)
class Band:
    expected_per_minute: float
    low_per_minute: float
    high_per_minute: float
    hourly_spread: float  # standard deviation of the hourly counts across weeks


@dataclass(frozen=True)
class LiveState:
    level: str  # "normal", "elevated", "critical", "quiet" or "unknown"
    reason: str  # in English; the interface words it from the fields below
    observed: int = 0
    minutes: int = 0
    expected: float | None = None  # None: too little history to judge
    ratio: float = 0.0


def normal_band(same_hour_counts: list[int]) -> Band | None:
    """The band for one hour of the week, or None without enough history."""
    if sum(1 for c in same_hour_counts if c > 0) < MIN_BASELINE_WEEKS:
        return None
    mean_hourly = fmean(same_hour_counts)
    spread = pstdev(same_hour_counts)
    per_minute = mean_hourly / 60
    sigma = math.sqrt(per_minute + (spread / 60) ** 2)
    return Band(per_minute, max(0.0, per_minute - 2 * sigma), per_minute + 2 * sigma, spread)


def live_state(observed: int, minutes: int, band: Band | None) -> LiveState:
    """Judge `observed` messages in the last `minutes` against the band."""
    if band is None:
        return LiveState(
            "unknown",
            f"{observed} messages in the last {minutes} minutes; "
            f"at least {MIN_BASELINE_WEEKS} weeks of history are needed to judge.",
            observed,
            minutes,
        )
    expected = band.expected_per_minute * minutes
    sigma = math.sqrt(expected + (band.hourly_spread * minutes / 60) ** 2) or 1.0
    z = (observed - expected) / sigma
    usual = f"the usual {expected:.0f} for this hour of the week"
    ratio = observed / expected if expected else math.inf
    if z >= CRITICAL_Z:
        level, how = "critical", f"{ratio:.1f}× {usual}"
    elif z >= ELEVATED_Z:
        level, how = "elevated", f"{ratio:.1f}× {usual}"
    elif z <= -ELEVATED_Z:
        level, how = "quiet", f"well below {usual}"
    else:
        level, how = "normal", f"close to {usual}"
    reason = f"{observed} messages in the last {minutes} minutes, {how}."
    return LiveState(level, reason, observed, minutes, expected, ratio)
