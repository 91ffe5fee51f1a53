"""Topic discovery: group messages into suggested topics without rules, each with a
readable name and the keywords a topic rule would take. How, in docs/discovery.md:

1. Every message gets two vectors. Its words: TF-IDF over English words (stopwords out)
   and Chinese characters and character pairs, reduced by LSA (a truncated SVD) to
   LSA_DIMENSIONS. Its meaning: the average of its word pieces' static vectors
   (analysis/word_vectors.py, distilled from a sentence model), weighted by how rare
   each piece is in the messages at hand, so "laptop" and "notebook computer" meet.
   The two, each of length 1, are joined, the meaning weighing more in a small set
   (`meaning_share`); in a mostly Chinese set the meaning is left out (the model reads
   Chinese poorly).
2. k-means (k-means++ seeds, the best of N_INIT runs on a sample, then run to the end on
   all) groups the vectors. Without a
   given k, it tries K_RANGE on a sample and takes the knee of the cost curve.
3. Each cluster is named by its top terms by class-based TF-IDF (a term frequent in the
   cluster and rare elsewhere), which are also the keywords it would become.

Deterministic: a fixed seed, the same messages give the same clusters.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import svds

from analysis.chinese import han_runs, to_simplified
from analysis.word_vectors import word_vectors

LSA_DIMENSIONS = 100
# The meaning's share of the joined vector's squared length: most for a few thousand
# messages, whose word counts say little, least from ten thousand on, where the words'
# own co-occurrence (LSA) has learnt more (measured on the search snippets, whole and
# a sixth; docs/discovery.md).
MEANING_SHARE_FEW, MEANING_SHARE_MANY = 0.7, 0.3
FEW_MESSAGES, MANY_MESSAGES = 2_000, 10_000
N_INIT = 20
SEED_SAMPLE = 3000  # points the k-means runs are seeded and compared on
FINISHED_RUNS = 3
MAX_ITERATIONS = 100
K_RANGE = range(2, 21)
K_SAMPLE = 2000  # messages the choice of k is made on
SWEEP_RUNS = 2  # k-means runs for each k tried
NAME_TERMS = 3
KEYWORDS = 8
SEED = 20261206
MIN_DOCUMENTS = 2  # a term in fewer messages is left out of the word vector

ENGLISH_STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing don down during
    each few for from further had has have having he her here hers herself him himself
    his how i if in into is it its itself just me more most my myself no nor not now of
    off on once only or other our ours ourselves out over own same she should so some
    such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves im ive dont doesnt didnt cant
    isnt thats whats its u ur get got also like one would could yes yeah ok okay lol
    http https www com oh ah hmm hm yep nope well really even still maybe actually
    something anything thing things way lot lots much many since think know want see
    say said make made go going gonna wanna sure though already quite pretty right
    there's let let's i'm i've i'd i'll you're they're we're isn't aren't wasn't can't
    won't doesn't didn't don't that's it's what's thanks thank please hi hello hey
    ll ve re""".split()
)
CHINESE_STOPWORDS = frozenset(
    "的 了 是 在 我 你 他 她 它 们 这 那 和 与 及 也 都 就 而 又 吗 呢 吧 啊 着 之".split()
)
# function words of two characters: pronouns, conjunctions, adverbs of degree and time,
# the commonest verbs of saying and thinking (they named chat clusters "没有, 什么, 一个")
CHINESE_STOP_PAIRS = frozenset(
    """没有 什么 一个 一下 一些 一样 一直 一般 我们 你们 他们 她们 它们 大家 自己 这个 那个
    这样 那样 这么 那么 怎么 为什么 就是 但是 可是 还是 不是 而且 因为 所以 如果 虽然 然后
    已经 还有 现在 时候 知道 觉得 感觉 可以 可能 应该 非常 有点 真的 其实 不过 只是 或者 以后
    以前 一点 的话 这里 那里 这些 那些 有些 所有 每个 这种 那种""".split()
)
_ENGLISH_WORD = re.compile(r"[a-z][a-z0-9+#-]*[a-z0-9+#]")  # two characters or more


