"""`ecg topics discover`: suggested topics from a community's recent messages, or clusters
of any text file as `row,cluster,cluster_name` CSV (how discovery is measured)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from analysis.discovery import discover
from dashboard.cli.common import chosen_community, engine_for
from dashboard.cli.text_files import csv_output, texts_of
from dashboard.topic_suggestions import suggest_topics
from data_access.schema import Community

log = logging.getLogger("ecg")
SAMPLES = 2


def discover_file(path: Path, columns: list[str] | None, k: int | None, out: TextIO | Path):
    texts = list(texts_of(path, columns))
    if not texts:
        raise ValueError(f"{path}: no texts to cluster")
    log.info("clustering %s texts%s", f"{len(texts):,}", "" if k else ", choosing k")
    found = discover(texts, k)
    with csv_output(out, ["row", "cluster", "cluster_name"]) as writer:
        names = {cluster.number: cluster.name for cluster in found.clusters}
        for row, label in enumerate(found.labels, start=1):
            writer.writerow({"row": row, "cluster": int(label), "cluster_name": names[label]})
    _log_choice(found)
    for cluster in found.clusters:
        log.info("cluster %d: %s texts, %s", cluster.number, f"{cluster.size:,}", cluster.name)
    return found


def _log_choice(found) -> None:
    if found.costs:
        costs = ", ".join(f"{k}: {c:.2f}" for k, c in found.costs.items())
        log.info("k = %d, the knee of the k-means cost (scaled) %s", len(found.clusters), costs)


def discover_community(settings, community: str | None, days: int, k: int | None) -> int:
    engine = engine_for(settings)
    name = community or chosen_community(engine, creates=False)
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == name))
    if community_id is None:
        raise ValueError(f"no community named {name!r}")
    log.info("clustering the newest messages of %s's last %d days with data", name, days)
    try:
        found = suggest_topics(engine, community_id, days, k, datetime.now(UTC))
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None
    print(
        f"{len(found.suggestions)} suggested topics in {found.messages:,} messages of {name}"
        + _left_out(found)
        + ":"
    )
    for suggestion in found.suggestions:
        trend = "new" if suggestion.growth is None else f"x{suggestion.growth:.2f} share"
        print(f"\n{suggestion.name}  ({suggestion.size:,} messages, {trend})")
        print(f"  keywords: {', '.join(suggestion.keywords)}")
        for sample in suggestion.samples[:SAMPLES]:
            print(f"  - {sample[:120]}")
    return 0


def _left_out(found) -> str:
    parts = []
    if found.already_topics:
        parts.append(f"{found.already_topics} already a topic")
    if found.rejected_before:
        parts.append(f"{found.rejected_before} rejected before")
    return f" ({', '.join(parts)}: left out)" if parts else ""
