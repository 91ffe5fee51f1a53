"""The values that flow through ingest: one parsed message, and what can go wrong."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)  # before: a wrong clock or a wrong unit
MOST_AHEAD = timedelta(days=1)  # after now + this: a wrong clock, not a message
MAX_TEXT_CHARS = 20_000  # a message's text beyond this is cut on import, in every format
DEFAULT_BATCH_SIZE = 10_000  # messages an import writes per transaction; ~0.5 s of SQLite lock
TOO_EARLY = "time before 2000-01-01"
TOO_LATE = "time more than a day ahead of now"


EMPTY_FILE = "the file is empty"  # the reason a reader gives for a file with nothing in it


class ImportFormatError(Exception):
    """The input cannot be read at `path`, `line`; `reason` says why in plain words."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = str(path)
        self.line = line
        self.reason = reason


class RowError(ValueError):
    """One row that cannot become a message (bad timestamp, empty author, ...)."""


class NotAMessage(RowError):
    """A platform event that is not a message (a join, a pin): counted apart, not an error.
    Joins and leaves carry the member activity they record."""

    def __init__(self, reason: str, activity: tuple[Activity, ...] = ()) -> None:
        super().__init__(reason)
        self.activity = activity


class WithoutText(NotAMessage):
    """A member's post with no text to read (an image, a voice message, a sticker, a
    call): counted as activity without text, apart from platform events. `activity` holds
    the one MEDIA activity that records it."""


MEDIA = "media"  # the Activity kind of a post without text


@dataclass(frozen=True, slots=True)
class Activity:
    """What a member did besides writing: joined or left (a channel, a group, a server),
    reacted to a message (`ref`: that message's id), or posted something without text
    (media; `ref`: the post's own id)."""

    kind: str  # join, leave, reaction, media
    at: datetime
    channel: str
    author_id: str
    author_name: str
    ref: str = ""
    is_bot: bool = False
    author_email: str | None = None


@dataclass(frozen=True, slots=True)
class RawMessage:
    """A message as a source gave it, before enrichment. `sent_at` is aware UTC."""

    external_id: str
    sent_at: datetime
    channel: str
    author_id: str
    author_name: str
    text: str
    reply_to: str | None = None
    is_bot: bool = False
    author_email: str | None = None  # where the platform gives it (Slack), to match people


# Messages whose author was deleted or is not given are kept under one placeholder member
# per source, marked like a bot so that no member figure counts it; replies to them stay.
DELETED_AUTHOR_ID = "[deleted]"
DELETED_AUTHOR_NAME = "deleted"
GONE_AUTHORS = frozenset({"", "[deleted]", "[removed]"})


def placeholder_author(message: RawMessage) -> RawMessage:
    """`message` under the deleted-author placeholder when its author is gone or unknown."""
    if message.author_id.strip() not in GONE_AUTHORS:
        return message
    return replace(
        message,
        author_id=DELETED_AUTHOR_ID,
        author_name=DELETED_AUTHOR_NAME,
        is_bot=True,
        author_email=None,
    )


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """A parser's output: the line it started on, and a message or the reason it has none."""

    line: int
    message: RawMessage | None
    error: str | None = None
    event: bool = False  # the row is a platform event (NotAMessage), not a bad row
    activity: tuple[Activity, ...] = ()  # joins, leaves, reactions the row records
    without_text: bool = False  # the event is a post without text (WithoutText)

    @classmethod
    def attempt(cls, line: int, make, *args, where: str = "") -> ParsedRow:
        """The row of `make(*args)`'s message, or of the RowError it raised (`where` added
        to its reason). A value of a type or size the parser did not expect (a list where
        a name goes, a number past any date) is a rejected row too, never a traceback."""
        try:
            return cls(line, make(*args))
        except RowError as error:
            return cls.of_error(line, error, where)
        except UNUSABLE as error:
            return cls.of_error(line, RowError(unusable_value(error)), where)

    def within(self, now: datetime) -> ParsedRow:
        """This row, or a rejected one when its message's time is implausible (before
        2000, or more than a day ahead of `now`): such a time breaks every chart."""
        if self.message is None:
            return self
        problem = implausible_time(self.message.sent_at, now)
        return self if problem is None else replace(self, message=None, error=problem)

    @classmethod
    def of_error(cls, line: int, error: RowError, where: str = "") -> ParsedRow:
        """The row for a message that could not be made, or for a platform event."""
        reason = f"{error} ({where})" if where else str(error)
        if isinstance(error, NotAMessage):
            return cls(line, None, reason, True, error.activity, isinstance(error, WithoutText))
        return cls(line, None, reason)


UNUSABLE = (TypeError, ValueError, KeyError, AttributeError, ArithmeticError)


def activity_of(make, *args) -> tuple[Activity, ...]:
    """`make(*args)`'s reactions or joins, or none when the export holds them in a shape
    the parser did not expect: the message itself is kept all the same."""
    try:
        return make(*args)
    except UNUSABLE:
        return ()


def unusable_value(error: Exception) -> str:
    """A rejected row's reason for a value the parser could not use."""
    if isinstance(error, KeyError):
        return f"a required field is missing: {error}"
    return f"a value that cannot be used ({type(error).__name__}: {str(error)[:80]})"


def implausible_time(moment: datetime, now: datetime) -> str | None:
    if moment < EARLIEST_TIME:
        return TOO_EARLY
    if moment > now + MOST_AHEAD:
        return TOO_LATE
    return None


def time_from_unix(value, name: str) -> datetime:
    """Unix seconds (a number, or its text) as aware UTC; RowError for what is not a
    finite number or lies past any date Python can hold (1e300, inf, nan, '')."""
    try:
        seconds = float(value)
        if not math.isfinite(seconds):
            raise ValueError
        return datetime.fromtimestamp(seconds, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise RowError(f"bad {name} {str(value)[:30]!r}") from None