def terms(text: str) -> list[str]:
    """The terms of `text`: lower-case English words of two letters or more that are not
    stopwords (an apostrophe ends a word: "that's" is "that"), and every
    Chinese character and pair of characters (folded to Simplified) that is not a
    function word."""
    lower = text.lower()
    found = [w for w in _ENGLISH_WORD.findall(lower) if w not in ENGLISH_STOPWORDS]
    for run in han_runs(to_simplified(lower)):
        found.extend(ch for ch in run if ch not in CHINESE_STOPWORDS)
        pairs = (run[i : i + 2] for i in range(len(run) - 1))
        found.extend(pair for pair in pairs if pair not in CHINESE_STOP_PAIRS)
    return found


@dataclass(frozen=True)
class Cluster:
    number: int
    name: str  # its top terms, "term, term, term"
    keywords: tuple[str, ...]  # what a topic rule made from it would match
    members: np.ndarray  # indices of its messages, nearest the centre first

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Discovery:
    labels: np.ndarray  # the cluster number of each message
    clusters: list[Cluster]  # largest first
    k_given: bool
    costs: dict[int, float]  # k -> k-means cost on the sample, scaled 1..0, when k was chosen


class TermMatrix:
    """Term counts of each message (rows) as a sparse matrix over `terms`."""

    def __init__(self, texts: Sequence[str]):
        index: dict[str, int] = {}
        rows, columns = [], []
        for row, text in enumerate(texts):
            for term in terms(text):
                rows.append(row)
                columns.append(index.setdefault(term, len(index)))
        ones = np.ones(len(rows))
        self.counts = sparse.csr_matrix(
            (ones, (rows, columns)), shape=(len(texts), len(index))
        )  # duplicates summed
        self.terms = list(index)

    def tfidf(self) -> sparse.csr_matrix:
        """Sublinear TF-IDF of the terms in at least MIN_DOCUMENTS messages, rows of
        length 1 (a message with none keeps a row of zeros)."""
        present = (self.counts > 0).astype(np.float64)
        documents = np.asarray(present.sum(axis=0)).ravel()
        kept = documents >= MIN_DOCUMENTS
        n = self.counts.shape[0]
        idf = np.where(kept, np.log((1 + n) / (1 + documents)) + 1, 0.0)
        weighted = self.counts.copy()
        weighted.data = 1 + np.log(weighted.data)
        weighted = weighted @ sparse.diags(idf)
        return _unit_rows(weighted.tocsr())


def _unit_rows(matrix):
    if sparse.issparse(matrix):
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        return sparse.diags(1 / np.where(norms > 0, norms, 1)) @ matrix
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1)


def lsa(tfidf: sparse.csr_matrix, dimensions: int) -> np.ndarray:
    """The rows of `tfidf` in its top `dimensions` singular directions (ARPACK's
    truncated SVD from a fixed start: the same matrix, the same result), rows of
    length 1."""
    dimensions = max(1, min(dimensions, min(tfidf.shape) - 1))
    start = np.full(min(tfidf.shape), 1 / math.sqrt(min(tfidf.shape)))
    left, values, _ = svds(tfidf, k=dimensions, v0=start)
    return _unit_rows(left * values)


def meaning_vectors(texts: Sequence[str]) -> np.ndarray:
    """Each text's word pieces' static vectors averaged, each piece weighted by its IDF
    among `texts`, centred over the texts, rows of length 1 (zeros: no known piece)."""
    vectors = word_vectors()
    pieces = [vectors.pieces(text) for text in texts]
    documents = Counter(p for row in pieces for p in set(row))
    n = len(texts)
    out = np.zeros((n, vectors.matrix.shape[1]))
    for row, found in enumerate(pieces):
        if found:
            weights = np.array([math.log((1 + n) / (1 + documents[p])) + 1 for p in found])
            out[row] = weights @ vectors.matrix[found] / weights.sum()
    known = np.any(out != 0, axis=1)
    if known.any():
        out[known] -= out[known].mean(axis=0)
    return _unit_rows(out)


def mostly_chinese(texts: Sequence[str]) -> bool:
    return sum(bool(han_runs(text)) for text in texts) > len(texts) / 2


