"""VADER's compound score, as `SentimentIntensityAnalyzer.polarity_scores` gives it with
VADER's lexicon plus the community words of analysis/community_lexicon.py, with one
change: its negation, booster and idiom rules act within a sentence; and each
word's part in it (`contributions`, for --explain). A one-sentence text scores exactly as
`polarity_scores` does.

The scoring below is VADER 3.3.2's `polarity_scores`, calling its own methods, with
two shortcuts for ASCII text (most chat), where VADER's emoji step cannot change
anything: the emoji step itself, a character-by-character Python loop, is skipped; and
a text with no word of the lexicon scores exactly 0.0 (only lexicon words carry
valence; boosters, negations and punctuation only scale it), so the scoring loop is
skipped too. A test holds every score to `polarity_scores` (same lexicon) on tens of
thousands of real texts.
"""

from __future__ import annotations

import re
from functools import cache

from analysis.community_lexicon import COMMUNITY_LEXICON

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def compound(text: str) -> float:
    scored = _scored(text)
    if scored is None:
        return 0.0
    text, _, sentiments = scored
    return _analyzer().score_valence(sentiments, text)["compound"]


def contributions(text: str) -> list[tuple[str, float]]:
    """Each word or emoticon that moved the score, in the text's order, with its valence
    after VADER's rules (a negated word turns, a booster scales, 'but' shifts the weight):
    'not bad' gives ('bad', +1.85), not bad's -2.5."""
    scored = _scored(text)
    if scored is None:
        return []
    _, words, sentiments = scored
    return [(word, valence) for word, valence in zip(words, sentiments, strict=True) if valence]


def _scored(text: str) -> tuple[str, list[str], list[float]] | None:
    """(the text as scored, its words and emoticons, each one's valence); None when no
    word carries any. Negations, boosters and idioms act within their sentence:
    VADER's own rules look three words back across a full stop, so "we can't work.
    Horrible downtime" read 'Horrible' as negated (positive); here a sentence ends at
    . ! or ? followed by a space."""
    analyzer = _analyzer()
    text = text.strip() if text.isascii() else _emojis_described(text, analyzer.emojis)
    words: list[str] = []
    sentiments: list[float] = []
    for sentence in _SENTENCE_END.split(text):
        own_words, own_sentiments = _sentence_valences(analyzer, sentence)
        words += own_words
        sentiments += own_sentiments
    if not any(sentiments) and not any(word.lower() in analyzer.lexicon for word in words):
        return None
    return text, words, analyzer._but_check(words, sentiments)  # 'but' weighs the text


def _sentence_valences(analyzer, sentence: str) -> tuple[list[str], list[float]]:
    """VADER's valence of each word of one sentence, after its rules."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentiText

    sentitext = SentiText(sentence)
    words = sentitext.words_and_emoticons
    if not any(word.lower() in analyzer.lexicon for word in words):
        return words, [0.0] * len(words)
    sentiments: list[float] = []
    for i, item in enumerate(words):
        lower = item.lower()
        if lower in BOOSTER_DICT or (
            lower == "kind" and i < len(words) - 1 and words[i + 1].lower() == "of"
        ):
            sentiments.append(0)
            continue
        sentiments = analyzer.sentiment_valence(0, sentitext, item, i, sentiments)
    return words, sentiments


def _emojis_described(text: str, emojis: dict[str, str]) -> str:
    """VADER's first step: each emoji replaced by its words ('😂' -> 'face with tears of
    joy'), spaced from what comes before it."""
    described = ""
    after_space = True
    for character in text:
        if character in emojis:
            described += ("" if after_space else " ") + emojis[character]
            after_space = False
        else:
            described += character
            after_space = character == " "
    return described.strip()


@cache
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(COMMUNITY_LEXICON)
    return analyzer


def lexicon() -> dict[str, float]:
    return _analyzer().lexicon
