"""Chinese at speed: the sentiment scorer on real Chinese reviews (CPU time, one core),
and a mixed Chinese-English WeChat group (a WeChatMsg v1 CSV written here from real
reviews and real English chat, with images and system lines between) imported with
`ecg import` into a fresh SQLite database, in one child process (its peak RSS is the
import's alone).

    python bench/chinese.py [--messages 1000000] [--data ../shared/data] [--folder /tmp/...]

Targets (issue 17): scoring >= 10,000 messages/s on one core; the mixed import >= 10,000
messages/s end to end on SQLite; 1M WeChat messages in < 400 MB peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.sentiment import analyse  # noqa: E402
from bench.exports import run_import, stored  # noqa: E402

START = int(datetime(2026, 9, 1, tzinfo=UTC).timestamp())
COLUMNS = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,"
COLUMNS += "Remark,NickName,Sender"


def texts(data: Path) -> tuple[list[str], list[str]]:
    """(Chinese reviews, English chat lines) from the shared data."""
    with open(data / "sentiment_zh" / "waimai_10k.csv", encoding="utf-8") as handle:
        chinese = [row["review"] for row in csv.DictReader(handle) if row["review"].strip()]
    with open(data / "chat" / "matrix_array_languages.csv", encoding="utf-8") as handle:
        english = [row["text"] for row in csv.DictReader(handle) if row["text"].strip()]
    return chinese, english


def scoring_rate(chinese: list[str]) -> float:
    analyse(chinese[0])  # the model loaded
    started = time.process_time()
    for review in chinese:
        analyse(review)
    return len(chinese) / (time.process_time() - started)


def write_wechat(path: Path, messages: int, chinese: list[str], english: list[str]) -> int:
    """A v1 CSV of `messages` rows: 2 Chinese texts to 1 English, every 10th row an
    image and every 200th a join; returns how many are text."""
    mixed = itertools.cycle(
        itertools.chain.from_iterable(zip(chinese, chinese[1:], english, strict=False))
    )
    written = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        handle.write(COLUMNS + "\r\n")
        for n in range(messages):
            at = START + n * 3
            sender = f"wxid_{n * 7919 % 2000}"
            if n % 200 == 199:
                row = [n, 1, 10000, 0, 0, at, 2, f'"成员{n}"加入了群聊', "", "", "", ""]
            elif n % 10 == 9:
                row = [n, 1, 3, 0, 0, at, 2, "", "", "", sender, sender]
            else:
                row = [n, 1, 1, 0, 0, at, 2, next(mixed), "", "", sender, sender]
                written += 1
            out.writerow(row)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/ecg-bench-chinese"))
    args = parser.parse_args()
    chinese, english = texts(args.data)
    print(f"Chinese scoring: {scoring_rate(chinese):,.0f} messages/s on one core "
          f"({len(chinese):,} delivery reviews; target >= 10,000)")  # fmt: skip
    args.folder.mkdir(parents=True, exist_ok=True)
    export = args.folder / "群聊_utf8.csv"
    text_rows = write_wechat(export, args.messages, chinese, english)
    print(f"WeChat v1 CSV: {args.messages:,} rows ({text_rows:,} text, 2 Chinese : 1 English), "
          f"{export.stat().st_size / 1e6:.0f} MB")  # fmt: skip
    database = args.folder / "wechat.db"
    seconds, peak = run_import([export], database)
    count = stored(database)
    print(f"import: {count:,} messages in {seconds:.1f} s = {count / seconds:,.0f} messages/s, "
          f"{args.messages / seconds:,.0f} rows/s (target >= 10,000); peak RSS {peak} MB "
          "(target < 400 MB)")  # fmt: skip


if __name__ == "__main__":
    main()
