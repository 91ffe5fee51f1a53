"""The weekly report: its figures, its PDF and its mail."""
