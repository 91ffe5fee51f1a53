"""Chinese sentiment: a linear model on character n-grams, trained by
`scripts/train_zh_sentiment.py` (analysis/training/) on Chinese reviews and shipped in
`analysis/models/zh_sentiment.json.gz` (with its training data's hash and figures).

A message is folded to Simplified characters; every run of Chinese characters gives its
characters, pairs and triples (不, 好, 不好, 太不好 ...); the model adds their weights:
the evidence, in log-odds, that the message is positive rather than what a message with
no known n-gram is. That evidence is put on the English score's scale the way VADER
builds its own: as a valence sum s, normalised to s / sqrt(s² + 15). The rate of
valence per unit of log-odds, `valence_per_log_odds`, is VADER's own: on VADER's
human-rated English sets, that many points of VADER valence raise the odds of a positive
rating by one unit of log-odds. So equal evidence gives an equal score in either
language, a Chinese and an English channel read the same on one chart, and the same
cut-offs (±0.05) label both. Reviews are never neutral, chat often is: evidence up to
`neutral_evidence` (the size a fifth of plain news headlines the model never trained on
stay under) reads neutral, and only what lies beyond it counts. A message with no known
n-gram scores 0.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analysis.chinese import han_runs, to_simplified

MODEL_PATH = Path(__file__).parent / "models" / "zh_sentiment.json.gz"
LONGEST_NGRAM = 3
# The words of asking and addressing, which say nothing of how someone feels: question
# particles and words (吗, 呢, 什么, 怎么, 几 …), "please" and "ask", and pronouns.
# Reviews ask mostly to complain ("这也叫服务吗"), so a model trained on them learns 吗 and
# 请问 as negative, and a community's plain questions ("请问几点开始？") would read
# negative. An n-gram made of these characters alone carries no weight. (A list of the
# language, not fitted to any data; negations, intensifiers and 好 are not in it.)
FUNCTION_CHARACTERS = frozenset(
    "吗呢吧么嘛"  # question and suggestion particles
    "什怎几哪谁啥"  # question words (什么, 怎么, 几, 哪, 谁, 啥)
    "请问"  # please, ask
    "我你您他她它们咱这那"  # pronouns
)
VADER_ALPHA = 15.0  # VADER's normalisation: compound = s / sqrt(s² + alpha)


def is_function_gram(gram: str) -> bool:
    """Whether an n-gram is made of FUNCTION_CHARACTERS alone (never weighed)."""
    return all(character in FUNCTION_CHARACTERS for character in gram)


def ngrams(text: str) -> list[str]:
    """The features of `text`: the 1- to LONGEST_NGRAM-character n-grams of each run of
    Chinese characters, after folding to Simplified; distinct, in order of appearance."""
    seen: dict[str, None] = {}
    for run in han_runs(to_simplified(text)):
        for size in range(1, LONGEST_NGRAM + 1):
            for start in range(len(run) - size + 1):
                seen[run[start : start + size]] = None
    return list(seen)


@dataclass(frozen=True)
class ChineseSentimentModel:
    weights: dict[str, float]
    bias: float  # the log-odds of a message with no known n-gram
    neutral_evidence: float  # evidence up to this reads neutral (a fifth of plain text)
    valence_per_log_odds: float  # fitted on VADER's English sets
    data: dict[str, str]  # training file -> sha256

    def evidence(self, text: str) -> float:
        """Log-odds of positive, relative to a message with nothing known in it."""
        return sum(self.weights.get(gram, 0.0) for gram in ngrams(text))

    def valence(self, text: str) -> float:
        """The evidence beyond the neutral band, as a VADER valence sum."""
        evidence = self.evidence(text)
        beyond = max(abs(evidence) - self.neutral_evidence, 0.0)
        return math.copysign(beyond, evidence) * self.valence_per_log_odds

    def compound(self, text: str) -> float:
        """The score on the English scale, -1..1."""
        return normalised(self.valence(text))

    def contributions(self, text: str) -> list[tuple[str, float]]:
        """The n-grams of `text` the model knows, each with the valence it adds."""
        return [
            (gram, self.weights[gram] * self.valence_per_log_odds)
            for gram in ngrams(text)
            if self.weights.get(gram, 0.0)
        ]


def normalised(valence: float) -> float:
    """VADER's normalisation of a valence sum to -1..1."""
    return valence / math.sqrt(valence * valence + VADER_ALPHA)


def valence_sum(compound: float) -> float:
    """The valence sum whose normalisation is `compound` (VADER's undone)."""
    c = max(-0.9999, min(0.9999, compound))
    return c * math.sqrt(VADER_ALPHA / (1 - c * c))


@cache
def model() -> ChineseSentimentModel:
    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as handle:
        stored = json.load(handle)
    return ChineseSentimentModel(
        weights=stored["weights"],
        bias=stored["bias"],
        neutral_evidence=stored["neutral_evidence"],
        valence_per_log_odds=stored["valence_per_log_odds"],
        data=stored["data"],
    )


def compound(text: str) -> float:
    return model().compound(text)
