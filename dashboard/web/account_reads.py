"""The reads of the account pages (People, Bots and staff, Users): suggested and decided
matches of accounts, marked bots and staff, the dashboard's users. Cached like every read
(dashboard.web.resources), and cleared by every write."""

from __future__ import annotations

import pandas as pd

from analysis.identity import Suggestion
from dashboard.web.resources import cached, connection, engine, read_with
from data_access import accounts, identities, members


@cached(ttl=60, max_entries=20, spinner="Looking for accounts of the same person…")
def identity_suggestions(community_id: int) -> list[Suggestion]:
    """Suggested matches not decided yet, best first (kept a minute: it compares every
    pair of accounts)."""
    return read_with(identities.open_suggestions, community_id)


@cached()
def account_names(community_id: int, only: tuple[int, ...] | None = None) -> dict[int, str]:
    """Each account's name as shown: 'name (platform account id)' (`only`: of these ids;
    a list of a few people need not read a hundred thousand names)."""
    with connection() as conn:
        found = identities.accounts(conn, community_id, None if only is None else list(only))
    return {a.id: f"{a.display_name} ({a.platform} {a.external_id})" for a in found}


@cached()
def identity_decisions(community_id: int, status: str) -> pd.DataFrame:
    return read_with(identities.decisions, community_id, status)


@cached()
def identity_batches(community_id: int) -> pd.DataFrame:
    """Batches of merges confirmed together and not undone: batch, merges, who, when."""
    return read_with(identities.batches, community_id)


@cached()
def excludes_staff(community_id: int) -> bool:
    return read_with(members.excludes_staff, community_id)


@cached()
def flagged_members(community_id: int) -> pd.DataFrame:
    return read_with(members.flagged, community_id)


@cached()
def find_members(community_id: int, text: str) -> pd.DataFrame:
    return read_with(members.find, community_id, text)


@cached()
def users() -> list[accounts.Account]:
    return accounts.list_users(engine())
