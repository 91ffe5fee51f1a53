"""Alert words stored in English, shown in the viewer's language. The rules the product
ships (alerts.rules.DEFAULT_RULES) are saved under their English names (calibration and
the Thresholds page know a shipped rule by its name): a shipped rule's name and runbook,
while unchanged, are translated; a name or runbook someone wrote is shown as written.
An episode's scope is stored as alerts.windows.scope_label wrote it ("topic billing",
"everything"): its own words are translated, the community's names kept."""

from __future__ import annotations

from dashboard.i18n import N_, _

NAMES = (
    N_("Volume surge"),
    N_("Negative-sentiment surge"),
    N_("Topic spike"),
    N_("Topic share surge"),
    N_("Predicted topic spike"),
    N_("Activity drop"),
    N_("Source silent"),
)
RUNBOOKS = (
    N_(
        "Find the thread that drives it (Live, newest messages); post a status update if it "
        "is an outage; bring in support if it is a complaint wave."
    ),
    N_(
        "Read the most negative messages (Sentiment page); answer in the channel; escalate "
        "to the product owner named in the topic."
    ),
    N_("Open the topic's drill-down (Topic heat) and check what changed."),
    N_(
        "A topic takes a clearly larger share of the conversation than usual, even if the "
        "volume did not move: read its newest messages (Topic heat) to see what people ask."
    ),
    N_(
        "A topic's forecast rises to three times its normal level within a day: prepare "
        "answers and staff for it."
    ),
    N_(
        "The community went quiet: check the platform's status, then what changed (an "
        "announcement, a moved channel). A source that stopped delivering is reported as "
        "Source silent instead, and this rule is not judged over its minutes."
    ),
    N_(
        "A data problem, not a crisis: a source delivered nothing where about 20 messages "
        "were due. Check its import job, follower or ingest server (Import page, `ecg "
        "worker` log) and its credentials; the figures of the silent hours are low."
    ),
)
_SHIPPED = frozenset(NAMES) | frozenset(RUNBOOKS)
SCOPE_WORDS = {  # the first word of a stored scope label, then a name of the community's
    "topic": N_("topic"),
    "channel": N_("channel"),
    "platform": N_("platform"),
    "segment": N_("segment"),
    "terms": N_("terms"),  # an emerging-term episode: the terms that burst
}
KIND_WORDS = {  # "kind bug report": the kind is the product's word
    "question": N_("question"),
    "bug report": N_("bug report"),
    "feature request": N_("feature request"),
    "complaint": N_("complaint"),
    "praise": N_("praise"),
    "other": N_("other"),
}


def rule_text(text: str) -> str:
    """A rule's name or runbook as the viewer reads it: a shipped one translated, any
    other as it was written."""
    return _(text) if text in _SHIPPED else text


def scope_label(label: str) -> str:
    """An episode's stored scope label in the viewer's language ("topic billing" reads
    "话题 billing"); a label of another shape as it is."""
    if label == "everything":
        return _("everything")
    first, _space, rest = label.partition(" ")
    if first == "kind" and rest in KIND_WORDS:
        return f"{_('kind')} {_(KIND_WORDS[rest])}"
    if first in SCOPE_WORDS and rest:
        return f"{_(SCOPE_WORDS[first])} {rest}"
    return label
