"""How well clusters match known labels: normalised mutual information and accuracy
after the best one-to-one matching of clusters to labels (how short-text clustering is
scored in the literature: STC², SCCL)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment


def _table(labels: Sequence, clusters: Sequence) -> np.ndarray:
    _, label_index = np.unique(np.asarray(labels), return_inverse=True)
    _, cluster_index = np.unique(np.asarray(clusters), return_inverse=True)
    table = np.zeros((label_index.max() + 1, cluster_index.max() + 1))
    np.add.at(table, (label_index, cluster_index), 1)
    return table


def normalized_mutual_information(labels: Sequence, clusters: Sequence) -> float:
    """I(labels; clusters) / the arithmetic mean of their entropies (scikit-learn's
    default normalisation)."""
    table = _table(labels, clusters)
    joint = table / table.sum()
    rows, columns = joint.sum(axis=1), joint.sum(axis=0)
    inside = joint > 0
    mutual = (joint[inside] * np.log(joint[inside] / np.outer(rows, columns)[inside])).sum()
    entropy_rows = -(rows[rows > 0] * np.log(rows[rows > 0])).sum()
    entropy_columns = -(columns[columns > 0] * np.log(columns[columns > 0])).sum()
    mean = (entropy_rows + entropy_columns) / 2
    return float(mutual / mean) if mean > 0 else 1.0


def matched_accuracy(labels: Sequence, clusters: Sequence) -> float:
    """The share of items whose cluster is matched to their label, clusters matched to
    labels one to one so as to make that share largest (the Hungarian method)."""
    table = _table(labels, clusters)
    rows, columns = linear_sum_assignment(-table)
    return float(table[rows, columns].sum() / table.sum())
