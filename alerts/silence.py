"""Sources gone silent: a data problem, told apart from a community going quiet.

A source (an import, a follower, the ingest server, the demo) is silent at minute t when
nothing of it has arrived since its last message although, at its usual rate for those
hours (the same baseline as the count rules), SILENT_AFTER_EXPECTED messages were due
while the community's other sources kept delivering (with 20 due, a lull leaves nothing
at all about once in 500 million times), or SILENT_ALONE_AFTER were due when it has no
other source or they went quiet too (for a day: with nothing from any source for longer,
the community's data has ended, as an imported archive's does, and nothing is silent).
A community that goes quiet still says something,
and quiets everywhere at once; a broken importer says nothing, on its own. An activity
drop is judged without what a silent source would have brought (`alerts.metrics`), and
the Source silent rule reports the source instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alerts.baselines import hourly_baseline
from alerts.rules import Rule, Scope
from alerts.windows import (
    HOURLY_COLUMNS,
    MetricData,
    channels_of,
    count_baseline,
    kept_baseline,
    summed_per_hour,
)

SILENT_AFTER_EXPECTED = 20.0  # messages due with none arrived: e**-20 ≈ 2e-9 by chance
OTHERS_DELIVER = 0.3  # ... while the other sources brought at least this share of theirs
OTHERS_LEAST_DUE = 5.0  # (evidence only when that many of theirs were due)
SILENT_ALONE_AFTER = 60.0  # messages due when the other sources are quiet too, or absent
LONGEST_GAP_MINUTES = 7 * 24 * 60  # a gap is followed back this far at most
DATA_ENDED_AFTER_MINUTES = 24 * 60  # nothing from any source this long: the data ended


def silent_sources(
    messages: pd.DataFrame,
    channel_hours: pd.DataFrame,
    channel_sources: dict[int, int],
    first: int,
    end: int,
) -> dict[int, np.ndarray]:
    """For each source, whether it is silent at each minute of [first, end)."""
    minutes_of = _source_of(messages["channel_id"], channel_sources)
    hours_of = _source_of(channel_hours["channel_id"], channel_sources)
    minute = messages["minute"].to_numpy(dtype=np.int64)
    sources = {}
    for source in sorted(set(channel_sources.values())):
        hours = channel_hours[hours_of == source]
        hours = summed_per_hour(hours, ["messages"])
        sources[source] = (np.sort(minute[minutes_of == source]), hours)
    # count what was due from the earliest last message (a gap may have begun earlier)
    begin = min((_last_before(own, hours, first) for own, hours in sources.values()), default=first)
    begin = max(begin, first - LONGEST_GAP_MINUTES)
    found = _silent_from(
        {s: _Tally(own, hours, begin, end) for s, (own, hours) in sources.items()}, begin, end
    )
    return {source: flags[first - begin :] for source, flags in found.items()}


def _silent_from(tallies: dict, first: int, end: int) -> dict[int, np.ndarray]:
    found = {}
    lasts = {source: own.last_before() for source, own in tallies.items()}
    community_last = np.max(list(lasts.values()), axis=0) if lasts else np.zeros(end - first)
    # with nothing at all from the community for a day, its data has ended (an archive,
    # a closed community): that is no longer a source's silence
    recent = np.arange(end - first) - community_last <= DATA_ENDED_AFTER_MINUTES
    for source, own in tallies.items():
        since = lasts[source]
        due = own.due_since(since)
        others = [t for s, t in tallies.items() if s != source]
        others_due = sum((t.due_since(since) for t in others), np.zeros(end - first))
        others_came = sum((t.arrived_since(since) for t in others), np.zeros(end - first))
        others_deliver = (others_due >= OTHERS_LEAST_DUE) & (
            others_came >= OTHERS_DELIVER * others_due
        )
        found[source] = ((due >= SILENT_ALONE_AFTER) & recent) | (
            others_deliver & (due >= SILENT_AFTER_EXPECTED)
        )
    return found


def _source_of(channels: pd.Series, channel_sources: dict[int, int]) -> np.ndarray:
    return channels.map(channel_sources).fillna(-1).to_numpy(dtype=np.int64)


class _Tally:
    """One source's arrivals and its messages due (at its usual rate), as running sums
    over the minutes [first, end): index i is the start of minute first + i."""

    def __init__(self, own: np.ndarray, hours: pd.DataFrame, first: int, end: int):
        self.own, self.first, self.size = own, first, end - first
        self.hours = hours
        per_minute = np.zeros(self.size)
        if not hours.empty and self.size > 0:
            first_hour, end_hour = first // 60, -(-end // 60)
            mean, _ = hourly_baseline(hours, "messages", first_hour, end_hour)
            per_minute = np.nan_to_num(mean)[np.arange(first, end) // 60 - first_hour] / 60
        self.due = np.concatenate([[0.0], np.cumsum(per_minute)])
        inside = own[(own >= first) & (own < end)] - first
        arrived = np.bincount(inside, minlength=self.size).astype(float)
        self.arrived = np.concatenate([[0.0], np.cumsum(arrived)])

    def last_before(self) -> np.ndarray:
        """For each minute, the index just after this source's last message before it
        (0 when that was before `first`)."""
        minutes = np.arange(self.first, self.first + self.size)
        otherwise = _last_before(np.zeros(0, dtype=np.int64), self.hours, self.first)
        return np.clip(_after_last(self.own, minutes, otherwise) - self.first, 0, self.size)

    def due_since(self, since: np.ndarray) -> np.ndarray:
        return self.due[np.arange(self.size)] - self.due[since]

    def arrived_since(self, since: np.ndarray) -> np.ndarray:
        return self.arrived[np.arange(self.size)] - self.arrived[since]


def _after_last(own: np.ndarray, minutes: np.ndarray, otherwise: int) -> np.ndarray:
    """The minute after the last of `own` (sorted) before each of `minutes`; `otherwise`
    where none is (every minute, when `own` is empty: a source with nothing in the
    minutes read, such as an archive's whose data ended before them)."""
    if not len(own):
        return np.full(len(minutes), otherwise, dtype=np.int64)
    before = np.searchsorted(own, minutes, side="left")
    return np.where(before > 0, own[np.maximum(before - 1, 0)] + 1, otherwise)


def _last_before(own: np.ndarray, hours: pd.DataFrame, first: int) -> int:
    """The minute after a source's last message before `first`: from its messages, else
    from the hourly rollup (the end of its last hour with messages, the kindest guess);
    `first` if it has none."""
    earlier = own[own < first]
    if len(earlier):
        return int(earlier.max()) + 1
    with_messages = hours.loc[(hours["messages"] > 0) & (hours["hour"] * 60 < first), "hour"]
    return int(min((with_messages.max() + 1) * 60, first)) if len(with_messages) else first


def data_ended(
    messages: pd.DataFrame, channel_hours: pd.DataFrame, first: int, end: int
) -> np.ndarray:
    """Whether, at each minute of [first, end), nothing at all has come from the community
    for DATA_ENDED_AFTER_MINUTES: its data has ended (an archive's last day is behind, or
    every source stopped a day ago), so a drop there is no news."""
    own = np.sort(messages["minute"].to_numpy(dtype=np.int64))
    hours = summed_per_hour(channel_hours, ["messages"])
    minutes = np.arange(first, end)
    last = _after_last(own, minutes, _last_before(own[:0], hours, first))
    with_any = len(own) or (hours["messages"] > 0).any()
    return (minutes - last > DATA_ENDED_AFTER_MINUTES) if with_any else np.zeros(len(minutes), bool)


def silence_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    """score_series of the sources of the scope that are silent (see alerts.silence)."""
    silent = _silent_count(scope, data, start, end)
    return {
        "minute": np.arange(start, end, dtype=np.int64),
        "value": silent,
        "score": silent,
        "guard": np.full(len(silent), np.inf),
        "limit": np.full(len(silent), rule.threshold),
    }


def _silent_count(scope: Scope, data: MetricData, start: int, end: int) -> np.ndarray:
    """How many of the scope's sources are silent at each minute of [start, end)."""
    channels = channels_of(scope, data)
    sources = (
        set(data.channel_sources.values())
        if channels is None
        else {data.channel_sources.get(c) for c in channels}
    )
    flags = _silent_flags(data, start, end)
    silent = [flags[source] for source in sources if source in flags]
    return np.sum(silent, axis=0).astype(float) if silent else np.zeros(end - start)


def _silent_flags(data: MetricData, start: int, end: int) -> dict[int, np.ndarray]:
    key = ("silent", start, end)
    if key not in data.shared:
        data.shared[key] = silent_sources(
            data.messages, data.channel_hours, data.channel_sources, start, end
        )
    return data.shared[key]


def _hours_of(data: MetricData, channels: list[int]) -> pd.DataFrame:
    """The hourly rollup of these channels summed per hour, worked out once per data."""
    key = ("hours of", tuple(channels))
    if key not in data.shared:
        hours = data.channel_hours[data.channel_hours["channel_id"].isin(channels)]
        data.shared[key] = summed_per_hour(hours, HOURLY_COLUMNS[1:])
    return data.shared[key]


def ended_in(data: MetricData, first: int, end: int) -> np.ndarray:
    """data_ended for the data's messages, worked out once per range."""
    key = ("ended", first, end)
    if key not in data.shared:
        data.shared[key] = data_ended(data.messages, data.channel_hours, first, end)
    return data.shared[key]


def without_silent_sources(rule, scope, data, start, end, expected) -> np.ndarray:
    """The expected count less what silent sources would have brought: a drop is judged
    on the sources that still deliver (a silent one is a data problem, told apart by the
    Source silent rule), so an importer that stops is no activity drop, while a
    community that goes quiet everywhere still is one."""
    window = rule.window_minutes
    channels = channels_of(scope, data)
    for source, silent in _silent_flags(data, start, end).items():
        if not silent.any():
            continue
        own = [
            c
            for c, s in data.channel_sources.items()
            if s == source and (channels is None or c in channels)
        ]
        baseline = kept_baseline(data, ("channels", tuple(own)))
        due, _ = count_baseline(rule, _hours_of(data, own), start - window, end, window, baseline)
        expected = np.where(silent, np.maximum(expected - np.nan_to_num(due), 0), expected)
    return expected
