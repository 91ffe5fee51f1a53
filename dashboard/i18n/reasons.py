"""A reason the library rooms gave in English (a rejected row, a file that cannot be
imported, a rule that does not validate, why two accounts look like one person), in the
viewer's language: matched against the templates of reason_catalog (made from the source
by scripts/reason_templates.py) and filled again with the values it carried."""

from __future__ import annotations

import re
from functools import cache

from dashboard.i18n import ENGLISH, _, current
from dashboard.i18n.reason_catalog import TEMPLATES

_FIELD = re.compile(r"{(\w+)}")
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

    def pattern(template: str) -> re.Pattern:
        parts = _FIELD.split(template.replace("{{", "\0").replace("}}", "\1"))
        regex = "".join(
            f"(?P<{part}>.+?)" if odd else re.escape(part.replace("\0", "{").replace("\1", "}"))
            for odd, part in ((i % 2 == 1, p) for i, p in enumerate(parts))
        )
        return re.compile(regex, re.DOTALL)

    literal = lambda template: len(_FIELD.sub("", template))  # noqa: E731
    return [(t, pattern(t)) for t in sorted(TEMPLATES, key=literal, reverse=True)]
