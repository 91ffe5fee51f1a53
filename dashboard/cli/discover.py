"""`ecg topics discover`: suggested topics from a community's recent messages, or clusters
of any text file as `row,cluster,cluster_name` CSV (how discovery is measured)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from analysis.discovery import discover, growth
from dashboard.cli.common import chosen_community, engine_for
from dashboard.cli.text_files import csv_output, texts_of
from data_access import queries
from data_access.schema import Community

log = logging.getLogger("ecg")
MOST_MESSAGES = 20_000  # the newest messages of the window a community's discovery reads
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
    now = datetime.now(UTC)
    since = now - timedelta(days=days)
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == name))
        if community_id is None:
            raise ValueError(f"no community named {name!r}")
        messages = queries.messages_since(conn, community_id, since, MOST_MESSAGES)
    messages = messages[messages["text"].str.strip() != ""]
    if len(messages) < 20:
        raise ValueError(
            f"{name}: {len(messages)} messages in the last {days} days, too few to find "
            "topics in (try more --days)"
        )
    texts = messages["text"].tolist()
    log.info("clustering the %s newest messages of %s", f"{len(texts):,}", name)
    found = discover(texts, k)
    _log_choice(found)
    sent = messages["sent_at"].tolist()
    middle = sent[-1] + (sent[0] - sent[-1]) / 2
    print(f"{len(found.clusters)} suggested topics in {len(texts):,} messages of {name}:")
    for cluster in found.clusters:
        change = growth(sent, cluster.members, middle)
        trend = "new" if change is None else f"x{change:.2f} share"
        print(f"\n{cluster.name}  ({cluster.size:,} messages, {trend})")
        print(f"  keywords: {', '.join(cluster.keywords)}")
        for index in cluster.members[:SAMPLES]:
            print(f"  - {' '.join(texts[index].split())[:120]}")
    return 0
