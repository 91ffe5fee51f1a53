"""Setting a community up (schema, starting topics, default alert rules) and the demo
community's simulated messages: shared by the commands, the worker and the pages."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from alerts.catalog import ensure_default_rules
from analysis.topic_templates import template
from dashboard.demo_community import DEMO_COMMUNITY, DEMO_DAYS
from data_access.communities import community_id_of
from data_access.setup import init_database, seed_topics
from data_access.topics import rule_values
from ingest.pipeline import ImportSummary, ImportTarget, Progress, run_import
from ingest.records import ParsedRow, RawMessage
from ingest.simulate import CommunitySpec, default_incidents, simulate_source

log = logging.getLogger(__name__)
DEMO_SPEC = CommunitySpec(messages_per_hour=120)  # the worker appends with the same spec


def prepare_community(engine: Engine, community: str, topics: str = "software") -> int:
    """Make sure the schema is current and the community exists with its default alert
    rules; a community made now starts with the topic template `topics` (see
    analysis.topic_templates; an existing one keeps its own, even none). Returns its id."""
    rules = template(topics)
    init_database(engine)
    if community_id_of(engine, community) is None:
        seed_topics(engine, community, [rule_values(rule) for rule in rules])
    community_id = community_id_of(engine, community)
    ensure_default_rules(engine, community_id, datetime.now(UTC))
    return community_id


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
