"""`ecg detect`: the product's spike detection on any `timestamp,value` CSV file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from forecasting.spikes import DETECT_Z, detect_spikes
from ingest.records import ImportFormatError


@dataclass(frozen=True)
class DetectResult:
    points: int
    spikes: int
    learning_points: int


def detect_file(path: Path, output: Path, z: float | None = None) -> DetectResult:
    series = _read(path)
    detection = detect_spikes(
        series["timestamp"], series["value"], z_open=DETECT_Z if z is None else z
    )
    result = pd.DataFrame(
        {
            "timestamp": series["timestamp"],
            "value": series["value"],
            "anomaly_score": detection.scores.round(6),
            "is_spike": detection.spikes,
        }
    )
    result.to_csv(output, index=False)
    return DetectResult(len(result), int(detection.spikes.sum()), detection.learning_points)


def _read(path: Path) -> pd.DataFrame:
    try:
        series = pd.read_csv(path, dtype={"timestamp": str})
    except FileNotFoundError:
        raise ImportFormatError(str(path), 0, "no such file") from None
    except pd.errors.EmptyDataError:
        raise ImportFormatError(str(path), 0, "the file is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ImportFormatError(str(path), 0, f"not readable as CSV: {error}") from None
    missing = [c for c in ("timestamp", "value") if c not in series.columns]
    if missing:
        raise ImportFormatError(str(path), 1, f"needs the column(s) {', '.join(missing)}")
    if series.empty:
        raise ImportFormatError(str(path), 0, "the file has no rows")
    parsed = pd.to_datetime(series["timestamp"], utc=True, errors="coerce", format="mixed")
    bad = parsed.isna()
    if bad.any():
        line = int(bad.idxmax()) + 2
        raise ImportFormatError(
            str(path), line, f"bad timestamp {series['timestamp'][bad.idxmax()]!r}"
        )
    if not parsed.is_monotonic_increasing:
        line = int((parsed.diff() <= pd.Timedelta(0)).idxmax()) + 2
        raise ImportFormatError(str(path), line, "timestamps must increase")
    series["value"] = pd.to_numeric(series["value"], errors="coerce")
    return series
