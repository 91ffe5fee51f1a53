"""Sentiment: VADER's compound score for English, nothing for other languages.

Labels use VADER's own cut-offs: compound <= -0.05 is negative, >= 0.05 is
positive, anything between is neutral. A message in a language VADER cannot
read gets no score at all (None), never a neutral 0.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from dataclasses import dataclass

from analysis import vader
from analysis.language import ENGLISH, detect_language

NEGATIVE_AT_MOST = -0.05
POSITIVE_AT_LEAST = 0.05
SCORED_LANGUAGES = frozenset({ENGLISH})


@dataclass(frozen=True)
class SentimentResult:
    language: str
    compound: float | None  # None: the language is not scored

    @property
    def label(self) -> str:
        return label_for(self.compound)


def label_for(compound: float | None) -> str:
    if compound is None:
        return "unscored"
    if compound <= NEGATIVE_AT_MOST:
        return "negative"
    if compound >= POSITIVE_AT_LEAST:
        return "positive"
    return "neutral"


def analyse(text: str) -> SentimentResult:
    """Detect the language of `text` and score it when that language is scored."""
    return analyse_unescaped(html.unescape(text))


def analyse_unescaped(text: str, words: Collection[str] | None = None) -> SentimentResult:
    """`analyse` for text whose HTML entities are already unescaped; `words`, its
    lower-case words, when the caller has tokenised it already."""
    language = detect_language(text, words)
    if language not in SCORED_LANGUAGES:
        return SentimentResult(language, None)
    return SentimentResult(language, vader.compound(text))


def explain(text: str) -> list[tuple[str, float]]:
    """The words and emoticons of `text` that moved its score, with the valence each added
    after VADER's rules (negation, boosters, 'but'), strongest first."""
    found = vader.contributions(html.unescape(text))
    return sorted(found, key=lambda item: -abs(item[1]))
