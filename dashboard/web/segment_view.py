"""What the Segments page needs from below the face: the filters' vocabulary, the segment
itself and the fields of an export."""

from __future__ import annotations

from analysis.kinds import KINDS
from analysis.lifecycle import STATES
from analysis.segments import MAX_WITHIN_WEEKS, BadSegment, Segment
from dashboard.member_lifecycle import WEEKS_KEPT as MEMBER_WEEKS_KEPT
from dashboard.member_segments import EXPORT_FIELDS

__all__ = [
    "EXPORT_FIELDS",
    "KINDS",
    "MAX_WITHIN_WEEKS",
    "MEMBER_WEEKS_KEPT",
    "STATES",
    "BadSegment",
    "Segment",
]
