"""Every write a user makes from a page, in one place.

Each action runs as the signed-in user at the page's clock (the room that writes audits
it), clears the cached reads when it is done, and turns a refusal (PermissionDenied) or a
value the write cannot take (AccountError, ImportFormatError, a topic's TopicRuleError)
into a message on the page instead of a traceback. An action returns `Done` with what
the write returned, or None when it was not done (the page has said why).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from access.permissions import Actor, PermissionDenied, Role
from alerts.catalog import save_rule as store_rule
from alerts.rules import Rule
from analysis.identity import Suggestion
from analysis.segments import BadSegment, Segment
from analysis.topics import TopicRule, TopicRuleError
from dashboard import member_segments, topic_suggestions
from dashboard.changes import corrections
from dashboard.changes.topics import RetagResult
from dashboard.changes.topics import delete_topic as remove_topic
from dashboard.changes.topics import save_topic as store_topic
from dashboard.changes.uploads import import_upload
from dashboard.communities import prepare_community
from dashboard.i18n import N_, _
from dashboard.i18n.reasons import field_and_reason, translated
from dashboard.web import auth, components, resources, upload_files
from data_access import accounts, alert_store, identities, member_notes, members
from data_access.accounts import AccountError
from data_access.forget import Forgotten, UnknownMember
from data_access.forget import forget_member as forget
from data_access.member_notes import BadNote
from ingest.formats.tabular import ColumnMapping
from ingest.pipeline import ImportSummary
from ingest.records import ImportFormatError

log = logging.getLogger(__name__)
T = TypeVar("T")
Progress = Callable[[int, int], None]
REFUSALS = (
    PermissionDenied,
    AccountError,
    TopicRuleError,
    ImportFormatError,
    UnknownMember,
    corrections.CorrectionError,
    BadNote,
    BadSegment,
)


@dataclass(frozen=True)
class Done(Generic[T]):
    """A write that was made, with what it returned."""

    result: T


def _attempt(refused: str, write: Callable[[Actor, datetime], T]) -> Done[T] | None:
    """`write(actor, now)` as the signed-in user; on a refusal, `refused: why.` on the page."""
    try:
        result = write(auth.current_account().actor, auth.now())
    except REFUSALS as error:
        why = _("{refused}: {reason}.").format(refused=_(refused), reason=_reason(error))
        st.error(components.plain(why))
        return None
    resources.clear()
    return Done(result)


def _reason(error: Exception) -> str:
    """Why a write was refused, in the viewer's language."""
    if isinstance(error, TopicRuleError):
        return field_and_reason(error.field, error.reason)
    if isinstance(error, ImportFormatError):
        where = error.path
        if error.line:
            where = _("{path}, line {line}").format(path=error.path, line=error.line)
        return f"{where}: {translated(error.reason)}"
    return translated(str(error).rstrip("."))


# ---- members


def forget_member(community_id: int, member_id: int) -> Done[Forgotten] | None:
    """Forget a member for good (a deletion request): admins only, audited."""
    engine = resources.engine()
    return _attempt(
        N_("Not forgotten"),
        lambda actor, now: forget(engine, community_id, member_id, actor=actor, now=now),
    )


def tag_member(community_id: int, person: int, tag: str) -> Done[str] | None:
    engine = resources.engine()
    return _attempt(
        N_("Not tagged"),
        lambda actor, now: member_notes.add_tag(
            engine, community_id, person, tag, actor=actor, now=now
        ),
    )


def untag_member(community_id: int, person: int, tag: str) -> Done[None] | None:
    engine = resources.engine()
    return _attempt(
        N_("Tag not removed"),
        lambda actor, now: member_notes.remove_tag(
            engine, community_id, person, tag, actor=actor, now=now
        ),
    )


def note_member(community_id: int, person: int, text: str) -> Done[None] | None:
    engine = resources.engine()
    return _attempt(
        N_("Note not saved"),
        lambda actor, now: member_notes.add_note(
            engine, community_id, person, text, actor=actor, now=now
        ),
    )


