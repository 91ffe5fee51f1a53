"""What the Topic heat page shows of emerging terms: their thresholds and hours."""

from __future__ import annotations

from analysis.emerging import MIN_AUTHORS, WINDOW_HOURS
from dashboard.emerging_now import hour_start

__all__ = ["MIN_AUTHORS", "WINDOW_HOURS", "hour_start"]
