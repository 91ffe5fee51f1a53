"""What the Segments page needs from below the face: the filters' vocabulary, the segment
itself and the fields of an export."""

from __future__ import annotations

from analysis.kinds import KINDS
from analysis.lifecycle import STATES
from analysis.segments import MAX_WITHIN_WEEKS, BadSegment, Segment
from dashboard.member_segments import EXPORT_FIELDS

__all__ = ["EXPORT_FIELDS", "KINDS", "MAX_WITHIN_WEEKS", "STATES", "BadSegment", "Segment"]
