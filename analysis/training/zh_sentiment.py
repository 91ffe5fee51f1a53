"""Train the Chinese sentiment model the product ships, measure it honestly, and make
`analysis/models/zh_sentiment.json.gz` (written by `scripts/train_zh_sentiment.py`):

    .venv/bin/python scripts/train_zh_sentiment.py [--data ../shared/data] [--check]

Data: `sentiment_zh/online_shopping_9_cats.csv` (reviews of 9 kinds of product) and
`sentiment_zh/waimai_10k.csv` (food-delivery reviews), positive 1 / negative 0. Texts are
de-duplicated before any split (the shopping file repeats many reviews, which would
leak between training and test). The model: logistic regression on the presence of
each character 1-3-gram seen in at least MIN_DOCUMENTS reviews, L2-penalised, fitted by
full-batch Adam for a fixed number of steps (no randomness: the same data gives the same
file, byte for byte; `--check` retrains and compares with the committed file).

Figures printed and stored in the file: accuracy held out within each domain (a seeded
80/20 split), across domains (shopping -> delivery and delivery -> shopping), and leave
one kind out (train on 9 of the 10 kinds, test on the 10th, pooled). The shipped model is
trained on everything. Its log-odds are put on the English score's scale by
`valence_per_log_odds`, from how P(positive) grows with VADER's valence on VADER's
human-rated English sets (`sentiment_en/*_GroundTruth.txt`, rating > 0 positive).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis import vader
from analysis.adam import Adam
from analysis.zh_sentiment import is_function_gram, ngrams, valence_sum

MIN_DOCUMENTS = 3  # an n-gram in fewer training reviews than this is left out
PENALTY = 1e-4  # L2, per review
STEPS = 300
LEARNING_RATE = 0.05
KEEP_AT_LEAST = 0.01  # shipped weights smaller than this are dropped (saves 2/3 of the file)
PLAIN_NEUTRAL_SHARE = 0.2  # a fifth of plain text (news headlines) reads neutral
SPLIT_SEED = 20261205
SHOPPING = "sentiment_zh/online_shopping_9_cats.csv"
DELIVERY = "sentiment_zh/waimai_10k.csv"
DELIVERY_KIND = "外卖"
HEADLINES = "topics/thucnews_headlines_dev.txt"  # news headlines: the neutral anchors
NEUTRAL_KIND = "新闻标题"
ENGLISH_RATED = (
    "sentiment_en/amazonReviewSnippets_GroundTruth.txt",
    "sentiment_en/movieReviewSnippets_GroundTruth.txt",
    "sentiment_en/nytEditorialSnippets_GroundTruth.txt",
)


def reviews(data: Path) -> tuple[list[str], np.ndarray, list[str]]:
    """(texts, labels, kinds) of both files, each distinct text once (its first label)."""
    texts, labels, kinds, seen = [], [], [], set()

    def add(text: str, label: str, kind: str) -> None:
        text = text.strip().lstrip("\ufeff")
        if text and text not in seen and label in ("0", "1", "0.5"):
            seen.add(text)
            texts.append(text)
            labels.append(float(label))
            kinds.append(kind)

    with open(data / SHOPPING, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            add(row["review"] or "", row["label"], row["cat"])
    with open(data / DELIVERY, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            add(row["review"] or "", row["label"], DELIVERY_KIND)
    with open(data / HEADLINES, encoding="utf-8") as handle:
        for line in handle:
            add(line.split("\t")[0], "0.5", NEUTRAL_KIND)
    return texts, np.array(labels, dtype=float), kinds


class Features:
    """Every review's n-grams once, as (review, n-gram) index pairs; n-grams of function
    characters alone (analysis.zh_sentiment.FUNCTION_CHARACTERS) are left out."""

    def __init__(self, texts: list[str]):
        index: dict[str, int] = {}
        rows, columns = [], []
        for row, text in enumerate(texts):
            for gram in ngrams(text):
                if is_function_gram(gram):
                    continue
                rows.append(row)
                columns.append(index.setdefault(gram, len(index)))
        self.rows = np.array(rows, dtype=np.int64)
        self.columns = np.array(columns, dtype=np.int64)
        self.grams = list(index)

    def select(self, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows renumbered 0.., columns, kept n-gram ids) of the `chosen` reviews, with the
        n-grams that appear in at least MIN_DOCUMENTS of them."""
        keep_row = np.full(int(self.rows.max()) + 1, -1)
        keep_row[chosen] = np.arange(len(chosen))
        inside = keep_row[self.rows] >= 0
        rows, columns = keep_row[self.rows[inside]], self.columns[inside]
        frequent = np.bincount(columns, minlength=len(self.grams)) >= MIN_DOCUMENTS
        kept = np.flatnonzero(frequent)
        renumber = np.full(len(self.grams), -1)
        renumber[kept] = np.arange(len(kept))
        known = frequent[columns]
        return rows[known], renumber[columns[known]], kept


