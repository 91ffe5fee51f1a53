"""What the `ecg` commands do, apart from argument parsing: plain functions, no Streamlit."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from alerts.catalog import ensure_default_rules
from analysis.topics import DEFAULT_TOPICS
from data_access.schema import Community
from data_access.setup import init_database, seed_topics
from ingest.pipeline import ImportSummary, ImportTarget, Progress, run_import
from ingest.records import ParsedRow, RawMessage
from ingest.retag import rule_values
from ingest.simulate import CommunitySpec, default_incidents, simulate_source

log = logging.getLogger(__name__)
DEMO_COMMUNITY = "demo"
DEMO_DAYS = 60
DEMO_SPEC = CommunitySpec(messages_per_hour=120)  # the worker appends with the same spec


def prepare_community(engine: Engine, community: str) -> int:
    """Make sure the schema is current and the community has its starting topics and alert
    rules; returns the community's id."""
    init_database(engine)
    seed_topics(engine, community, [rule_values(rule) for rule in DEFAULT_TOPICS])
    community_id = community_id_of(engine, community)
    ensure_default_rules(engine, community_id, datetime.now(UTC))
    return community_id


def community_id_of(engine: Engine, community: str) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(select(Community.id).where(Community.name == community))


def community_names(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(Community.name).order_by(Community.name)))


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


def simulate(
    engine: Engine,
    community: str,
    start: datetime,
    end: datetime,
    spec: CommunitySpec,
    on_progress: Progress | None = None,
) -> ImportSummary:
    """Write the simulated messages of [start, end) for every source of `spec`."""
    prepare_community(engine, community)
    total = ImportSummary()
    for source in spec.sources:
        rows = (_row(m) for m in simulate_source(spec, source, start, end))
        target = ImportTarget(community, source.name, source.platform)
        summary = run_import(
            engine, rows, target, path=f"simulated {source.name}", on_progress=on_progress
        )
        total.read += summary.read
        total.imported += summary.imported
        total.duplicates += summary.duplicates
        total.past_retention += summary.past_retention
        total.seconds += summary.seconds
    return total


def create_demo(engine: Engine, now: datetime, on_progress: Progress | None = None) -> int:
    """Backfill the demo community with DEMO_DAYS of history up to `now`."""
    spec = replace(DEMO_SPEC, incidents=default_incidents(now))
    summary = simulate(
        engine, DEMO_COMMUNITY, now - timedelta(days=DEMO_DAYS), now, spec, on_progress
    )
    return summary.imported


def _row(message: RawMessage) -> ParsedRow:
    return ParsedRow(0, message)
