"""VADER's compound score, as `SentimentIntensityAnalyzer.polarity_scores` gives it with
VADER's lexicon plus the community words of analysis/community_lexicon.py, with one
change: its negation, booster and idiom rules act within a clause (a sentence, or its
part up to a comma or semicolon); and each word's part in it (`contributions`, for
--explain). A text of one clause scores exactly as `polarity_scores` does.

The rules are VADER 3.3.2's, written again for speed (its lexicon and emoji words are
read from the package): each word is lower-cased once, where VADER lower-cases every
word of the text again for each check of each lexicon word (its negation check alone
called `str.lower` twenty million times per 100,000 chat messages). For ASCII text
(most chat), where VADER's emoji step cannot change anything, that step, a
character-by-character loop, is skipped; and a text with no word of the lexicon scores
exactly 0.0 (only lexicon words carry valence; boosters, negations and punctuation only
scale it), so the rules are skipped too. Tests hold every word's valence and every
compound equal to `vaderSentiment`'s on every shared English text and on random texts
made of its lexicon, negations, boosters, idioms, emoticons and punctuation.
"""

from __future__ import annotations

import math
import re
import string
from functools import cache

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
)

from analysis.community_lexicon import COMMUNITY_LEXICON

_CLAUSE_END = re.compile(r"(?<=[.!?,;])\s+")  # . ! ? , or ; and a space
NEGATIONS = frozenset(NEGATE)


