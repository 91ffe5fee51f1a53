"""The demo community's name and how much history it starts with: plain constants, read
by the command's parsers (which must stay light) and by dashboard.communities."""

DEMO_COMMUNITY = "demo"
DEMO_DAYS = 60