def save_segment(community_id: int, name: str, segment: Segment) -> Done[None] | None:
    engine = resources.engine()
    return _attempt(
        N_("Segment not saved"),
        lambda actor, now: member_notes.save_segment(
            engine, community_id, name, segment, actor=actor, now=now
        ),
    )


def delete_segment(community_id: int, name: str) -> Done[None] | None:
    engine = resources.engine()
    return _attempt(
        N_("Segment not deleted"),
        lambda actor, now: member_notes.delete_segment(
            engine, community_id, name, actor=actor, now=now
        ),
    )


def export_segment(
    community_id: int, name: str, segment: Segment, timezone: str
) -> Done[pd.DataFrame] | None:
    """The segment's people for outreach: analysts and admins, audited."""
    engine = resources.engine()
    return _attempt(
        N_("Not exported"),
        lambda actor, now: member_segments.export_segment(
            engine, community_id, name, segment, timezone, now, actor=actor
        ),
    )


# ---- alerts


def acknowledge_alert(episode_id: int) -> Done[None] | None:
    engine = resources.engine()
    return _attempt(
        N_("Not acknowledged"),
        lambda actor, now: alert_store.acknowledge(engine, episode_id, actor=actor, now=now),
    )


def silence_alerts(
    community_id: int,
    rule_id: int | None,
    scope_key: str | None,
    starts: datetime,
    lasting: timedelta,
    comment: str,
) -> Done[None] | None:
    """Silence the notifications of a rule (every rule: None) in a scope (every scope: None)
    from `starts` for `lasting`."""
    engine = resources.engine()
    return _attempt(
        N_("Not silenced"),
        lambda actor, now: alert_store.add_silence(
            engine,
            community_id,
            rule_id,
            scope_key,
            starts,
            starts + lasting,
            comment,
            actor=actor,
            now=now,
        ),
    )


def save_rule(community_id: int, rule: Rule) -> Done[Rule] | None:
    """Save an alert rule as a new version. A RuleValidationError is the caller's to show
    (it names the field), so it is not caught here."""
    engine = resources.engine()
    return _attempt(  # which clears the reads once saved
        N_("Not saved"),
        lambda actor, now: store_rule(engine, community_id, rule, actor=actor, now=now),
    )


# ---- topics


def save_topic(
    community_id: int, rule: TopicRule, topic_id: int | None, on_progress: Progress
) -> Done[RetagResult] | None:
    """Save a topic rule (new when `topic_id` is None) and re-tag every past message."""
    engine = resources.engine()
    return _attempt(
        N_("Not saved"),
        lambda actor, now: store_topic(
            engine, community_id, rule, topic_id, on_progress, actor=actor, now=now
        ),
    )


def delete_topic(topic_id: int) -> Done[None] | None:
    engine = resources.engine()
    return _attempt(
        N_("Not deleted"), lambda actor, now: remove_topic(engine, topic_id, actor=actor, now=now)
    )


def reject_suggestion(
    community_id: int, suggestion: topic_suggestions.Suggestion
) -> Done[None] | None:
    """Remember that a suggested topic is not wanted (not offered again); audited."""
    engine = resources.engine()
    return _attempt(
        N_("Not rejected"),
        lambda actor, now: topic_suggestions.reject_suggestion(
            engine, community_id, suggestion, actor=actor, now=now
        ),
    )


def correct_message(
    community_id: int, message_id: int, field: str, value: str
) -> Done[str | None] | None:
    """Correct a message's kind or sentiment label; its figures follow at once."""
    engine = resources.engine()
    return _attempt(
        N_("Not corrected"),
        lambda actor, now: corrections.correct_message(
            engine, community_id, message_id, field, value, actor=actor, now=now
        ),
    )


# ---- people, bots and staff


def decide_identity(community_id: int, suggestion: Suggestion, same: bool) -> Done[None] | None:
    """Confirm (same person) or reject a suggested match of two accounts."""
    engine = resources.engine()
    return _attempt(
        N_("Not done"),
        lambda actor, now: identities.decide(
            engine, community_id, suggestion, same, actor=actor, now=now
        ),
    )