def compound(text: str) -> float:
    scored = _scored(text)
    if scored is None:
        return 0.0
    text, _, sentiments = scored
    return _compound(sentiments, text)


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
    word carries any. Negations, boosters and idioms act within their clause: VADER's
    own rules look three words back across a full stop or a comma, so "we can't work.
    Horrible downtime" read 'Horrible' as negated (positive), and so did "No, it's great"
    'great' and "banned for no reason, scam" 'scam'; here a clause ends at . ! ? , or ;
    followed by a space (on VADER's human-rated sets the correlation with the ratings
    rose on all three: bench/sentiment.py)."""
    analyzer = _analyzer()
    text = text.strip() if text.isascii() else _emojis_described(text, analyzer.emojis)
    words: list[str] = []
    sentiments: list[float] = []
    lowers: list[str] = []
    shouting = _capitals_differ([_strip_punctuation(token) for token in text.split()])
    for clause in _CLAUSE_END.split(text):
        own_words, own_lowers, own_sentiments = _sentence_valences(
            analyzer.lexicon, clause, shouting
        )
        words += own_words
        lowers += own_lowers
        sentiments += own_sentiments
    if not any(sentiments) and not any(lower in analyzer.lexicon for lower in lowers):
        return None
    return text, words, _but_check(lowers, sentiments)  # 'but' weighs the whole text


def _sentence_valences(lexicon: dict[str, float], sentence: str, cap_differs: bool | None = None):
    """VADER's valence of each word of one sentence, after its rules: (its words and
    emoticons, the same lower-cased, their valences), as VADER's `sentiment_valence`
    gives them word by word. `cap_differs`: whether the whole text has some words in
    capitals and not all (VADER's emphasis; None: judged on this sentence alone)."""
    words = [_strip_punctuation(token) for token in sentence.split()]
    lowers = [word.lower() for word in words]
    if not any(lower in lexicon for lower in lowers):
        return words, lowers, [0.0] * len(words)
    count = len(words)
    if cap_differs is None:
        cap_differs = _capitals_differ(words)
    sentiments: list[float] = []
    for i, lower in enumerate(lowers):
        modifier = lower in BOOSTER_DICT or (
            lower == "kind" and i < count - 1 and lowers[i + 1] == "of"
        )
        if modifier or lower not in lexicon:
            sentiments.append(0)  # no valence of its own
        else:
            sentiments.append(_word_valence(lexicon, words, lowers, i, cap_differs))
    return words, lowers, sentiments


def _capitals_differ(words: list[str]) -> bool:
    """Some words in capitals, not all: VADER then stresses the words in capitals."""
    capitals = sum(1 for word in words if word.isupper())
    return 0 < len(words) - capitals < len(words)


def _word_valence(
    lexicon: dict[str, float], words: list[str], lowers: list[str], i: int, cap_differs: bool
) -> float:
    """VADER's `sentiment_valence` of the lexicon word at `i`."""
    lower = lowers[i]
    valence = lexicon[lower]
    if lower == "no" and i != len(words) - 1 and lowers[i + 1] in lexicon:
        valence = 0.0  # "no" negates the next word instead
    if (
        (i > 0 and lowers[i - 1] == "no")
        or (i > 1 and lowers[i - 2] == "no")
        or (i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor"))
    ):
        valence = lexicon[lower] * N_SCALAR
    if cap_differs and words[i].isupper():
        valence = valence + C_INCR if valence > 0 else valence - C_INCR
    for start_i in range(3):
        before = i - (start_i + 1)
        if i > start_i and lowers[before] not in lexicon:
            scalar = _scalar_inc_dec(words[before], lowers[before], valence, cap_differs)
            if start_i == 1 and scalar != 0:
                scalar = scalar * 0.95
            if start_i == 2 and scalar != 0:
                scalar = scalar * 0.9
            valence = valence + scalar
            valence = _negation_check(valence, lowers, start_i, i)
            if start_i == 2:
                valence = _special_idioms_check(valence, lowers, i)
    return _least_check(valence, lexicon, lowers, i)


def _strip_punctuation(token: str) -> str:
    """VADER's: leading and trailing punctuation off, unless two characters or fewer
    would be left (an emoticon such as ':)' stays whole)."""
    stripped = token.strip(string.punctuation)
    return token if len(stripped) <= 2 else stripped


def _scalar_inc_dec(word: str, lower: str, valence: float, cap_differs: bool) -> float:
    """What a booster or dampener before a word adds to its valence (more in capitals)."""
    scalar = 0.0
    if lower in BOOSTER_DICT:
        scalar = BOOSTER_DICT[lower]
        if valence < 0:
            scalar *= -1
        if word.isupper() and cap_differs:
            scalar = scalar + C_INCR if valence > 0 else scalar - C_INCR
    return scalar


def _is_negation(lower: str) -> bool:
    return lower in NEGATIONS or "n't" in lower


def _negation_check(valence: float, lowers: list[str], start_i: int, i: int) -> float:
    if start_i == 0:
        if _is_negation(lowers[i - 1]):
            valence = valence * N_SCALAR
    elif start_i == 1:
        if lowers[i - 2] == "never" and lowers[i - 1] in ("so", "this"):
            valence = valence * 1.25
        elif lowers[i - 2] == "without" and lowers[i - 1] == "doubt":
            pass
        elif _is_negation(lowers[i - 2]):
            valence = valence * N_SCALAR
    else:
        # VADER's precedence: (never, then so or this) or (so or this one word back)
        never_so = lowers[i - 3] == "never" and lowers[i - 2] in ("so", "this")
        if never_so or lowers[i - 1] in ("so", "this"):
            valence = valence * 1.25
        elif lowers[i - 3] == "without" and "doubt" in (lowers[i - 2], lowers[i - 1]):
            pass
        elif _is_negation(lowers[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _special_idioms_check(valence: float, lowers: list[str], i: int) -> float:
    one_zero = f"{lowers[i - 1]} {lowers[i]}"
    two_one_zero = f"{lowers[i - 2]} {lowers[i - 1]} {lowers[i]}"
    two_one = f"{lowers[i - 2]} {lowers[i - 1]}"
    three_two_one = f"{lowers[i - 3]} {lowers[i - 2]} {lowers[i - 1]}"
    three_two = f"{lowers[i - 3]} {lowers[i - 2]}"
    for sequence in (one_zero, two_one_zero, two_one, three_two_one, three_two):
        if sequence in SPECIAL_CASES:
            valence = SPECIAL_CASES[sequence]
            break
    if len(lowers) - 1 > i:
        zero_one = f"{lowers[i]} {lowers[i + 1]}"
        if zero_one in SPECIAL_CASES:
            valence = SPECIAL_CASES[zero_one]
    if len(lowers) - 1 > i + 1:
        zero_one_two = f"{lowers[i]} {lowers[i + 1]} {lowers[i + 2]}"
        if zero_one_two in SPECIAL_CASES:
            valence = SPECIAL_CASES[zero_one_two]
    for n_gram in (three_two_one, three_two, two_one):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _least_check(valence: float, lexicon: dict[str, float], lowers: list[str], i: int) -> float:
    if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
        if lowers[i - 2] != "at" and lowers[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


def _but_check(lowers: list[str], sentiments: list[float]) -> list[float]:
    """VADER's 'but': the valences before the first 'but' halved, after it x1.5; as VADER
    writes it, each value is found again by `index`, so of equal values the first one
    is the one scaled (again), exactly as there."""
    if "but" not in lowers:
        return sentiments
    at = lowers.index("but")
    for sentiment in sentiments:
        position = sentiments.index(sentiment)
        if position < at:
            sentiments.pop(position)
            sentiments.insert(position, sentiment * 0.5)
        elif position > at:
            sentiments.pop(position)
            sentiments.insert(position, sentiment * 1.5)
    return sentiments


def _compound(sentiments: list[float], text: str) -> float:
    """VADER's `score_valence` compound: the valences summed, the text's ! and ? added
    to their side, normalised to -1..1 as s / sqrt(s^2 + 15), rounded to 4 places."""
    if not sentiments:
        return 0.0
    total = float(sum(sentiments))
    emphasis = min(text.count("!"), 4) * 0.292
    questions = text.count("?")
    if questions > 1:
        emphasis += questions * 0.18 if questions <= 3 else 0.96
    if total > 0:
        total += emphasis
    elif total < 0:
        total -= emphasis
    score = total / math.sqrt(total * total + 15)
    return round(max(-1.0, min(1.0, score)), 4)


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
