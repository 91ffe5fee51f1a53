"""Emerging terms: words and short phrases far more frequent in the last hours than
their own usual, with shrinkage so that a word seen twice is never "emerging".

A message's terms are its words (analysis.discovery.terms: English words without
stopwords, Chinese characters and character pairs; single Chinese characters are left
out here) and adjacent English word pairs; each counts once per message. For each term:

    recent    = messages with the term in the window (the last WINDOW_HOURS)
    usual     = its messages per hour in the BASELINE_HOURS before the window
    expected  = usual x WINDOW_HOURS
    ratio     = (recent + PRIOR) / (expected + PRIOR)        (shrunk toward 1)
    z         = (recent - expected) / sqrt(expected + PRIOR)  (Poisson, shrunk)

A term emerges when recent >= MIN_MESSAGES, written by at least MIN_AUTHORS people,
ratio >= MIN_RATIO and z >= MIN_Z. The community's everyday words have a large usual
and never reach the ratio; stopwords are not terms at all.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analysis.discovery import terms as words_of

WINDOW_HOURS = 6
BASELINE_HOURS = 7 * 24
PRIOR = 3.0  # pseudo-messages added to the recent and the expected counts
MIN_MESSAGES = 5
MIN_AUTHORS = 3
MIN_RATIO = 4.0
MIN_Z = 4.0
_LATIN = re.compile(r"[a-z0-9]")


def message_terms(text: str) -> set[str]:
    """The terms of one message, each once: its words (not single Chinese characters)
    and its adjacent English word pairs."""
    words = [w for w in words_of(text) if len(w) > 1 or _LATIN.match(w)]
    english = [w for w in words if _LATIN.match(w)]
    pairs = {f"{a} {b}" for a, b in zip(english, english[1:], strict=False)}
    return set(words) | pairs


@dataclass(frozen=True)
class EmergingTerm:
    term: str
    recent: int  # messages with it in the window
    expected: float  # what its usual rate gives the window
    ratio: float  # shrunk: how far above usual
    z: float
    authors: int
    first_hour: int  # the window's first hour in which it appeared (hours since the epoch)

    @property
    def score(self) -> float:
        return self.z


def term_counts(messages: Iterable[tuple[int, str]]) -> Counter:
    """(hour, term) -> messages, from (hour, text) pairs."""
    counts: Counter = Counter()
    for hour, text in messages:
        for term in message_terms(text):
            counts[hour, term] += 1
    return counts


def emerging_terms(
    counts: Counter,
    now_hour: int,
    authors: dict[str, int],
    window_hours: int = WINDOW_HOURS,
) -> list[EmergingTerm]:
    """The emerging terms at the start of `now_hour` + 1 (the window is the
    `window_hours` hours up to and including `now_hour`), strongest first. `counts`:
    (hour, term) -> messages, covering the window and the BASELINE_HOURS before it;
    `authors`: term -> people who used it in the window (terms not in it are skipped)."""
    window_start = now_hour - window_hours + 1
    baseline_start = window_start - BASELINE_HOURS
    recent: Counter = Counter()
    before: Counter = Counter()
    first_seen: dict[str, int] = {}
    for (hour, term), n in counts.items():
        if window_start <= hour <= now_hour:
            recent[term] += n
            first_seen[term] = min(first_seen.get(term, hour), hour)
        elif baseline_start <= hour < window_start:
            before[term] += n
    found = []
    for term, n in recent.items():
        if n < MIN_MESSAGES or authors.get(term, 0) < MIN_AUTHORS:
            continue
        expected = before[term] / BASELINE_HOURS * window_hours
        ratio = (n + PRIOR) / (expected + PRIOR)
        z = (n - expected) / math.sqrt(expected + PRIOR)
        if ratio >= MIN_RATIO and z >= MIN_Z:
            found.append(
                EmergingTerm(
                    term,
                    n,
                    round(expected, 2),
                    round(ratio, 2),
                    round(z, 2),
                    authors[term],
                    first_seen[term],
                )
            )
    return _without_parts(sorted(found, key=lambda t: (-t.z, t.term)))


def _without_parts(found: Sequence[EmergingTerm]) -> list[EmergingTerm]:
    """A word inside a stronger emerging pair is left out ("refund" under "refund scam"),
    and a pair whose words are both stronger alone too."""
    kept: list[EmergingTerm] = []
    for term in found:
        if any(term.term in other.term.split() for other in kept if " " in other.term):
            continue
        kept.append(term)
    return kept


def candidate_terms(counts: Counter, now_hour: int, window_hours: int = WINDOW_HOURS) -> set:
    """Terms frequent enough in the window to be worth counting authors for."""
    window_start = now_hour - window_hours + 1
    recent: Counter = Counter()
    for (hour, term), n in counts.items():
        if window_start <= hour <= now_hour:
            recent[term] += n
    return {term for term, n in recent.items() if n >= MIN_MESSAGES}
