"""Topic discovery: how well the clusters match known labels, the k it chooses by
itself, and how long 20,000 real chat messages take (wall time; the machine's cores).

    python bench/discovery.py [--data ../shared/data]

Targets (issue 18): NMI >= 0.60 and matched accuracy >= 0.60 on searchsnippets (k = 8)
and on thucnews_headlines_dev (k = 10); under 30 s for 20,000 messages on two cores.
Published anchors on such sets: k-means on TF-IDF about 0.16 NMI, STC² 0.49, SCCL (a BERT
model) 0.75.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.cluster_scores import matched_accuracy, normalized_mutual_information  # noqa: E402
from analysis.discovery import discover  # noqa: E402


def labelled_sets(data: Path) -> list[tuple[str, list[str], list[str], int]]:
    folder = data / "topics"
    snippets = (folder / "searchsnippets.txt").read_text(encoding="utf-8").splitlines()
    snippet_labels = (folder / "searchsnippets_labels.txt").read_text().split()
    headlines = [
        line.split("\t")
        for line in (folder / "thucnews_headlines_dev.txt").read_text(encoding="utf-8").splitlines()
    ]
    return [
        ("searchsnippets", snippets, snippet_labels, 8),
        ("thucnews headlines", [h for h, _ in headlines], [c for _, c in headlines], 10),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    for name, texts, labels, k in labelled_sets(args.data):
        started = time.perf_counter()
        found = discover(texts, k)
        seconds = time.perf_counter() - started
        print(
            f"{name} ({len(texts):,} texts, k = {k}): "
            f"NMI {normalized_mutual_information(labels, found.labels):.3f}, "
            f"accuracy {matched_accuracy(labels, found.labels):.3f}, {seconds:.1f} s"
        )
        for cluster in found.clusters:
            print(f"    {cluster.size:6,}  {cluster.name}")
        chosen = discover(texts)
        print(
            f"  k chosen by itself: {len(chosen.clusters)}, NMI "
            f"{normalized_mutual_information(labels, chosen.labels):.3f}"
        )
    with open(args.data / "chat" / "matrix_array_languages.csv", encoding="utf-8") as handle:
        chat = [row["text"] for row in csv.DictReader(handle) if row["text"].strip()][:20_000]
    started = time.perf_counter()
    found = discover(chat)
    seconds = time.perf_counter() - started
    print(f"real chat, {len(chat):,} messages, k chosen ({len(found.clusters)}): {seconds:.1f} s")
    for cluster in found.clusters:
        print(f"    {cluster.size:6,}  {cluster.name}")


if __name__ == "__main__":
    main()
