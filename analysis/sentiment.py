"""Sentiment: VADER's compound score for English, nothing for other languages.

Labels use VADER's own cut-offs: compound <= -0.05 is negative, >= 0.05 is
positive, anything between is neutral. A message in a language VADER cannot
read gets no score at all (None), never a neutral 0.
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass
from functools import cache

from analysis.language import ENGLISH, detect_language

NEGATIVE_AT_MOST = -0.05
POSITIVE_AT_LEAST = 0.05
SCORED_LANGUAGES = frozenset({ENGLISH})

_TOKEN = re.compile(r"[\w']+|[:;=8xX][-o*']?[()\[\]dDpP/\\|@3]")


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
    clean = html.unescape(text)
    language = detect_language(clean)
    if language not in SCORED_LANGUAGES:
        return SentimentResult(language, None)
    if _has_no_lexicon_word(clean):
        return SentimentResult(language, 0.0)
    return SentimentResult(language, _analyzer().polarity_scores(clean)["compound"])


def _has_no_lexicon_word(text: str) -> bool:
    """True when VADER would find no word of its lexicon in `text`, so its compound is
    exactly 0.0 and running it can be skipped (a good part of everyday chat).

    Mirrors VADER's own tokens: split on whitespace, punctuation stripped unless that
    leaves two characters or fewer (emoticons). Non-ASCII text may hold emoji, which
    VADER turns into words first, so it always takes the full path.
    """
    if not text.isascii():
        return False
    lexicon = _analyzer().lexicon
    for token in text.split():
        stripped = token.strip(string.punctuation)
        if (token if len(stripped) <= 2 else stripped).lower() in lexicon:
            return False
    return True


def explain(text: str) -> list[tuple[str, float]]:
    """The words of `text` found in VADER's lexicon, with their valence, strongest first."""
    lexicon = _analyzer().lexicon
    words = _TOKEN.findall(html.unescape(text))
    found = {word: lexicon[word.lower()] for word in words if word.lower() in lexicon}
    return sorted(found.items(), key=lambda item: -abs(item[1]))


@cache
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()
