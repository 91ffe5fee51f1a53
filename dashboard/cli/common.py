"""`--community` of every command: when none is named, the only community there is."""

from __future__ import annotations

from sqlalchemy import Engine

from data_access.communities import community_names
from data_access.setup import init_database

FIRST_COMMUNITY = "main"  # the name a first import gives its community


def chosen_community(engine: Engine, creates: bool) -> str:
    """The community a command works on when none was named: the only one there is; with
    none yet, FIRST_COMMUNITY for a command that `creates` one; with several, an error
    that names them."""
    init_database(engine)
    names = community_names(engine)
    if len(names) == 1:
        return names[0]
    if not names:
        if creates:
            return FIRST_COMMUNITY
        raise ValueError(
            "there is no community yet: import messages first (ecg import), or make the "
            "demo (ecg init-db --demo)"
        )
    raise ValueError(
        f"there are {len(names)} communities: choose one with --community ({', '.join(names)})"
    )


def add_community_option(parser, creates: bool = False) -> None:
    """--community, defaulting to the only community (see chosen_community)."""
    parser.add_argument(
        "--community",
        help="default: the only community"
        + (f" ({FIRST_COMMUNITY!r} when there is none yet)" if creates else ""),
    )
    parser.set_defaults(community_creates=creates)
