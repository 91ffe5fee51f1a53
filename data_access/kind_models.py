"""A community's kind model (its tuning of the shipped one) and the corrections it is
made from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from analysis.kind_tuning import Tuning
from data_access.schema import CommunityKindModel, Correction, Message


def kind_corrections(conn: Connection, community_id: int) -> list[tuple[str, str]]:
    """(text, corrected kind) of the community's messages whose kind was corrected, the
    latest correction of each."""
    query = (
        select(Correction.message_id, Message.text, Correction.new_value)
        .join(
            Message,
            (Message.id == Correction.message_id) & (Message.sent_at == Correction.sent_at),
        )
        .where(Correction.community_id == community_id, Correction.field == "kind")
        .order_by(Correction.id)
    )
    latest = {message_id: (text, kind) for message_id, text, kind in conn.execute(query)}
    return list(latest.values())


def stored_tuning(conn: Connection, community_id: int) -> Tuning | None:
    row = conn.execute(
        select(CommunityKindModel.delta, CommunityKindModel.bias_delta).where(
            CommunityKindModel.community_id == community_id
        )
    ).one_or_none()
    return None if row is None else Tuning(dict(row.delta), list(row.bias_delta))


def store_tuning(
    conn: Connection,
    community_id: int,
    tuning: Tuning,
    corrections: int,
    figures: dict,
    by: str,
    at: datetime,
) -> None:
    conn.execute(delete(CommunityKindModel).where(CommunityKindModel.community_id == community_id))
    conn.execute(
        insert(CommunityKindModel).values(
            community_id=community_id,
            delta=tuning.delta,
            bias_delta=tuning.bias_delta,
            corrections=corrections,
            figures=figures,
            trained_by=by,
            trained_at=at,
        )
    )
