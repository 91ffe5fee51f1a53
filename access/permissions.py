"""Who may do what: roles, their rights, and the check that enforces them.

Functions that change something (topics, rules, users, silences,
acknowledgements) take the acting user and call `require` first, so hiding
pages in the app is a convenience, never the lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    EXECUTIVE = "executive"
    MANAGER = "manager"
    ANALYST = "analyst"
    ADMIN = "admin"


class Action(StrEnum):
    VIEW_OVERVIEW = "view the overview"
    VIEW_MONITORING = "view the monitoring pages"
    ACKNOWLEDGE_ALERTS = "acknowledge alerts"
    SILENCE_ALERTS = "silence alerts"
    EDIT_TOPICS = "edit topics"
    EDIT_RULES = "edit alert rules"
    IMPORT_DATA = "import exports"
    MARK_MEMBERS = "mark bots and staff"
    MERGE_IDENTITIES = "merge the accounts of one person"
    CORRECT_MESSAGES = "correct how a message was read"
    KEEP_MEMBER_NOTES = "tag members, write notes on them and save segments"
    EXPORT_MEMBERS = "export members' details"
    MANAGE_USERS = "manage users"
    READ_AUDIT_LOG = "read the audit log"


_EXECUTIVE = frozenset({Action.VIEW_OVERVIEW})
_MANAGER = _EXECUTIVE | {
    Action.VIEW_MONITORING,
    Action.ACKNOWLEDGE_ALERTS,
    Action.SILENCE_ALERTS,
    Action.KEEP_MEMBER_NOTES,
}
_ANALYST = _MANAGER | {
    Action.EDIT_TOPICS,
    Action.EDIT_RULES,
    Action.IMPORT_DATA,
    Action.MARK_MEMBERS,
    Action.MERGE_IDENTITIES,
    Action.CORRECT_MESSAGES,
    Action.EXPORT_MEMBERS,
}
_ADMIN = _ANALYST | {Action.MANAGE_USERS, Action.READ_AUDIT_LOG}
RIGHTS: dict[Role, frozenset[Action]] = {
    Role.EXECUTIVE: _EXECUTIVE,
    Role.MANAGER: _MANAGER,
    Role.ANALYST: _ANALYST,
    Role.ADMIN: _ADMIN,
}


class PermissionDenied(Exception):
    def __init__(self, role: Role, action: Action) -> None:
        super().__init__(f"{with_article(role)} may not {action.value}")
        self.role = role
        self.action = action


def with_article(role: Role) -> str:
    """ "a manager", "an analyst": the role as a sentence names it."""
    return f"{'an' if role.value[0] in 'aeiou' else 'a'} {role.value}"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or the `ecg` command run on the server."""

    name: str
    role: Role


SERVER_SHELL = Actor("ecg command line", Role.ADMIN)  # whoever runs `ecg` owns the install


def may(actor: Actor, action: Action) -> bool:
    return action in RIGHTS[actor.role]


def require(actor: Actor, action: Action) -> None:
    if not may(actor, action):
        raise PermissionDenied(actor.role, action)