def embedded(texts: Sequence[str], tfidf: sparse.csr_matrix) -> np.ndarray:
    words = lsa(tfidf, LSA_DIMENSIONS)
    if mostly_chinese(texts):
        return words
    share = meaning_share(len(texts))
    return np.hstack([words * math.sqrt(1 - share), meaning_vectors(texts) * math.sqrt(share)])


def meaning_share(messages: int) -> float:
    """MEANING_SHARE_FEW up to FEW_MESSAGES, MEANING_SHARE_MANY from MANY_MESSAGES on,
    straight between in the logarithm of the number of messages."""
    position = math.log(max(messages, 1) / FEW_MESSAGES) / math.log(MANY_MESSAGES / FEW_MESSAGES)
    position = min(max(position, 0.0), 1.0)
    return MEANING_SHARE_FEW + (MEANING_SHARE_MANY - MEANING_SHARE_FEW) * position


def kmeans(
    points: np.ndarray, k: int, rng: np.random.Generator, runs: int | None = None
) -> tuple[np.ndarray, float]:
    """(labels, inertia): the best of `runs` (N_INIT) runs of Lloyd's algorithm from
    k-means++ seeds, made on a sample of at most SEED_SAMPLE points; the FINISHED_RUNS
    best of them are run on to the end on all points, and the best of those kept."""
    sample = points
    if len(points) > SEED_SAMPLE:
        sample = points[rng.choice(len(points), SEED_SAMPLE, replace=False)]
    squared = (sample**2).sum(axis=1)
    seeded = []
    for _ in range(runs or N_INIT):
        centres, _, inertia = _lloyd(sample, _plus_plus(sample, squared, k, rng))
        seeded.append((inertia, len(seeded), centres))
    best_labels, best_inertia = None, math.inf
    for _, _, centres in sorted(seeded, key=lambda run: run[:2])[:FINISHED_RUNS]:
        _, labels, inertia = _lloyd(points, centres)
        if inertia < best_inertia:
            best_labels, best_inertia = labels, inertia
    return best_labels, best_inertia


