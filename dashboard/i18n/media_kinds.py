"""What a post without text was (an image, a sticker, a call ...), as the importers name it
in English (ingest.records.WithoutText), marked for translation: the Import page shows
the counts of each in the viewer's language."""

from __future__ import annotations

from dashboard.i18n import N_, _

MEDIA_KINDS = (
    N_("attachment"),
    N_("audio"),
    N_("call"),
    N_("contact card"),
    N_("document"),
    N_("file"),
    N_("GIF"),
    N_("gif"),
    N_("image"),
    N_("link"),
    N_("link or file"),
    N_("location"),
    N_("music"),
    N_("photo"),
    N_("quoted reply (its text is not in a v1 CSV)"),
    N_("sticker"),
    N_("video"),
    N_("voice message"),
)


def media_kind(kind: str) -> str:
    """`kind` in the viewer's language (as given when it is none of MEDIA_KINDS)."""
    return _(kind) if kind in MEDIA_KINDS else kind