def fit(rows, columns, labels: np.ndarray, n_features: int) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression on binary features, full-batch Adam."""
    weights, bias = np.zeros(n_features), 0.0
    adam = Adam(n_features + 1, LEARNING_RATE)
    count = len(labels)
    for _ in range(STEPS):
        log_odds = bias + np.bincount(rows, weights=weights[columns], minlength=count)
        error = 1.0 / (1.0 + np.exp(-log_odds)) - labels
        gradient = np.append(
            np.bincount(columns, weights=error[rows], minlength=n_features) / count
            + PENALTY * weights,
            error.mean(),
        )
        change = adam.change(gradient)
        weights -= change[:-1]
        bias -= change[-1]
    return weights, bias


def trained_evidence(features: Features, labels, train: np.ndarray) -> np.ndarray:
    """Every text's evidence (its n-grams' weights summed, the bias left out: what the
    product scores) under a model trained on the `train` texts."""
    rows, columns, kept = features.select(train)
    weights, _ = fit(rows, columns, labels[train], len(kept))
    by_gram = np.zeros(len(features.grams))
    by_gram[kept] = weights
    return np.bincount(features.rows, weights=by_gram[features.columns], minlength=len(labels))


def neutral_evidence(evidence: np.ndarray, plain: np.ndarray) -> float:
    """The evidence below which a text reads neutral: the size of the evidence that
    PLAIN_NEUTRAL_SHARE of plain text the model did not train on (news headlines) stays
    under. A wider band calls more plain chat neutral but more reviews too (see
    docs/performance.md for the trade-off)."""
    size = np.abs(evidence[plain])
    return round(float(np.quantile(size, PLAIN_NEUTRAL_SHARE)), 4)


def readings(evidence, labels, test, plain) -> tuple[float, float]:
    """(accuracy by the sign of the evidence, accuracy of the product's labels: positive,
    negative, or neutral within the neutral evidence, which counts as wrong)."""
    wanted = labels[test] == 1
    by_sign = np.mean((evidence[test] > 0) == wanted)
    polar = np.abs(evidence[test]) >= neutral_evidence(evidence, plain)
    return float(by_sign), float(np.mean(polar & ((evidence[test] > 0) == wanted)))


def figures(features: Features, labels: np.ndarray, kinds: list[str]):
    """Accuracy on reviews the model did not see, by sign and by label; half the neutral
    headlines are always trained on, the other half (`plain`, returned) set the neutral
    band of each model measured and of the shipped one."""
    kinds_array = np.array(kinds)
    anchors, plain = headline_halves(kinds)
    delivery = np.flatnonzero(kinds_array == DELIVERY_KIND)
    shopping = np.flatnonzero((kinds_array != DELIVERY_KIND) & (kinds_array != NEUTRAL_KIND))
    rng = np.random.default_rng(SPLIT_SEED)
    runs = []
    for name, domain in (("shopping", shopping), ("delivery", delivery)):
        shuffled = rng.permutation(domain)
        cut = int(0.8 * len(shuffled))
        runs.append((f"held_out_{name}", shuffled[:cut], shuffled[cut:]))
    runs.append(("shopping_to_delivery", shopping, delivery))
    runs.append(("delivery_to_shopping", delivery, shopping))
    reviewed = np.concatenate([shopping, delivery])
    for kind in sorted(set(kinds_array[reviewed])):
        runs.append(
            (
                f"leave_out_{kind}",
                reviewed[kinds_array[reviewed] != kind],
                reviewed[kinds_array[reviewed] == kind],
            )
        )
    found, pooled = {}, np.zeros(2)
    for name, train, test in runs:
        evidence = trained_evidence(features, labels, np.concatenate([train, anchors]))
        by_sign, by_label = readings(evidence, labels, test, plain)
        found[name], found[f"{name}_labels"] = by_sign, by_label
        if name.startswith("leave_out_"):
            pooled += np.array([by_sign, by_label]) * len(test)
    found["leave_one_kind_out"], found["leave_one_kind_out_labels"] = pooled / len(reviewed)
    return {name: round(float(value), 4) for name, value in found.items()}


def headline_halves(kinds: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(the headlines every model trains on, the `plain` ones no model sees, which set the
    neutral band): alternate lines."""
    neutral = np.flatnonzero(np.array(kinds) == NEUTRAL_KIND)
    return neutral[::2], neutral[1::2]