def confirm_identities(community_id: int, suggestions: list[Suggestion]) -> Done[str] | None:
    """Merge every pair of `suggestions` in one batch (undone together by undo_batch)."""
    engine = resources.engine()
    return _attempt(
        N_("Not merged"),
        lambda actor, now: identities.confirm_batch(
            engine, community_id, suggestions, actor=actor, now=now
        ),
    )


def undo_identity_batch(batch: str) -> Done[int] | None:
    engine = resources.engine()
    return _attempt(
        N_("Not undone"),
        lambda actor, now: identities.undo_batch(engine, batch, actor=actor, now=now),
    )


def undo_identity(decision_id: int) -> Done[None] | None:
    engine = resources.engine()
    return _attempt(
        N_("Not undone"),
        lambda actor, now: identities.undo(engine, decision_id, actor=actor, now=now),
    )


def set_exclude_staff(community_id: int, exclude: bool, on_progress: Progress) -> Done[int] | None:
    """Leave staff out of (or back in) sentiment and response figures; recounts them."""
    engine = resources.engine()
    return _attempt(
        N_("Not changed"),
        lambda actor, now: members.set_exclude_staff(
            engine, community_id, exclude, actor=actor, now=now, on_progress=on_progress
        ),
    )


def set_member_flags(
    community_id: int, flags: dict[int, tuple[bool, bool]], on_progress: Progress
) -> Done[int] | None:
    """Mark accounts as bots or staff ({member id: (is bot, is staff)}); recounts the
    hours they wrote in."""
    engine = resources.engine()
    return _attempt(
        N_("Not saved"),
        lambda actor, now: members.set_flags(
            engine, community_id, flags, actor=actor, now=now, on_progress=on_progress
        ),
    )


# ---- users


def add_user(name: str, role: Role, password: str) -> Done[accounts.Account] | None:
    """Add an account whose one-time `password` must be changed at its first sign-in."""
    engine = resources.engine()
    return _attempt(
        N_("Not added"),
        lambda actor, now: accounts.add_user(
            engine, actor, name, role, password, now, must_change_password=True
        ),
    )


def reset_password(name: str, password: str) -> Done[None] | None:
    engine = resources.engine()
    return _attempt(
        N_("Not reset"),
        lambda actor, now: accounts.set_password(engine, actor, name, password, now),
    )


def remove_user(name: str) -> Done[None] | None:
    engine = resources.engine()
    return _attempt(
        N_("Not removed"), lambda actor, now: accounts.remove_user(engine, actor, name, now)
    )


# ---- imports


def import_file(
    path: Path,
    format_name: str,
    mapping: ColumnMapping | None,
    community: str,
    source: str,
    on_progress: Callable[[ImportSummary], None],
    topics: str = "none",
    zone: str | None = None,
) -> Done[ImportSummary] | None:
    """Import an uploaded export into `community` as `source`; a community made now starts
    with the topic template `topics`; clock times written without a zone are read in
    `zone` (None: the format's default). The upload's copy on disk is removed whatever
    happens."""
    engine = resources.engine()
    clock_zone = ZoneInfo(zone) if zone else None

    def write(actor: Actor, now: datetime) -> ImportSummary:
        prepare_community(engine, community, topics)
        return import_upload(
            engine, actor, path, format_name, mapping, community, source, now, on_progress,
            clock_zone,
        )  # fmt: skip

    try:
        return _attempt(N_("Not imported"), write)
    except ValueError as error:  # a mapping the file does not have
        st.error(
            components.plain(_("Not imported: {reason}").format(reason=translated(str(error))))
        )
    except Exception:  # a parser's slip must still read as a message, never a traceback
        log.exception("import of %s failed", source)
        st.error(_("Not imported: the file could not be read (details are in the server log)."))
    finally:
        upload_files.discard()
    return None
