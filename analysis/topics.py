"""Topics: named rules of keywords, phrases, regular expressions and exclusions.

A message belongs to a topic when any keyword (a whole word), phrase (whole
words in order) or pattern (a case-insensitive regular expression) matches,
and no exclusion (a word or phrase) does. A message can belong to several
topics.

Chinese has no spaces between words, so a keyword, phrase or exclusion written with
Chinese characters (退款, 售后服务, "微信 支付") matches as a run of characters anywhere
in the message, both folded to Simplified characters, in lower case and without spaces:
售后 matches 我要找售后 and 售後服務 alike. Preview, tagging and re-tag all
match through `prepare`, so they agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analysis.chinese import has_han, to_simplified

_WORD = re.compile(r"\w+(?:['’]\w+)*")


class TopicRuleError(ValueError):
    """A topic rule that cannot be saved; `field` names the part that is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class TopicRule:
    name: str
    keywords: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    colour: str = "#636efa"


@dataclass(frozen=True)
class PreparedText:
    """A message tokenised once, so every topic can test it cheaply."""

    raw: str
    words: frozenset[str]
    joined: str  # " word word ... ", for whole-word phrase tests
    characters: str = ""  # for text with Chinese: folded, lower case, no spaces


def prepare(text: str) -> PreparedText:
    words = _WORD.findall(text.lower())
    characters = compact(text) if has_han(text) else ""
    return PreparedText(text, frozenset(words), f" {' '.join(words)} ", characters)


def compact(text: str) -> str:
    """`text` as Chinese terms are matched: Simplified, lower case, without spaces."""
    return "".join(to_simplified(text.lower()).split())


@dataclass(frozen=True)
class _Matcher:
    words: frozenset[str]
    phrases: tuple[str, ...]
    pattern: re.Pattern | None
    chinese: tuple[str, ...] = ()  # terms with Chinese characters, compacted

    def search(self, text: PreparedText) -> bool:
        if not self.words.isdisjoint(text.words):
            return True
        if any(phrase in text.joined for phrase in self.phrases):
            return True
        if text.characters and any(term in text.characters for term in self.chinese):
            return True
        return self.pattern is not None and self.pattern.search(text.raw) is not None


@dataclass(frozen=True)
class CompiledTopic:
    name: str
    include: _Matcher
    exclude: _Matcher

    def matches(self, text: PreparedText | str) -> bool:
        if isinstance(text, str):
            text = prepare(text)
        return self.include.search(text) and not self.exclude.search(text)


def validate(rule: TopicRule) -> TopicRule:
    """Return `rule` cleaned of blanks and duplicates, or raise TopicRuleError."""
    name = rule.name.strip()
    if not name:
        raise TopicRuleError("name", "a topic needs a name")
    if len(name) > 100:
        raise TopicRuleError("name", "at most 100 characters")
    cleaned = TopicRule(
        name=name,
        keywords=_clean(rule.keywords),
        phrases=_clean(rule.phrases),
        patterns=_clean(rule.patterns),
        exclusions=_clean(rule.exclusions),
        colour=rule.colour,
    )
    if not (cleaned.keywords or cleaned.phrases or cleaned.patterns):
        raise TopicRuleError("keywords", "give at least one keyword, phrase or pattern")
    for pattern in cleaned.patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise TopicRuleError(
                "patterns", f"{pattern!r} is not a valid pattern: {error}"
            ) from None
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", cleaned.colour):
        raise TopicRuleError("colour", "use a colour like #1f77b4")
    return cleaned


def compile_rule(rule: TopicRule) -> CompiledTopic:
    include = _matcher([*rule.keywords, *rule.phrases], rule.patterns)
    return CompiledTopic(rule.name, include, _matcher(rule.exclusions, ()))


def match_topics(text: str, topics: Sequence[CompiledTopic]) -> list[str]:
    """The names of the topics `text` belongs to, in the order of `topics`."""
    return TopicIndex(topics).match(text)


