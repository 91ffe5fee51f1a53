"""VADER's compound score, exactly as `SentimentIntensityAnalyzer.polarity_scores`
gives it, with two shortcuts for ASCII text (most chat), where VADER's emoji step
cannot change anything:

* the emoji step itself, a character-by-character Python loop, is skipped;
* a text with no word of VADER's lexicon scores exactly 0.0 (only lexicon words
  carry valence; boosters, negations and punctuation only scale it), so the
  scoring loop is skipped too.

Non-ASCII text takes VADER's own path. The scoring loop below is VADER 3.3.2's,
calling its own methods; a test holds every score to `polarity_scores` on
tens of thousands of real texts.
"""

from __future__ import annotations

from functools import cache


def compound(text: str) -> float:
    analyzer = _analyzer()
    if not text.isascii():
        return analyzer.polarity_scores(text)["compound"]
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentiText

    text = text.strip()
    sentitext = SentiText(text)
    words = sentitext.words_and_emoticons
    lexicon = analyzer.lexicon
    if not any(word.lower() in lexicon for word in words):
        return 0.0
    sentiments: list[float] = []
    for i, item in enumerate(words):
        lower = item.lower()
        if lower in BOOSTER_DICT or (
            lower == "kind" and i < len(words) - 1 and words[i + 1].lower() == "of"
        ):
            sentiments.append(0)
            continue
        sentiments = analyzer.sentiment_valence(0, sentitext, item, i, sentiments)
    sentiments = analyzer._but_check(words, sentiments)
    return analyzer.score_valence(sentiments, text)["compound"]


@cache
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def lexicon() -> dict[str, float]:
    return _analyzer().lexicon