def _lloyd(points: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Lloyd's iterations from `centres` until no point moves: (centres, labels,
    inertia)."""
    centres = centres.copy()
    squared = (points**2).sum(axis=1)
    labels = np.full(len(points), -1)
    for _ in range(MAX_ITERATIONS):
        distances = squared[:, None] - 2 * points @ centres.T + (centres**2).sum(axis=1)
        new_labels = distances.argmin(axis=1)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for c in range(len(centres)):
            members = points[labels == c]
            # an empty cluster restarts at the point farthest from its centre
            centres[c] = (
                members.mean(axis=0) if len(members) else points[distances.min(axis=1).argmax()]
            )
    inertia = float(np.clip(distances[np.arange(len(points)), labels], 0, None).sum())
    return centres, labels, inertia


def _plus_plus(points, squared, k, rng) -> np.ndarray:
    centres = [points[rng.integers(len(points))]]
    nearest = np.full(len(points), np.inf)
    for _ in range(1, k):
        last = centres[-1]
        nearest = np.minimum(nearest, squared - 2 * points @ last + last @ last)
        weights = np.clip(nearest, 0, None)
        total = weights.sum()
        chosen = (
            rng.choice(len(points), p=weights / total) if total > 0 else rng.integers(len(points))
        )
        centres.append(points[chosen])
    return np.array(centres, dtype=np.float64)


def chosen_k(points: np.ndarray, rng: np.random.Generator) -> tuple[int, dict[int, float]]:
    """The k of K_RANGE at the knee of the k-means cost curve on a sample of at most
    K_SAMPLE points ("kneedle": the cost, scaled to 1..0 over K_RANGE, lies farthest
    below the straight line from its first to its last value): past it, another
    cluster buys little. Returns (k, the scaled cost of each k)."""
    sample = points
    if len(points) > K_SAMPLE:
        sample = points[rng.choice(len(points), K_SAMPLE, replace=False)]
    ks = [k for k in K_RANGE if k < len(sample)]
    if len(ks) < 3:
        return max(1, min(len(sample) - 1, K_RANGE.start)), {}
    costs = np.array([kmeans(sample, k, rng, runs=SWEEP_RUNS)[1] for k in ks])
    spread = costs[0] - costs[-1]
    scaled = (costs - costs[-1]) / spread if spread > 0 else np.zeros(len(ks))
    position = (np.array(ks) - ks[0]) / (ks[-1] - ks[0])
    below_the_line = (1 - position) - scaled
    chosen = ks[int(np.argmax(below_the_line))]
    return chosen, {k: round(float(c), 4) for k, c in zip(ks, scaled, strict=True)}


def named(matrix: TermMatrix, labels: np.ndarray, k: int) -> list[tuple[str, tuple[str, ...]]]:
    """(name, keywords) of each cluster, by class-based TF-IDF: a term's share of its
    cluster's terms times log(1 + average terms per cluster / the term's count in all)."""
    membership = sparse.csr_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels))
    )
    per_cluster = np.asarray((membership @ matrix.counts).todense())
    totals = per_cluster.sum(axis=0)
    average = per_cluster.sum() / k
    with np.errstate(divide="ignore", invalid="ignore"):
        share = per_cluster / np.maximum(per_cluster.sum(axis=1, keepdims=True), 1)
        scores = share * np.log(1 + average / np.where(totals > 0, totals, np.inf))
    results = []
    for c in range(k):
        keywords: list[str] = []
        for i in np.argsort(-scores[c], kind="stable"):
            if len(keywords) == KEYWORDS:
                break
            if per_cluster[c, i] >= 2 and _can_be_a_keyword(matrix.terms[i]):
                keywords.append(matrix.terms[i])
        name = ", ".join(keywords[:NAME_TERMS]) or f"cluster {c + 1}"
        results.append((name, tuple(keywords)))
    return results


def _can_be_a_keyword(term: str) -> bool:
    """Not a single Chinese character: too vague for a name or a keyword (机 would match
    手机, 机场 and 机会)."""
    return len(term) > 1 or term.isascii()


def discover(texts: Sequence[str], k: int | None = None) -> Discovery:
    """Cluster `texts` into k suggested topics (k chosen when None)."""
    if not texts:
        raise ValueError("no texts to discover topics in")
    rng = np.random.default_rng(SEED)
    matrix = TermMatrix(texts)
    points = embedded(texts, matrix.tfidf())
    costs: dict[int, float] = {}
    if k is None:
        k, costs = chosen_k(points, rng)
    k = max(1, min(k, len(texts)))
    labels, _ = kmeans(points, k, rng)
    labels = _numbered_by_size(labels, k)
    names = named(matrix, labels, k)
    clusters = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        centre = points[members].mean(axis=0)
        nearest_first = members[np.argsort(-(points[members] @ centre), kind="stable")]
        clusters.append(Cluster(c, names[c][0], names[c][1], nearest_first))
    return Discovery(labels, clusters, k_given=not costs, costs=costs)


def _numbered_by_size(labels: np.ndarray, k: int) -> np.ndarray:
    """Cluster 0 the largest, then by size (ties by first appearance)."""
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda c: (-sizes[c], c))
    renumber = np.empty(k, dtype=int)
    renumber[order] = np.arange(k)
    return renumber[labels]


def growth(sent_at: Sequence, members: np.ndarray, middle) -> float | None:
    """How much more of the messages a cluster holds after `middle` than before it: its
    share of the later half over its share of the earlier half (2.0: twice the share;
    None: it had none before)."""
    later = np.array([time >= middle for time in sent_at])
    inside = np.zeros(len(sent_at), dtype=bool)
    inside[members] = True
    before, after = (~later).sum(), later.sum()
    if not before or not after or not (inside & ~later).any():
        return None
    share_after = (inside & later).sum() / after
    share_before = (inside & ~later).sum() / before
    return round(float(share_after / share_before), 2)


def mostly_the_same(keywords: Sequence[str], others: Sequence[str]) -> bool:
    """Whether at least half of the shorter of two keyword lists is in the other: a
    suggestion already rejected, or already a topic, found again."""
    mine, theirs = set(keywords), set(others)
    if not mine or not theirs:
        return False
    return len(mine & theirs) >= min(len(mine), len(theirs)) / 2
