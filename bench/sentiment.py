"""English sentiment against people: Pearson r of the compound score with the mean human
rating, per file of VADER's own ground-truth sets (../shared/data/sentiment_en), for
plain VADER and for the product's (VADER plus analysis/community_lexicon.py); and how
many messages of the real chat logs the community words reach; then speed, in CPU time on
one core: VADER's `polarity_scores` alone against the product's English scorer
(analysis.vader.compound) and its whole reading of a message's sentiment
(analysis.sentiment.analyse: language, then the score), on every message of the chat logs.

    python bench/sentiment.py [--data ../shared/data]   (from a checkout's root)
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.community_lexicon import COMMUNITY_LEXICON  # noqa: E402
from analysis.sentiment import analyse  # noqa: E402

GROUND_TRUTH = ("amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets")


def rated(path: Path) -> tuple[list[str], list[float]]:
    """(texts, mean ratings) of a tab-separated `id, rating, text` file."""
    texts, ratings = [], []
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        for line in handle:
            parts = line.rstrip("\r\n").split("\t", 2)
            if len(parts) == 3:
                texts.append(parts[2])
                ratings.append(float(parts[1]))
    return texts, ratings


def main() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    plain = SentimentIntensityAnalyzer()
    print(f"{'file':<22} {'texts':>6} {'r plain VADER':>14} {'r ours':>8} {'change':>8}")
    for name in GROUND_TRUTH:
        texts, ratings = rated(args.data / "sentiment_en" / f"{name}_GroundTruth.txt")
        before = [plain.polarity_scores(t)["compound"] for t in texts]
        after = [analyse(t).compound or 0.0 for t in texts]
        r_before = np.corrcoef(before, ratings)[0, 1]
        r_after = np.corrcoef(after, ratings)[0, 1]
        print(
            f"{name:<22} {len(texts):>6} {r_before:>14.4f} {r_after:>8.4f} "
            f"{r_after - r_before:>+8.4f}"
        )
    for log in sorted((args.data / "chat").glob("*.csv")):
        with open(log, encoding="utf-8") as handle:
            texts = [row.get("text") or "" for row in csv.DictReader(handle)]
        reached = sum(
            any(word in COMMUNITY_LEXICON for word in re.findall(r"[a-z']+", text.lower()))
            for text in texts
        )
        print(f"{log.name}: {reached:,} of {len(texts):,} messages hold a community word")
    speeds(args.data, plain)


def cpu_rate(score, texts: list[str], rounds: int = 3) -> float:
    """Messages a second of `score` over `texts`, in CPU time, the best of `rounds`."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for text in texts:
            score(text)
        best = min(best, time.process_time() - start)
    return len(texts) / best


def speeds(data: Path, plain) -> None:
    from analysis import vader

    texts = []
    for log in sorted((data / "chat").glob("*.csv")):
        with open(log, encoding="utf-8") as handle:
            texts += [row.get("text") or "" for row in csv.DictReader(handle)]
    vader.compound("warm up")
    rates = {
        "VADER polarity_scores alone": cpu_rate(plain.polarity_scores, texts),
        "the product's English scorer": cpu_rate(vader.compound, texts),
        "language and score (analyse)": cpu_rate(analyse, texts),
    }
    reference = rates["VADER polarity_scores alone"]
    print(f"speed on {len(texts):,} chat messages (CPU, one core):")
    for name, rate in rates.items():
        print(f"  {name:<32} {rate:>10,.0f} messages/s  {rate / reference:>5.2f}x VADER")


if __name__ == "__main__":
    main()
