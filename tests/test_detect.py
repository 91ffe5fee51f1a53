"""`ecg detect`: measured on the NAB tweet series, causal, and calm on odd input."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from dashboard.cli.main import main
from forecasting.spikes import detect_spikes

TWEETS = ["AAPL", "AMZN", "CRM", "CVS", "FB"]


def test_nab_score_of_ecg_detect_is_at_least_60(shared_data, tmp_path):
    data = shared_data / "nab_tweets"
    for name in TWEETS:
        series = data / f"Twitter_volume_{name}.csv"
        assert main(["-q", "detect", str(series), "--output", str(tmp_path / series.name)]) == 0
    scored = subprocess.run(
        [
            sys.executable,
            str(shared_data.parent / "tools" / "nab_score.py"),
            "--data",
            str(data),
            "--windows",
            str(data / "windows.json"),
            "--detections",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    score = float(scored.stdout.strip().splitlines()[-1].rsplit(":", 1)[1])
    assert score >= 75, scored.stdout  # 82.4 when written; a detector that never fires scores 0


def test_output_columns_and_values(shared_data, tmp_path):
    out = tmp_path / "out.csv"
    assert (
        main(
            [
                "-q",
                "detect",
                str(shared_data / "nab_tweets" / "Twitter_volume_FB.csv"),
                "--output",
                str(out),
            ]
        )
        == 0
    )
    result = pd.read_csv(out)
    assert list(result.columns) == ["timestamp", "value", "anomaly_score", "is_spike"]
    assert result["anomaly_score"].between(0, 1).all()
    assert set(result["is_spike"].unique()) <= {0, 1}


def test_causal_a_truncated_series_scores_the_same(shared_data):
    series = pd.read_csv(shared_data / "nab_tweets" / "Twitter_volume_AAPL.csv")
    whole = detect_spikes(series["timestamp"], series["value"])
    part = detect_spikes(series["timestamp"][:9000], series["value"][:9000])
    np.testing.assert_array_equal(whole.scores[:9000].to_numpy(), part.scores.to_numpy())
    np.testing.assert_array_equal(whole.spikes[:9000].to_numpy(), part.spikes.to_numpy())


def _hourly(values) -> tuple[pd.Series, pd.Series]:
    times = pd.Series(pd.date_range("2026-03-02", periods=len(values), freq="h", tz="UTC"))
    return times, pd.Series(values, dtype=float)


def test_one_incident_is_one_spike():
    rng = np.random.default_rng(1)
    values = rng.poisson(20, 24 * 10).astype(float)
    values[200:206] = 200  # six hours of an outage
    detection = detect_spikes(*_hourly(values))
    assert detection.spikes.sum() == 1 and detection.spikes[200] == 1
    assert detection.scores[200] > 0.999999


@pytest.mark.parametrize(
    ("values", "spikes"),
    [
        ([5.0] * 10, 0),  # short: still learning, nothing judged
        ([7.0] * 100, 0),  # flat
        ([0.0] * 100, 0),  # all zeros
        ([np.nan] * 30 + [3.0] * 70, 0),  # missing values
        ([-5.0, -4.0] * 50, 0),  # negative values are a series like any other
    ],
)
def test_odd_series_give_a_stated_result(values, spikes):
    detection = detect_spikes(*_hourly(values))
    assert detection.spikes.sum() == spikes
    assert detection.scores.between(0, 1).all()
    assert detection.learning_points == min(24, len(values))


def test_a_step_after_a_flat_stretch_is_a_spike():
    detection = detect_spikes(*_hourly([7.0] * 50 + [30.0]))
    assert detection.spikes.tolist()[-1] == 1


def test_gaps_in_time_use_the_usual_interval(tmp_path):
    path = tmp_path / "gappy.csv"
    times = list(pd.date_range("2026-03-02", periods=60, freq="5min"))
    del times[20:30]  # a gap of 50 minutes
    pd.DataFrame({"timestamp": times, "value": 1.0}).to_csv(path, index=False)
    assert main(["-q", "detect", str(path), "--output", str(tmp_path / "o.csv")]) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("time,count\n2026-03-02,1\n", "needs the column(s) timestamp, value"),
        ("timestamp,value\n2026-03-02 01:00,1\n2026-03-02 00:00,2\n", "line 3: timestamps must"),
        ("timestamp,value\nsoon,1\n", "line 2: bad timestamp 'soon'"),
        ("", "the file is empty"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path, capsys, content, message):
    path = tmp_path / "series.csv"
    path.write_text(content)
    assert main(["detect", str(path), "--output", str(tmp_path / "o.csv")]) == 2
    assert message in capsys.readouterr().err
