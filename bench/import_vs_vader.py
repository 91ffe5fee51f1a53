"""Import speed against VADER alone (issue 20), measured side by side in one run: a CSV of
real chat text (every message of the chat logs in ../shared/data/chat, cycled and
re-timed over 30 days, their real authors) imported by `ecg import` into a fresh SQLite
file in one child process (CPU time: parse, language, sentiment, kinds, topics, writes,
rollups), against VADER's `polarity_scores` alone on the same texts in this process.

    python bench/import_vs_vader.py [--messages 200000] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT_COLUMNS = {"matrix": "author_name", "stackexchange": "owner_user_id", "ubuntu": "nick"}


def chat_rows(data: Path) -> list[tuple[str, str]]:
    """(author, text) of every message of the chat logs."""
    rows = []
    for log in sorted((data / "chat").glob("*.csv")):
        author = next(column for key, column in TEXT_COLUMNS.items() if log.name.startswith(key))
        with open(log, encoding="utf-8") as handle:
            found = csv.DictReader(handle)
            rows += [(row[author] or "someone", row["text"] or "") for row in found]
    return [(author, text) for author, text in rows if text.strip()]


def write_export(path: Path, rows: list[tuple[str, str]], messages: int) -> list[str]:
    """A CSV of `messages` rows cycling through `rows` over 30 days; returns the texts."""
    start = datetime(2026, 10, 1, tzinfo=UTC)
    step = timedelta(days=30) / messages
    texts = []
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "timestamp", "author", "channel", "text"])
        for n in range(messages):
            author, text = rows[n % len(rows)]
            at = (start + n * step).isoformat()
            out.writerow([f"m{n}", at, author, f"channel-{n % 7}", text])
            texts.append(text)
    return texts


def main() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "chat.csv"
        texts = write_export(export, chat_rows(args.data), args.messages)
        environment = dict(os.environ, ECG_DATABASE_URL=f"sqlite:///{Path(folder) / 'ecg.db'}")
        command = [str(ROOT / ".venv" / "bin" / "ecg"), "import", str(export)]
        command += ["--map", "timestamp=timestamp", "--map", "author=author"]
        command += ["--map", "text=text", "--map", "channel=channel", "--map", "id=id"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run(command, env=environment, check=True, capture_output=True)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        import_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        peak = after.ru_maxrss / 1024
    vader = SentimentIntensityAnalyzer()
    start = time.process_time()
    for text in texts:
        vader.polarity_scores(text)
    vader_cpu = time.process_time() - start
    import_rate, vader_rate = args.messages / import_cpu, args.messages / vader_cpu
    print(f"{args.messages:,} messages of real chat text")
    print(f"ecg import (child, CPU): {import_rate:>9,.0f} messages/s  ({import_cpu:.1f} s CPU, "
          f"{wall:.1f} s wall, peak RSS {peak:.0f} MB)")  # fmt: skip
    print(f"VADER polarity_scores alone: {vader_rate:>9,.0f} messages/s  ({vader_cpu:.1f} s CPU)")
    print(f"import / VADER: {import_rate / vader_rate:.2f}x")


if __name__ == "__main__":
    main()
