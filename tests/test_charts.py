"""The charts' axes, on data built by hand."""

from __future__ import annotations


def test_a_chart_of_a_few_days_has_a_tick_a_day_not_hours_between_them():
    import pandas as pd

    from dashboard.charts.activity import daily_messages
    from dashboard.charts.sentiment import kinds_over_time

    def ticks(buckets):
        daily = pd.DataFrame({"bucket": buckets, "messages": range(len(buckets))})
        return daily_messages(daily).layout.xaxis.dtick

    shanghai_days = pd.date_range("2026-03-01", periods=3, freq="D", tz="Asia/Shanghai")
    assert ticks(shanghai_days) == 86_400_000
    assert ticks(shanghai_days[:1]) == 86_400_000  # one day alone
    # across the spring clock change: still whole days, 23 hours apart
    assert ticks(pd.date_range("2026-03-28", periods=3, freq="D", tz="Europe/Berlin")) == (
        86_400_000
    )
    assert ticks(pd.date_range("2026-03-01", periods=48, freq="h", tz="UTC")) is None  # hours
    assert ticks(pd.date_range("2026-03-02", periods=8, freq="7D", tz="UTC")) is None  # weeks
    assert ticks(pd.date_range("2026-01-01", periods=60, freq="D", tz="UTC")) is None  # plotly's
    kinds = pd.DataFrame(
        {"bucket": shanghai_days[:2], "kind": ["question", "other"], "messages": [3, 1]}
    )
    assert kinds_over_time(kinds, {}).layout.xaxis.dtick == 86_400_000
