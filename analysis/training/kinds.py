"""Train the message-kind model the product ships, measure it, and make
`analysis/models/kinds.json.gz` (written by `scripts/train_kinds.py`):

    .venv/bin/python scripts/train_kinds.py [--data ../shared/data] [--check]

Examples, all from `../shared/data`:
- question, bug report, feature request: the labelled GitHub issue reports of
  `feedback/nlbse24_issues_train.csv` (the test file is never trained on), each twice:
  as title and body, and as its title alone, so that a one-line chat message looks like
  something the model has seen;
- question: the questions of `chat/stackexchange_coffee.csv`, title alone and with body
  (questions about coffee, not software: the kind is in the asking, not the subject).

The model tells these three apart only: whether a message is a request at all is read
from cues (analysis/kinds.py), not learnt from these files, where every text is one.

The model: softmax regression on the features of analysis/kinds.py (present or not,
each text's known features scaled to a unit vector), features seen in at least
MIN_DOCUMENTS training texts, L2-penalised, fitted by full-batch Adam for a fixed number
of steps: no randomness, so the same data gives the same file
byte for byte (`--check` retrains and compares).
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

from analysis import sentiment
from analysis.adam import Adam
from analysis.kinds import BUG, FEATURE, KINDS, MODEL_KINDS, QUESTION, KindModel, features

MIN_DOCUMENTS = 2
PENALTY = 5e-6  # L2, per text (scikit-learn's C = 1 / (PENALTY * texts) ≈ 30)
STEPS = 800
LEARNING_RATE = 0.05
ISSUES_TRAIN = "feedback/nlbse24_issues_train.csv"
ISSUES_TEST = "feedback/nlbse24_issues_test.csv"
QA = "chat/stackexchange_coffee.csv"
ISSUE_KINDS = {"bug": BUG, "feature": FEATURE, "question": QUESTION}


@dataclass(frozen=True)
class Example:
    text: str
    kind: str
    source: str  # the file, and for issue reports the project ("nlbse:react")


def issue_reports(data: Path, name: str) -> list[Example]:
    csv.field_size_limit(1 << 30)  # some bodies are longer than csv's default limit
    with open(data / name, encoding="utf-8", newline="") as handle:
        return [
            Example(f"{row['title']}\n{row['body']}", ISSUE_KINDS[row["label"]], row["repo"])
            for row in csv.DictReader(handle)
        ]


def titles_alone(reports: list[Example]) -> list[Example]:
    return [Example(r.text.split("\n", 1)[0], r.kind, r.source) for r in reports]


def questions(data: Path) -> list[Example]:
    """The Q&A site's questions, each as its title and as title and body."""
    found = []
    with open(data / QA, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["post_type"] == "question":
                found.append(Example(row["title"], QUESTION, QA))
                found.append(Example(f"{row['title']}\n{row['text']}", QUESTION, QA))
    return found


class Matrix:
    """Texts' features as a sparse matrix of (row, column, value) triples, each row a
    unit vector over the features of `vocabulary`."""

    def __init__(self, texts: list[str], vocabulary: dict[str, int]):
        rows, columns = [], []
        for row, text in enumerate(texts):
            for feature in features(text):
                column = vocabulary.get(feature)
                if column is not None:
                    rows.append(row)
                    columns.append(column)
        self.rows = np.array(rows, dtype=np.int64)
        self.columns = np.array(columns, dtype=np.int64)
        per_row = np.bincount(self.rows, minlength=len(texts))
        self.values = 1 / np.sqrt(per_row[self.rows])
        self.count = len(texts)

    def times(self, weights: np.ndarray) -> np.ndarray:
        """(texts × kinds) = this matrix @ weights (features × kinds)."""
        out = np.zeros((self.count, weights.shape[1]))
        contribution = weights[self.columns] * self.values[:, None]
        for kind in range(weights.shape[1]):
            out[:, kind] = np.bincount(
                self.rows, weights=contribution[:, kind], minlength=self.count
            )
        return out

    def transposed_times(self, errors: np.ndarray, n_features: int) -> np.ndarray:
        contribution = errors[self.rows] * self.values[:, None]
        return np.stack(
            [
                np.bincount(self.columns, weights=contribution[:, kind], minlength=n_features)
                for kind in range(errors.shape[1])
            ],
            axis=1,
        )


def vocabulary_of(texts: list[str]) -> dict[str, int]:
    """Features in at least MIN_DOCUMENTS of `texts`, numbered in order of first use."""
    seen: dict[str, int] = {}
    for text in texts:
        for feature in features(text):
            seen[feature] = seen.get(feature, 0) + 1
    return {
        feature: index
        for index, feature in enumerate(f for f, n in seen.items() if n >= MIN_DOCUMENTS)
    }


@dataclass(frozen=True)
class Fitted:
    vocabulary: dict[str, int]
    weights: np.ndarray  # features × MODEL_KINDS
    bias: np.ndarray

    def as_model(self) -> KindModel:
        weights = {f: [float(w) for w in self.weights[i]] for f, i in self.vocabulary.items()}
        return KindModel(MODEL_KINDS, weights, [float(b) for b in self.bias], {})

    def probabilities(self, texts: list[str]) -> np.ndarray:
        scores = Matrix(texts, self.vocabulary).times(self.weights) + self.bias
        scores -= scores.max(axis=1, keepdims=True)
        exps = np.exp(scores)
        return exps / exps.sum(axis=1, keepdims=True)


def fit(examples: list[Example]) -> Fitted:
    texts = [example.text for example in examples]
    vocabulary = vocabulary_of(texts)
    matrix = Matrix(texts, vocabulary)
    wanted = np.zeros((len(examples), len(MODEL_KINDS)))
    wanted[np.arange(len(examples)), [MODEL_KINDS.index(e.kind) for e in examples]] = 1
    n_features = len(vocabulary)
    weights, bias = np.zeros((n_features, len(MODEL_KINDS))), np.zeros(len(MODEL_KINDS))
    adam = Adam((n_features + 1, len(MODEL_KINDS)), LEARNING_RATE)
    for _ in range(STEPS):
        scores = matrix.times(weights) + bias
        scores -= scores.max(axis=1, keepdims=True)
        exps = np.exp(scores)
        errors = exps / exps.sum(axis=1, keepdims=True) - wanted
        gradient = np.vstack(
            [
                matrix.transposed_times(errors, n_features) / len(examples) + PENALTY * weights,
                errors.mean(axis=0),
            ]
        )
        change = adam.change(gradient)
        weights -= change[:-1]
        bias -= change[-1]
    return Fitted(vocabulary, weights, bias)


def macro_f1(wanted: list[str], found: list[str], kinds: tuple[str, ...]) -> float:
    scores = []
    for kind in kinds:
        hits = sum(w == kind and f == kind for w, f in zip(wanted, found, strict=True))
        predicted, actual = found.count(kind), wanted.count(kind)
        precision = hits / predicted if predicted else 0.0
        recall = hits / actual if actual else 0.0
        scores.append(2 * precision * recall / (precision + recall) if hits else 0.0)
    return float(np.mean(scores))


def model_readings(fitted: Fitted, examples: list[Example]) -> list[str]:
    """The likeliest of the model's kinds for each text, cues and tone left out."""
    probabilities = fitted.probabilities([example.text for example in examples])
    return [MODEL_KINDS[i] for i in probabilities.argmax(axis=1)]


def product_readings(fitted: Fitted, examples: list[Example]) -> list[str]:
    """The kind the product gives each text: cues, the model, and tone."""
    reader = fitted.as_model()
    return [reader.read(e.text, sentiment.analyse(e.text).compound).kind for e in examples]


def figures(data: Path) -> dict[str, float]:
    """Macro-F1 on the issue reports' test file (never trained on), by the model alone
    and by the product's whole reading (cues and tone can call a report "other"); leave
    one project out (trained without a project's reports, tested on its test reports);
    and on the hand-labelled chat messages of tests/fixtures/kinds/."""
    train, test = issue_reports(data, ISSUES_TRAIN), issue_reports(data, ISSUES_TEST)
    asked = questions(data)
    fitted = fit(examples_of(train, asked))
    wanted = [report.kind for report in test]
    found = {
        "issues_test_macro_f1": macro_f1(wanted, model_readings(fitted, test), MODEL_KINDS),
        "issues_test_macro_f1_product": macro_f1(
            wanted, product_readings(fitted, test), MODEL_KINDS
        ),
    }
    chat = labelled_chat(data)
    chat_found = product_readings(fitted, chat)
    chat_wanted = [example.kind for example in chat]
    found["chat_accuracy"] = float(np.mean(np.array(chat_wanted) == np.array(chat_found)))
    found["chat_macro_f1"] = macro_f1(chat_wanted, chat_found, KINDS)
    pooled_wanted, pooled_found = [], []
    for project in sorted({report.source for report in train}):
        kept = [report for report in train if report.source != project]
        held = [report for report in test if report.source == project]
        readings = model_readings(fit(examples_of(kept, asked)), held)
        pooled_wanted += [report.kind for report in held]
        pooled_found += readings
        found[f"leave_out_{project.split('/')[-1]}"] = macro_f1(
            [report.kind for report in held], readings, MODEL_KINDS
        )
    found["leave_one_project_out"] = macro_f1(pooled_wanted, pooled_found, MODEL_KINDS)
    return {name: round(value, 4) for name, value in found.items()}


def examples_of(reports: list[Example], asked: list[Example]) -> list[Example]:
    return reports + titles_alone(reports) + asked


def data_hashes(data: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((data / name).read_bytes()).hexdigest() for name in (ISSUES_TRAIN, QA)
    }


def build(data: Path) -> tuple[bytes, dict[str, float]]:
    """(the model file's bytes, the figures it carries)."""
    measured = figures(data)
    fitted = fit(examples_of(issue_reports(data, ISSUES_TRAIN), questions(data)))
    stored = {
        "kinds": list(MODEL_KINDS),
        "bias": [round(float(b), 4) for b in fitted.bias],
        "weights": {
            feature: [round(float(w), 4) for w in fitted.weights[index]]
            for feature, index in fitted.vocabulary.items()
        },
        "data": data_hashes(data),
        "settings": {
            "min_documents": MIN_DOCUMENTS,
            "penalty": PENALTY,
            "steps": STEPS,
            "learning_rate": LEARNING_RATE,
        },
        "figures": measured,
    }
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as handle:
        handle.write(json.dumps(stored, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return buffer.getvalue(), measured


CHAT_LABELS = Path(__file__).resolve().parents[2] / "tests/fixtures/kinds/chat_sample_labels.csv"
CHAT_FILES = {
    "ubuntu_irc": ("chat/ubuntu_irc_sample.csv", ("file_id", "line_idx")),
    "matrix": ("chat/matrix_array_languages.csv", ("message_id",)),
}


def labelled_chat(data: Path, labels: Path = CHAT_LABELS) -> list[Example]:
    """The hand-labelled chat messages (tests/fixtures/kinds/): their texts read from
    `data` by id, in the order of the labels file."""
    with open(labels, encoding="utf-8", newline="") as handle:
        wanted = list(csv.DictReader(handle))
    texts: dict[tuple[str, str], str] = {}
    for source, (name, key_columns) in CHAT_FILES.items():
        ids = {row["id"] for row in wanted if row["source"] == source}
        with open(data / name, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = ":".join(row[column] for column in key_columns)
                if key in ids:
                    texts[source, key] = row["text"]
    return [Example(texts[row["source"], row["id"]], row["kind"], row["source"]) for row in wanted]
