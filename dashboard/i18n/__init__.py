"""The interface's languages: English (the source) and Simplified Chinese.

Strings shown to a user are written in English and wrapped in `_()` (or `ngettext` for a
count); `make i18n` extracts them with Babel into `locale/messages.pot`, merges them into
each language's `messages.po` (translated by hand) and compiles `messages.mo`. The
language of a page view is the viewer's: the Streamlit face registers a `resolver` that
reads it from the session (the account's saved choice, else the browser's); commands,
the worker and the weekly PDF and e-mail set it with `use`. Numbers and dates are
formatted for the language by Babel.
"""

from __future__ import annotations

import gettext as gettext_module
import re
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import dates, lists, numbers

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
ENGLISH = "en"
CHINESE = "zh_CN"
LANGUAGES = {ENGLISH: "English", CHINESE: "简体中文"}

_chosen: ContextVar[str] = ContextVar("ecg_language", default=ENGLISH)
_forced: ContextVar[str | None] = ContextVar("ecg_forced_language", default=None)
_resolver: Callable[[], str | None] | None = None


def normalised(tag: str | None) -> str:
    """A language tag as a browser or a setting gives it ("zh-CN", "zh-Hans", "en-US",
    "zh_TW") as one of LANGUAGES: any Chinese is Simplified Chinese, the rest English."""
    if not tag:
        return ENGLISH
    return CHINESE if tag.replace("-", "_").lower().split("_")[0] == "zh" else ENGLISH


def use(language: str | None) -> None:
    """Speak `language` from now on in this context (a command, a job, a test)."""
    _chosen.set(normalised(language))


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Speak `language` inside the block whatever the page view's language: a PDF drawn
    in the language it was asked for, even after the page view that asked."""
    token = _forced.set(normalised(language))
    try:
        yield
    finally:
        _forced.reset(token)


def set_resolver(resolver: Callable[[], str | None] | None) -> None:
    """Where the language of the current page view is read (the Streamlit face's session);
    None: only `use` decides."""
    global _resolver
    _resolver = resolver


def current() -> str:
    forced = _forced.get()
    if forced is not None:
        return forced
    if _resolver is not None:
        found = _resolver()
        if found:
            return normalised(found)
    return _chosen.get()


@cache
def _translations(language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(DOMAIN, LOCALE_DIR, [language], fallback=True)


def _(message: str) -> str:
    """`message` in the current language (itself when it has no translation)."""
    if current() == ENGLISH:
        return message
    return _translations(current()).gettext(message)


def translator() -> Callable[[str], str]:
    """`_` fixed to the language of now: for a widget's format_func, which Streamlit may
    call after the page view that drew it."""
    language = current()
    if language == ENGLISH:
        return str
    return _translations(language).gettext


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """`message` marked for extraction, translated later with `_` where it is shown."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    if current() == ENGLISH:
        return singular if count == 1 else plural
    return _translations(current()).ngettext(singular, plural, count)


def _babel_locale() -> str:
    return "zh_Hans_CN" if current() == CHINESE else "en_US"


def number(value: float, digits: int = 0) -> str:
    """`value` with the language's grouping and `digits` decimals (1,234.5)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(value, format=pattern, locale=_babel_locale())


def listed(items: list[str]) -> str:
    """Items joined as the language lists them: "a, b, and c", "a、b和c"."""
    return lists.format_list(list(items), locale=_babel_locale()) if items else ""


def percent(share: float, digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return numbers.format_percent(share, format=pattern, locale=_babel_locale())


def day(moment: date | datetime) -> str:
    """A date as the language writes it: "Mar 2, 2026", "2026年3月2日"."""
    return dates.format_date(moment, format="medium", locale=_babel_locale())


def week_of(monday: date) -> str:
    """An ISO week as the language names it: "week 10 of 2026", "2026年第10周"."""
    year, week, _weekday = monday.isocalendar()
    if current() == CHINESE:
        return f"{year}年第{week}周"
    return f"week {week} of {year}"


_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")


def shortened(line: str, width: int) -> str:
    """The line cut to about `width` Latin characters' room: at a space with "[...]", or,
    where it holds Chinese (no spaces to cut at: textwrap would drop the whole text and
    show "[...]" alone), with "…", a Chinese character taking the room of two."""
    if not _CJK.search(line):
        return textwrap.shorten(line, width)
    kept, used = [], 0
    for character in line:
        used += 2 if _CJK.match(character) else 1
        if used > width - 1:
            return "".join(kept) + "…"
        kept.append(character)
    return line
