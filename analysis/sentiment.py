"""Sentiment: VADER's compound score for English, the product's Chinese model
(analysis/zh_sentiment.py) for Chinese, on the same -1..1 scale; nothing for other
languages.

Labels use VADER's own cut-offs: compound <= -0.05 is negative, >= 0.05 is
positive, anything between is neutral. A message in a language neither can read gets
no score at all (None), never a neutral 0. A message that mixes Chinese and English
("Oh i see 😂 我很想去台灣留學") is scored by its parts: the Chinese runs by the Chinese
model, the rest by VADER, their valences added the way VADER adds its words.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from dataclasses import dataclass

from analysis import vader, zh_sentiment
from analysis.chinese import has_han, split_by_script
from analysis.language import ENGLISH, detect_language

CHINESE = "zh"
NEGATIVE_AT_MOST = -0.05
POSITIVE_AT_LEAST = 0.05
SCORED_LANGUAGES = frozenset({ENGLISH, CHINESE})
EXPLAINED_NGRAMS = 8  # the strongest Chinese n-grams an explanation lists


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
    if not has_han(text):
        return SentimentResult(language, vader.compound(text))
    return SentimentResult(language, _mixed_compound(text))


def _mixed_compound(text: str) -> float:
    """Chinese runs and the rest scored apart, their valence sums added and normalised
    as VADER normalises (a text of Chinese alone: the Chinese model's score)."""
    chinese, rest = split_by_script(text)
    valence = zh_sentiment.model().valence(chinese)
    if rest.translate(_CHINESE_PUNCTUATION).strip():  # words, emoji, emoticons left
        valence += zh_sentiment.valence_sum(vader.compound(rest))
    return zh_sentiment.normalised(valence)


# Chinese (full-width) punctuation, which VADER reads as nothing: dropped before asking
# whether anything is left for VADER to read (ASCII punctuation stays: ":)" is a smile)
_CHINESE_PUNCTUATION = dict.fromkeys(map(ord, "，。！？、；：“”‘’（）《》【】「」『』…—～·"), None)


def explain(text: str) -> list[tuple[str, float]]:
    """The words, emoticons and Chinese n-grams of `text` that moved its score, with the
    valence each added (after VADER's rules for English: negation, boosters, 'but'),
    strongest first; for Chinese the EXPLAINED_NGRAMS strongest n-grams."""
    text = html.unescape(text)
    if not has_han(text):
        found = vader.contributions(text)
    else:
        chinese, rest = split_by_script(text)
        grams = zh_sentiment.model().contributions(chinese)
        grams = sorted(grams, key=lambda item: -abs(item[1]))[:EXPLAINED_NGRAMS]
        found = grams + vader.contributions(rest)
    return sorted(found, key=lambda item: -abs(item[1]))
