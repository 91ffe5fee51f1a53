"""A community's own kind model: the shipped one (analysis/kinds.py) tuned on the
corrections its analysts made, without the shipped training data (which a user's
install does not have).

The tuned weights are the shipped ones plus a change, found by full-batch Adam on the
corrected messages' cross-entropy plus PRIOR_STRENGTH times the squared size of the
change: a Gaussian prior centred on the shipped model, so a few corrections move it
a little and many move it more. Only the model's kinds (question, bug report, feature
request) can be learnt this way: whether a message is a request at all, and praise or
complaint, come from cues and tone. Only features the shipped model knows are tuned,
so a message's features are scaled as the shipped model scales them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.adam import Adam
from analysis.kinds import KindModel, features

PRIOR_STRENGTH = 0.01
STEPS = 200
LEARNING_RATE = 0.05


@dataclass(frozen=True)
class Tuning:
    delta: dict[str, list[float]]  # feature -> change of its weights
    bias_delta: list[float]


def learnable(corrections: Sequence[tuple[str, str]], model: KindModel) -> list[tuple[str, str]]:
    """The (text, kind) corrections the model can learn: those to one of its kinds."""
    return [(text, kind) for text, kind in corrections if kind in model.kinds]


def tune(model: KindModel, examples: Sequence[tuple[str, str]]) -> Tuning:
    """The change of the model's weights that fits `examples` (text, kind) under the
    prior; no change for no examples."""
    if not examples:
        return Tuning({}, [0.0] * len(model.kinds))
    index: dict[str, int] = {}
    rows, columns, values = [], [], []
    for row, (text, _) in enumerate(examples):
        known = [f for f in features(text) if f in model.weights]
        for feature in known:
            rows.append(row)
            columns.append(index.setdefault(feature, len(index)))
            values.append(1 / math.sqrt(len(known)))
    base = np.array([model.weights[f] for f in index]).reshape(len(index), len(model.kinds))
    rows_, columns_, values_ = np.array(rows, int), np.array(columns, int), np.array(values)
    wanted = np.zeros((len(examples), len(model.kinds)))
    wanted[np.arange(len(examples)), [model.kinds.index(k) for _, k in examples]] = 1
    delta = np.zeros_like(base)
    bias = np.array(model.bias, dtype=float)
    bias_delta = np.zeros(len(model.kinds))
    adam = Adam((len(index) + 1, len(model.kinds)), LEARNING_RATE)
    for _ in range(STEPS):
        weights = base + delta
        scores = np.tile(bias + bias_delta, (len(examples), 1))
        np.add.at(scores, rows_, weights[columns_] * values_[:, None])
        scores -= scores.max(axis=1, keepdims=True)
        exps = np.exp(scores)
        errors = exps / exps.sum(axis=1, keepdims=True) - wanted
        gradient = np.zeros_like(delta)
        np.add.at(gradient, columns_, errors[rows_] * values_[:, None])
        gradient = gradient / len(examples) + 2 * PRIOR_STRENGTH * delta
        full = np.vstack([gradient, errors.mean(axis=0) + 2 * PRIOR_STRENGTH * bias_delta])
        change = adam.change(full)
        delta -= change[:-1]
        bias_delta -= change[-1]
    rounded = {f: [round(float(v), 4) for v in delta[i]] for f, i in index.items()}
    return Tuning(rounded, [round(float(v), 4) for v in bias_delta])


def tuned_model(model: KindModel, tuning: Tuning) -> KindModel:
    weights = dict(model.weights)
    for feature, change in tuning.delta.items():
        weights[feature] = [w + d for w, d in zip(model.weights[feature], change, strict=True)]
    bias = [b + d for b, d in zip(model.bias, tuning.bias_delta, strict=True)]
    return KindModel(model.kinds, weights, bias, model.data)


def model_kind(model: KindModel, text: str) -> str:
    """The likeliest of the model's kinds for `text` (cues and tone left out)."""
    probabilities = model.probabilities(text)
    return model.kinds[max(range(len(probabilities)), key=probabilities.__getitem__)]


def before_and_after(model: KindModel, examples: Sequence[tuple[str, str]]) -> tuple[float, float]:
    """(accuracy of the shipped model on the corrected messages, accuracy of a model
    tuned on all the others, each message left out in turn): how much the tuning helps
    on messages it has not seen."""
    if not examples:
        return math.nan, math.nan
    before = np.mean([model_kind(model, text) == kind for text, kind in examples])
    right = 0
    for left_out in range(len(examples)):
        others = [e for n, e in enumerate(examples) if n != left_out]
        text, kind = examples[left_out]
        right += model_kind(tuned_model(model, tune(model, others)), text) == kind
    return float(before), right / len(examples)
