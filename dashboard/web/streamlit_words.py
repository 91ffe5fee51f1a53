"""Streamlit's own words in the reader's language.

Streamlit writes some words of its widgets in English whatever the page's language, and
offers no way to change them (streamlit/streamlit#13500): the file uploader's button and
size note ("Upload", "200MB per file • CSV"), and the hint under a text box ("Press Enter
to apply", "Press Enter to submit form", "Press Ctrl+Enter to apply"). In another
language a style sheet hides those texts and draws the translated ones in their place,
at the size Streamlit uses; in English nothing is added."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _

_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
_BUTTON_TEXT = f"{_DROPZONE} button p"
_NOTE_TEXT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
_UPLOADER_TEXT_SIZE = "0.875rem"  # what Streamlit draws the uploader's words at
_HINT = '[data-testid="InputInstructions"] > span:first-child'  # (a character count follows)
_HINT_TEXT_SIZE = "0.75rem"
_FORM = '[data-testid="stForm"]'
_TEXT_AREA = '[data-testid="stTextArea"]'


def translate_input_hints() -> None:
    """The hint under every text box of this run's page in the reader's language."""
    if i18n.current() != i18n.ENGLISH:
        st.html(
            hints_style(
                _("Press Enter to apply"),
                _("Press Enter to submit form"),
                _("Press Ctrl+Enter (⌘+Enter on a Mac) to apply"),
                _("Press Ctrl+Enter (⌘+Enter on a Mac) to submit form"),
            )
        )


def file_uploader(label: str, types: list[str]):
    """st.file_uploader for one file of these extensions, its own words translated."""
    if i18n.current() != i18n.ENGLISH:
        limit = st.get_option("server.maxUploadSize")
        st.html(uploader_style(_("Upload"), size_note(limit, types)))
    return st.file_uploader(label, type=types)


def size_note(limit_megabytes: int, types: list[str]) -> str:
    """ "200MB per file • CSV, TXT", worded for the reader."""
    return (
        _("{size} per file").format(size=f"{limit_megabytes}MB")
        + " • "
        + ", ".join(kind.upper() for kind in types)
    )


def hints_style(apply: str, submit: str, apply_lines: str, submit_lines: str) -> str:
    """The style sheet that shows a text box's hint in these words: a one-line box's
    outside a form and in one, then a text area's (Ctrl+Enter) outside a form and in one."""
    return _style(
        (_HINT, "font-size: 0;"),
        (f"{_HINT}::after", f"content: {_css_string(apply)}; font-size: {_HINT_TEXT_SIZE};"),
        (f"{_FORM} {_HINT}::after", f"content: {_css_string(submit)};"),
        (f"{_TEXT_AREA} {_HINT}::after", f"content: {_css_string(apply_lines)};"),
        (f"{_FORM} {_TEXT_AREA} {_HINT}::after", f"content: {_css_string(submit_lines)};"),
    )


def uploader_style(button: str, note: str) -> str:
    """The style sheet that shows `button` and `note` in place of Streamlit's words."""
    size = f"font-size: {_UPLOADER_TEXT_SIZE};"
    return _style(
        (f"{_BUTTON_TEXT}, {_NOTE_TEXT}", "font-size: 0;"),
        (f"{_BUTTON_TEXT}::after", f"content: {_css_string(button)}; {size}"),
        (f"{_NOTE_TEXT}::after", f"content: {_css_string(note)}; {size}"),
    )


def _style(*rules: tuple[str, str]) -> str:
    return "<style>" + "".join(f"{selector} {{ {body} }}" for selector, body in rules) + "</style>"


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string: quotes, backslashes and line ends escaped, and no
    "<" that could close the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return '"' + escaped.replace("<", "\\3c ") + '"'