@dataclass(frozen=True)
class Shipped:
    """What the product reads from the model file, as the training makes it."""

    weights: dict[str, float]  # n-gram -> weight, the ones kept
    bias: float
    neutral_evidence: float


def shipped_model(features: Features, labels: np.ndarray, kinds: list[str]) -> Shipped:
    """The shipped model: trained on every review and the anchor headlines."""
    plain = headline_halves(kinds)[1]
    trained = np.setdiff1d(np.arange(len(labels)), plain)
    rows, columns, kept = features.select(trained)
    weights, bias = fit(rows, columns, labels[trained], len(kept))
    weights = np.where(np.abs(weights) >= KEEP_AT_LEAST, np.round(weights, 4), 0.0)
    by_gram = np.zeros(len(features.grams))
    by_gram[kept] = weights
    evidence = np.bincount(features.rows, weights=by_gram[features.columns], minlength=len(labels))
    shipped = {features.grams[g]: float(w) for g, w in zip(kept, weights, strict=True) if w}
    return Shipped(
        dict(sorted(shipped.items())),
        round(float(bias), 4),
        neutral_evidence(evidence, plain),
    )


def english_calibration(data: Path) -> float:
    """VADER valence per unit of log-odds: the slope k of P(rating > 0) = sigmoid(k * s + b)
    over VADER's human-rated English snippets (ratings of exactly 0 left out), where s is
    the valence sum behind each compound (VADER's own normalisation undone), fitted by
    Newton's method; returns 1 / k."""
    valences, positive = [], []
    for name in ENGLISH_RATED:
        with open(data / name, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                parts = line.rstrip("\r\n").split("\t", 2)
                if len(parts) == 3 and float(parts[1]) != 0:
                    valences.append(valence_sum(vader.compound(parts[2])))
                    positive.append(float(parts[1]) > 0)
    x, y = np.array(valences), np.array(positive, dtype=float)
    design = np.column_stack([x, np.ones_like(x)])
    theta = np.zeros(2)
    for _ in range(25):
        p = 1.0 / (1.0 + np.exp(-design @ theta))
        hessian = design.T @ (design * (p * (1 - p))[:, None])
        theta -= np.linalg.solve(hessian, design.T @ (p - y))
    return round(1.0 / float(theta[0]), 4)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(data: Path) -> tuple[bytes, dict[str, float]]:
    texts, labels, kinds = reviews(data)
    features = Features(texts)
    measured = figures(features, labels, kinds)
    shipped = shipped_model(features, labels, kinds)
    stored = {
        "model": "logistic regression on character 1-3-grams (analysis/zh_sentiment.py)",
        "made_by": "python scripts/train_zh_sentiment.py",
        "data": {
            name: sha256(data / name) for name in (SHOPPING, DELIVERY, HEADLINES, *ENGLISH_RATED)
        },
        "texts": len(texts),
        "settings": {
            "min_documents": MIN_DOCUMENTS,
            "penalty": PENALTY,
            "steps": STEPS,
            "learning_rate": LEARNING_RATE,
            "keep_at_least": KEEP_AT_LEAST,
            "plain_neutral_share": PLAIN_NEUTRAL_SHARE,
            "split_seed": SPLIT_SEED,
        },
        "figures": measured,
        "bias": shipped.bias,
        "neutral_evidence": shipped.neutral_evidence,
        "valence_per_log_odds": english_calibration(data),
        "weights": shipped.weights,
    }
    text = json.dumps(stored, ensure_ascii=False, indent=0, sort_keys=False)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(text.encode("utf-8"))
    return buffer.getvalue(), measured