class TopicIndex:
    """Many topics matched at once: each word of a message is looked up once in an
    index of every topic's keywords and of the first words of its phrases, instead of
    every topic testing every message. Gives exactly the result of testing each topic
    in turn."""

    def __init__(self, topics: Sequence[CompiledTopic]) -> None:
        self.topics = tuple(topics)
        self._by_keyword: dict[str, list[int]] = {}
        self._by_phrase_start: dict[str, list[tuple[int, str]]] = {}
        for position, topic in enumerate(self.topics):
            for word in topic.include.words:
                self._by_keyword.setdefault(word, []).append(position)
            for phrase in topic.include.phrases:  # " first second ... "
                first = phrase.split(maxsplit=1)[0]
                self._by_phrase_start.setdefault(first, []).append((position, phrase))
        self._chinese = [
            (position, term)
            for position, topic in enumerate(self.topics)
            for term in topic.include.chinese
        ]
        self._with_pattern = [
            position
            for position, topic in enumerate(self.topics)
            if topic.include.pattern is not None
        ]

    def match(self, text: str) -> list[str]:
        return self.match_prepared(prepare(text))

    def match_prepared(self, prepared: PreparedText) -> list[str]:
        hits: set[int] = set()
        for word in prepared.words & self._by_keyword.keys():  # the few words of any topic
            hits.update(self._by_keyword[word])
        for word in prepared.words & self._by_phrase_start.keys():
            for position, phrase in self._by_phrase_start[word]:
                if phrase in prepared.joined:
                    hits.add(position)
        if prepared.characters:
            hits.update(p for p, term in self._chinese if term in prepared.characters)
        for position in self._with_pattern:
            pattern = self.topics[position].include.pattern
            if position not in hits and pattern.search(prepared.raw):
                hits.add(position)
        return [
            self.topics[p].name for p in sorted(hits) if not self.topics[p].exclude.search(prepared)
        ]


def _matcher(terms: Iterable[str], patterns: Iterable[str]) -> _Matcher:
    terms = list(terms)
    chinese = tuple(dict.fromkeys(compact(term) for term in terms if has_han(term)))
    tokenised = [_WORD.findall(term.lower()) for term in terms if not has_han(term)]
    words = frozenset(tokens[0] for tokens in tokenised if len(tokens) == 1)
    phrases = tuple(f" {' '.join(tokens)} " for tokens in tokenised if len(tokens) > 1)
    patterns = [f"(?:{p})" for p in patterns]
    pattern = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None
    return _Matcher(words, phrases, pattern, chinese)


def _clean(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if item and item.lower() not in (s.lower() for s in seen):
            seen[item] = None
    return tuple(seen)


def keyword_rule(
    name: str, colour: str, keywords: str, phrases: str = "", patterns=()
) -> TopicRule:
    """A rule from space-separated keywords and |-separated phrases."""
    return TopicRule(
        name=name,
        keywords=tuple(keywords.split()),
        phrases=tuple(p for p in phrases.split("|") if p),
        patterns=tuple(patterns),
        colour=colour,
    )


DEFAULT_TOPICS: tuple[TopicRule, ...] = (
    keyword_rule(
        "billing",
        "#d62728",
        "billing invoice invoices refund refunds charged charge subscription payment "
        "payments price pricing",
        "credit card|double charged",
    ),
    keyword_rule(
        "bugs",
        "#ff7f0e",
        "bug bugs crash crashes crashed broken error errors exception regression glitch",
        "doesn't work|does not work|stack trace",
    ),
    keyword_rule(
        "outage",
        "#8c564b",
        "outage down downtime unreachable offline 502 503 504 timeout timeouts",
        "not loading|status page",
    ),
    keyword_rule(
        "feature requests",
        "#2ca02c",
        "feature roadmap suggestion proposal wishlist",
        "would be nice|please add|it would be great",
    ),
    keyword_rule(
        "help",
        "#1f77b4",
        "help how install installing setup configure tutorial docs documentation",
        "how do i|how to|getting started",
    ),
    keyword_rule(
        "praise",
        "#9467bd",
        "thanks thank love awesome great amazing kudos",
        "well done|good job",
    ),
    keyword_rule(
        "security",
        "#e377c2",
        "security vulnerability exploit hacked phishing password leak breach 2fa",
        "",
    ),
    keyword_rule(
        "performance",
        "#17becf",
        "slow slowness latency lag laggy performance fast faster memory cpu",
        "takes forever",
    ),
    keyword_rule(
        "releases",
        "#bcbd22",
        "release released changelog upgrade update version",
        "new version",
        # a version is v-prefixed (v2.3) or has three parts (1.2.3): a plain decimal such
        # as a grade average (3.9) or a price (4.50) is not one
        (r"\bv\d+(?:\.\d+){1,2}\b|\b\d+\.\d+\.\d+\b",),
    ),
)
