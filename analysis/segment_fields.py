"""The names of a segment's fields and of an export's columns: plain constants, read by
the command's parsers (which must stay light) as by analysis.segments and
dashboard.member_segments."""

LIST_FIELDS = (
    "levels",
    "states",
    "platforms",
    "channels",
    "topics",
    "languages",
    "kinds",
    "tags",
)
EXPORT_FIELDS = (  # what an export of a segment holds, one row per person, in this order
    "person",
    "name",
    "accounts",
    "emails",
    "level",
    "state",
    "engagement",
    "first_seen",
    "last_active_week",
    "tags",
)
