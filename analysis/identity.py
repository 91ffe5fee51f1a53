"""One person, many accounts: suggested merges across platforms, each with a score and the
evidence for it. Pure: accounts in, suggestions out.

Evidence, strongest first:
* the same e-mail address (where a platform gives one): 1.0;
* the same handle (account id or name, lower-case, without '@' and punctuation) on two
  platforms: 0.8;
* very similar display names (difflib ratio of at least 0.85): 0.5 to 0.7;
* a name in Chinese characters whose pinyin (without tones, either name order) is the
  other account's handle or name: '张伟' and 'zhangwei' or 'Wei Zhang': 0.5, the weakest
  (common names are shared by very many people).
Several kinds together add 0.1 each, up to 1.0. Only accounts of different sources are
paired (two accounts on one platform are usually two people), bots never.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

SIMILAR_NAMES = 0.85
MIN_HANDLE = 3  # "al" on two platforms says nothing


@dataclass(frozen=True)
class Account:
    id: int
    source: str
    platform: str
    external_id: str
    display_name: str
    email: str | None = None


@dataclass(frozen=True)
class Suggestion:
    first: int  # account ids, the lower first
    second: int
    score: float
    evidence: tuple[str, ...]


def handle(text: str) -> str:
    """'@Ann_Lee:matrix.org' -> 'annlee': lower-case, without a leading '@', a server part
    or punctuation."""
    return re.sub(r"[^0-9a-z]", "", text.lower().lstrip("@").split(":")[0])


def _name(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def suggest(
    accounts: list[Account], decided: set[tuple[int, int]] = frozenset()
) -> list[Suggestion]:
    """Pairs of accounts on different sources that look like one person, best first;
    `decided` pairs (confirmed or rejected before) are left out."""
    evidence: dict[tuple[int, int], dict[str, tuple[float, str]]] = defaultdict(dict)

    def note(a: Account, b: Account, kind: str, score: float, why: str) -> None:
        if a.source == b.source:
            return
        pair = (min(a.id, b.id), max(a.id, b.id))
        if pair in decided:
            return
        found = evidence[pair]
        if kind not in found or score > found[kind][0]:
            found[kind] = (score, why)

    for group in _grouped(accounts, lambda a: a.email.lower() if a.email else None):
        for a, b in combinations(group, 2):
            note(a, b, "email", 1.0, f"same e-mail {a.email.lower()}")
    by_handle = defaultdict(list)
    for account in accounts:
        for text in {handle(account.external_id), handle(account.display_name)}:
            if len(text) >= MIN_HANDLE:
                by_handle[text].append(account)
    for text, group in by_handle.items():
        for a, b in combinations(group, 2):
            note(a, b, "handle", 0.8, f"same handle '{text}' on {a.platform} and {b.platform}")
    for group in _grouped(accounts, lambda a: _name(a.display_name)[:3] or None):
        for a, b in combinations(group, 2):
            ratio = SequenceMatcher(None, _name(a.display_name), _name(b.display_name)).ratio()
            if ratio >= SIMILAR_NAMES:
                score = 0.5 + 0.2 * (ratio - SIMILAR_NAMES) / (1 - SIMILAR_NAMES)
                why = f"display names '{a.display_name}' and '{b.display_name}' {ratio:.0%} alike"
                note(a, b, "name", round(score, 3), why)
    for a, b, reading in _pinyin_pairs(accounts, by_handle):
        why = f"'{a.display_name}' is '{reading}' in pinyin, a name on {b.platform}"
        note(a, b, "pinyin", 0.5, why)
    suggestions = []
    for (first, second), found in evidence.items():
        scores = sorted((s for s, _ in found.values()), reverse=True)
        score = min(1.0, scores[0] + 0.1 * (len(scores) - 1))
        whys = tuple(why for _, why in sorted(found.values(), key=lambda v: -v[0]))
        suggestions.append(Suggestion(first, second, round(score, 3), whys))
    return sorted(suggestions, key=lambda s: (-s.score, s.first, s.second))


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def pinyin_readings(name: str) -> set[str]:
    """The handles a name in Chinese characters is written as in Latin letters: its
    pinyin without tones, family name first or last ('张伟' -> zhangwei, weizhang); empty
    for a name without two Han characters."""
    from pypinyin import lazy_pinyin

    han = "".join(_HAN.findall(name))
    if len(han) < 2:
        return set()
    syllables = [s.lower() for s in lazy_pinyin(han)]
    return {"".join(syllables), "".join(syllables[1:] + syllables[:1])}


def _pinyin_pairs(accounts: list[Account], by_handle: dict[str, list[Account]]):
    """(account with a Chinese name, account whose handle is its pinyin, the reading)."""
    for account in accounts:
        for reading in sorted(pinyin_readings(account.display_name)):
            for other in by_handle.get(reading, ()):
                if other.id != account.id:
                    yield account, other, reading


def _grouped(accounts: list[Account], key) -> list[list[Account]]:
    groups: dict[str, list[Account]] = defaultdict(list)
    for account in accounts:
        value = key(account)
        if value:
            groups[value].append(account)
    return [group for group in groups.values() if len(group) > 1]
