"""A file uploader whose every word is in the reader's language.

Streamlit writes its uploader's button ("Upload") and size note ("200MB per file • CSV")
in English whatever the page's language, and offers no way to change them
(streamlit/streamlit#13500). In another language a style sheet hides those two texts
and draws the translated ones in their place, at the size Streamlit uses; in English
nothing is added."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _

_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
_BUTTON_TEXT = f"{_DROPZONE} button p"
_NOTE_TEXT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
_TEXT_SIZE = "0.875rem"  # what Streamlit draws both texts at


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


def uploader_style(button: str, note: str) -> str:
    """The style sheet that shows `button` and `note` in place of Streamlit's words."""
    return (
        "<style>"
        f"{_BUTTON_TEXT}, {_NOTE_TEXT} {{ font-size: 0; }}"
        f"{_BUTTON_TEXT}::after {{ content: {_css_string(button)}; font-size: {_TEXT_SIZE}; }}"
        f"{_NOTE_TEXT}::after {{ content: {_css_string(note)}; font-size: {_TEXT_SIZE}; }}"
        "</style>"
    )


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string: quotes, backslashes and line ends escaped, and no
    "<" that could close the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return '"' + escaped.replace("<", "\\3c ") + '"'
