"""Write dashboard/i18n/reason_catalog.py: every reason the library rooms give in English
(a rejected row, a file that cannot be imported, a rule or topic that does not validate,
a refused edit, the evidence that two accounts are one person) as a template marked for
translation, so that the dashboard can show it in the viewer's language.

    python scripts/reason_templates.py [--check]

Templates are read from the source: the text given to each reason's exception, and the
evidence strings of analysis/identity.py; an f-string's values become named fields
(`f"no user named {name!r}"` -> "no user named {name}"). `--check` exits 1 when the
committed catalog is not what the source gives (a test runs it).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "dashboard" / "i18n" / "reason_catalog.py"
LIBRARY = ("access", "analysis", "alerts", "data_access", "ingest", "dashboard/changes")
REASONS = {  # the exceptions whose text reaches a user
    "AccountError",
    "BadNote",
    "BadSegment",
    "CorrectionError",
    "ImportFormatError",
    "NotAMessage",
    "RowError",
    "RuleValidationError",
    "TopicRuleError",
    "UnknownMember",
}
EVIDENCE = "note"  # analysis/identity.py: note(a, b, kind, score, why)
ROW_REASON = "ParsedRow"  # ParsedRow(line, None, reason)
# ingest's row reasons and the empty file's;
# PLATFORM_FORMATS: format -> (recogniser, reader, why it was chosen)
REASON_CONSTANTS = {
    "EMPTY_FILE",
    "TOO_EARLY",
    "TOO_LATE",
    "UNTERMINATED_QUOTE",
    "OVERFLOWING_ROW",
    "PLATFORM_FORMATS",
}
# functions that return a reason (a row's), or a pair whose last item is one (a format's)
REASON_FUNCTIONS = {"unusable_value", "choose_format"}
OWN_TEXT = {"PermissionDenied"}  # exceptions that write their text themselves
STRING_METHODS = {"lower", "upper", "strip", "group"}
WRAPPERS = {"str", "sorted", "repr"}
HEADER = '''"""Every reason the library rooms give in English, marked for translation: made by
scripts/reason_templates.py from the source (do not edit; run it again). Shown through
dashboard.i18n.reasons.translated."""

from dashboard.i18n import N_

TEMPLATES = (
'''


def template_of(node: ast.expr) -> str | None:
    """The template of a string or f-string argument, None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if not isinstance(node, ast.JoinedStr):
        return None
    parts, used = [], {}
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value).replace("{", "{{").replace("}", "}}"))
            continue
        name = _field_name(value.value)
        used[name] = used.get(name, 0) + 1
        parts.append("{" + (name if used[name] == 1 else f"{name}{used[name]}") + "}")
    return "".join(parts)


def _field_name(expression: ast.expr) -> str:
    """A readable field name for an f-string's value: the name or attribute it shows."""
    while isinstance(expression, ast.Subscript | ast.Call):
        if isinstance(expression, ast.Subscript):
            expression = expression.value
            continue
        called = expression.func
        if isinstance(called, ast.Attribute) and called.attr == "join":
            expression = expression.args[0]  # ", ".join(missing): missing
        elif isinstance(called, ast.Attribute) and called.attr in STRING_METHODS:
            expression = called.value  # a.email.lower(): email
        elif isinstance(called, ast.Name) and called.id in WRAPPERS and expression.args:
            expression = expression.args[0]  # str(user_id): user_id
        else:
            expression = called
    if isinstance(expression, ast.Name):
        return expression.id.lower()
    if isinstance(expression, ast.Attribute):
        return expression.attr.strip("_").lower()
    return "value"


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    return node.func.attr if isinstance(node.func, ast.Attribute) else None


def templates() -> list[str]:
    """Every template in the library rooms, each once, in a stable order."""
    found: dict[str, None] = {}
    for room in LIBRARY:
        for path in sorted((ROOT / room).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if not isinstance(node, ast.Call):
                    continue
                name = _called(node)
                if name in REASONS:
                    arguments = node.args
                elif name == EVIDENCE and len(node.args) == 5:
                    arguments = node.args[4:]
                elif name == ROW_REASON and len(node.args) >= 3:
                    arguments = node.args[2:3]
                else:
                    continue
                found.update(dict.fromkeys(filter(_worded, map(template_of, arguments))))
            found.update(dict.fromkeys(filter(_worded, _other_reasons(path))))
    found.update(dict.fromkeys(refusal_words()))
    return sorted(found, key=str.lower)


def refusal_words() -> list[str]:
    """The values a refusal is filled with ("an analyst may not manage users"): each role
    as the sentence names it, and each action."""
    sys.path.insert(0, str(ROOT))
    from access.permissions import Action, Role, with_article

    return [with_article(role) for role in Role] + [action.value for action in Action]


def _last(node: ast.expr | None) -> str | None:
    """The template of a value, or of a tuple's last item."""
    if isinstance(node, ast.Tuple) and node.elts:
        node = node.elts[-1]
    return template_of(node) if node is not None else None


def _worded(text: str | None) -> bool:
    """A template with words of its own (not a bare field such as "{path}:{name}")."""
    return bool(text) and any(ch.isalpha() for ch in _FIELD.sub("", text))


_FIELD = re.compile(r"{[^{}]*}")


def _other_reasons(path: Path) -> list[str | None]:
    """Reasons not given to an exception directly: the row reasons kept as constants or
    returned by a function, and the `why = f"..."` evidence of analysis/identity.py."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            names = {t.id for t in node.targets if isinstance(t, ast.Name)}
            if names & REASON_CONSTANTS or ("why" in names and path.name == "identity.py"):
                value = node.value
                if isinstance(value, ast.Dict):
                    found += [_last(item) for item in value.values]
                else:
                    found.append(template_of(value))
        elif isinstance(node, ast.FunctionDef) and node.name in REASON_FUNCTIONS:
            found += [_last(r.value) for r in ast.walk(node) if isinstance(r, ast.Return)]
        elif isinstance(node, ast.ClassDef) and node.name in OWN_TEXT:  # super().__init__(...)
            found += [
                template_of(call.args[0])
                for call in ast.walk(node)
                if isinstance(call, ast.Call) and _called(call) == "__init__" and call.args
            ]
    return found


def catalog() -> str:
    lines = [f"    N_({_quoted(text)}),\n" for text in templates()]
    return HEADER + "".join(lines) + ")\n"


def _quoted(text: str) -> str:
    """A string literal as the formatter (ruff) writes it: double quotes unless the text
    holds a double quote and no single one."""
    if '"' in text and "'" not in text:
        return repr(text)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the file")
    args = parser.parse_args()
    made = catalog()
    if args.check:
        if not CATALOG.exists() or CATALOG.read_text() != made:
            print(f"{CATALOG} is out of date: run python scripts/reason_templates.py")
            return 1
        return 0
    CATALOG.write_text(made)
    print(f"{len(templates())} templates written to {CATALOG}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
