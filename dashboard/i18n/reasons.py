"""A reason the library rooms gave in English (a rejected row, a file that cannot be
imported, a rule that does not validate, why two accounts look like one person), in the
viewer's language: matched against the templates of reason_catalog (made from the source
by scripts/reason_templates.py) and filled again with the values it carried."""

from __future__ import annotations

import re
from functools import cache

from dashboard.i18n import ENGLISH, _, current
from dashboard.i18n.reason_catalog import TEMPLATES

_TOKEN = re.compile(r"{{|}}|{(\w+)}")  # a template's escaped braces and its fields
_WHERE = re.compile(r"^(?P<reason>.+) \((?P<where>[^()]+)\)$")  # a row's "(where)" added


def translated(reason: str) -> str:
    """`reason` in the current language; as given when no template matches it (a
    library's own text, such as a CSV parser's error, stays as it came)."""
    if current() == ENGLISH:
        return reason
    found = _match(reason)
    if found is not None:
        return found
    where = _WHERE.match(reason)
    if where and (inner := _match(where["reason"])) is not None:
        return f"{inner} ({where['where']})"
    return reason


def field_and_reason(field: str, reason: str) -> str:
    """A validation problem as the pages show it: "Keywords: at least one is needed"."""
    return f"{translated(field).capitalize()}: {translated(reason)}"


def _match(reason: str) -> str | None:
    for template, pattern in _patterns():
        matched = pattern.fullmatch(reason)
        if matched:
            values = {name: _(value) for name, value in matched.groupdict().items()}
            return _(template).format_map(values)  # a value the catalog knows, translated
    return None


@cache
def _patterns() -> list[tuple[str, re.Pattern]]:
    """Each template as a pattern, the most literal first (so "no text" is not read as
    a field of a wider template)."""
    literal = lambda template: len(_TOKEN.sub("", template))  # noqa: E731
    return [(t, _pattern(t)) for t in sorted(TEMPLATES, key=literal, reverse=True)]


def _pattern(template: str) -> re.Pattern:
    """A template as a pattern: its text literal, each {field} a named group of one or more
    characters, "{{" and "}}" a brace."""
    parts, at = [], 0
    for token in _TOKEN.finditer(template):
        parts.append(re.escape(template[at : token.start()]))
        field = token.group(1)
        parts.append(f"(?P<{field}>.+?)" if field else re.escape(token.group(0)[0]))
        at = token.end()
    parts.append(re.escape(template[at:]))
    return re.compile("".join(parts), re.DOTALL)
