"""Language detection that sets a message aside only on confident evidence.

Off-the-shelf detectors call many short English chat lines something else
("YEAH", "tyvm"), so the rule is, in order:

1. Letters mostly in a non-Latin script: not English. A script of one
   language names it (kana: Japanese, Hangul: Korean, Han alone: Chinese, ...);
   for a script of many (Cyrillic, Arabic, Devanagari) the detector does.
2. Latin text with English function words ("the", "you", "that", ...): English,
   without running the detector (this is most English chat, and it is cheap).
3. Fewer than `MIN_LETTERS_FOR_DETECTION` letters: too short to judge, English.
4. Otherwise py3langid decides, and only a confident non-English answer
   (probability >= `MIN_CONFIDENCE`) sets the message aside.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from functools import cache

ENGLISH = "en"
NO_LANGUAGE = "zxx"  # py3langid's code for URLs, code and other non-language text
MIN_LETTERS_FOR_DETECTION = 25
MIN_CONFIDENCE = 0.95
NON_LATIN_SHARE = 0.3

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_ENGLISH_MARKERS = frozenset(
    "the and is are you your that this with have has not but what it's i'm don't can't "
    "of it my we they he she there if does would could should about how why when just "
    "thanks please yes".split()
)
_SCRIPT_LANGUAGE = {
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "CYRILLIC": "ru",
    "ARABIC": "ar",
    "HEBREW": "he",
    "GREEK": "el",
    "THAI": "th",
    "DEVANAGARI": "hi",
}

_SHARED_SCRIPTS = frozenset({"CYRILLIC", "ARABIC", "DEVANAGARI"})  # written in many languages


def detect_language(text: str, words: Collection[str] | None = None) -> str:
    """An ISO 639-1 code for `text`; "en" unless the evidence against it is confident.

    `words`: the lower-case words of `text`, when the caller has them already.
    """
    if not text.isascii():  # ASCII text is Latin script: skip the per-letter script count
        letters = [ch for ch in text if ch.isalpha()]
        script = _dominant_non_latin_script(letters) if letters else None
        if script in _SHARED_SCRIPTS:
            return _detector_language(text, default=_SCRIPT_LANGUAGE[script])
        if script is not None:
            return _SCRIPT_LANGUAGE[script]
    if words is None:
        words = _WORD.findall(text.lower())
    if not _ENGLISH_MARKERS.isdisjoint(words):
        return ENGLISH
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS_FOR_DETECTION:
        return ENGLISH
    return _detector_language(text, default=ENGLISH)


def _dominant_non_latin_script(letters: list[str]) -> str | None:
    """The non-Latin script of most letters, if such letters are a large enough share;
    Han with any kana is Japanese writing."""
    non_latin: dict[str, int] = {}
    for ch in letters:
        if ch < "\u0250":  # Basic Latin through Latin Extended-B
            continue
        script = _script_of(ch)
        if script is not None:
            non_latin[script] = non_latin.get(script, 0) + 1
    if not non_latin:
        return None
    if sum(non_latin.values()) < NON_LATIN_SHARE * len(letters):
        return None
    if "HIRAGANA" in non_latin or "KATAKANA" in non_latin:
        return "HIRAGANA"
    return max(non_latin.items(), key=lambda item: item[1])[0]


@cache
def _script_of(ch: str) -> str | None:
    name = unicodedata.name(ch, "")
    for script in _SCRIPT_LANGUAGE:
        if name.startswith(script) or (script == "CJK" and "IDEOGRAPH" in name):
            return script
    return None


def _detector_language(text: str, default: str) -> str:
    code, probability = _identifier().classify(text)
    if code == NO_LANGUAGE or probability < MIN_CONFIDENCE:
        return default
    return code


@cache
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
