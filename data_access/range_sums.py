"""Rollup sums over a range, per series and bucket: the database adds up the hours of
each of the viewer's local days or weeks (edges from analysis.series.bucket_edges), so a
year is 53 rows per series however many hours it holds."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, and_, column, func, select, values

from data_access.frames import frame_of, raw_time
from data_access.schema import ADDITIVE_COLUMNS, ChannelHourly, TopicHourly, TopicTotal, UTCDateTime

ChannelIds = Sequence[int] | None  # None: every channel


def channel_sums(
    conn: Connection, community_id: int, edges: Sequence[datetime], channel_ids: ChannelIds
) -> pd.DataFrame:
    """Additive rollup sums per channel and bucket [edges[i], edges[i + 1]), `hour` being
    the bucket's first edge (see analysis.series.bucket_edges)."""
    return _bucket_sums(
        conn, ChannelHourly, ChannelHourly.channel_id, community_id, edges, channel_ids
    )


def topic_sums(
    conn: Connection, community_id: int, edges: Sequence[datetime], channel_ids: ChannelIds
) -> pd.DataFrame:
    """Additive rollup sums per topic and bucket, over the chosen channels (as channel_sums).

    Author counts are not additive across channels, so they are left out. Over every
    channel they come from the topic totals: one row per topic and hour, not 50.
    """
    table = TopicTotal if channel_ids is None else TopicHourly
    return _bucket_sums(conn, table, table.topic_id, community_id, edges, channel_ids)


def _bucket_sums(conn, table, key, community_id, edges, channel_ids) -> pd.DataFrame:
    bounds = values(column("first", UTCDateTime), column("stop", UTCDateTime), name="bounds")
    buckets = bounds.data(list(itertools.pairwise(edges))).cte("buckets")  # SQLite: as a CTE
    sums = [func.sum(getattr(table, c)).label(c) for c in ADDITIVE_COLUMNS]
    query = (
        select(raw_time(buckets.c.first).label("hour"), key, *sums)
        .select_from(buckets)
        .join(table, and_(table.hour >= buckets.c.first, table.hour < buckets.c.stop))
        .where(table.community_id == community_id)
        .group_by(buckets.c.first, key)
        .order_by(buckets.c.first)
    )
    if channel_ids is not None:
        query = query.where(table.channel_id.in_(channel_ids))
    return frame_of(conn, query, times=("hour",))
