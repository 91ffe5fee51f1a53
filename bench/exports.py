"""Platform exports at scale: a Slack workspace zip and DiscordChatExporter files of
1,000,000 simulated messages each, written here, then imported with `ecg import` into fresh
SQLite databases (one process per run, so its peak RSS is the import's alone).

    python bench/exports.py [--messages 1000000] [--folder /tmp/ecg-bench-exports]

Targets (issue 7): at least 15,000 messages/s and a peak RSS under 600 MB for each.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.simulate import CommunitySpec, SourceSpec, simulate_source  # noqa: E402

DAYS = 30
START = datetime(2026, 9, 1, tzinfo=UTC)
CHANNELS = ("general", "help", "support", "dev", "random", "feedback", "billing", "releases")
AVERAGE_RHYTHM = 0.554


def spec_for(messages: int) -> tuple[CommunitySpec, SourceSpec]:
    source = SourceSpec("bench", "chat", CHANNELS, 1.0)
    rate = messages / (DAYS * 24 * AVERAGE_RHYTHM)
    spec = CommunitySpec(
        seed=5, messages_per_hour=rate, members_per_source=20_000, sources=(source,)
    )
    return spec, source


def simulated(messages: int):
    spec, source = spec_for(messages)
    stream = simulate_source(spec, source, START, START + timedelta(days=DAYS))
    yield from itertools.islice(stream, messages)


def write_discord(messages: int, folder: Path) -> list[Path]:
    """One DiscordChatExporter file per channel."""
    files = {c: (folder / f"discord-{c}.json").open("w") for c in CHANNELS}
    first = dict.fromkeys(CHANNELS, True)
    for channel, out in files.items():
        head = {"guild": {"id": "1", "name": "Bench"}, "channel": {"id": channel, "name": channel}}
        out.write(json.dumps(head)[:-1] + ', "messages": [\n')
    for m in simulated(messages):
        item = {
            "id": m.external_id,
            "type": "Reply" if m.reply_to else "Default",
            "timestamp": m.sent_at.isoformat(),
            "content": m.text,
            "author": {
                "id": m.author_id,
                "name": m.author_name,
                "nickname": None,
                "isBot": m.is_bot,
            },
            "attachments": [],
            "reactions": [],
            "mentions": [],
        }
        if m.reply_to:
            item["reference"] = {"messageId": m.reply_to}
        out = files[m.channel]
        out.write(("" if first[m.channel] else ",\n") + json.dumps(item))
        first[m.channel] = False
    for out in files.values():
        out.write("\n]}\n")
        out.close()
    return [folder / f"discord-{c}.json" for c in CHANNELS]


def write_slack(messages: int, folder: Path) -> Path:
    """A workspace export zip: users.json, channels.json, a file per channel and day."""
    path = folder / "slack-export.zip"
    days: dict[tuple[str, str], list] = {}
    users: dict[str, str] = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        current = None
        for m in simulated(messages):
            day = m.sent_at.strftime("%Y-%m-%d")
            if current is not None and day != current:
                _flush(archive, days)
            current = day
            users[m.author_id] = m.author_name
            ts = f"{m.sent_at.timestamp():.6f}"
            item = {"type": "message", "user": m.author_id, "text": m.text, "ts": ts}
            if m.reply_to:
                item["thread_ts"] = ts  # simulated replies: a thread of their own
            days.setdefault((m.channel, day), []).append(item)
        _flush(archive, days)
        people = [{"id": u, "name": n, "profile": {"display_name": n}} for u, n in users.items()]
        archive.writestr("users.json", json.dumps(people))
        channels = [{"id": c, "name": c} for c in CHANNELS]
        archive.writestr("channels.json", json.dumps(channels))
    return path


def _flush(archive: zipfile.ZipFile, days: dict) -> None:
    for (channel, day), items in days.items():
        archive.writestr(f"{channel}/{day}.json", json.dumps(items))
    days.clear()


def run_import(paths: list[Path], database: Path) -> tuple[float, int]:
    """Import `paths` one after another in one child process; (seconds, peak RSS in MB)."""
    database.unlink(missing_ok=True)
    code = (
        "import resource, sys; from dashboard.cli.main import main\n"
        "for path in sys.argv[1:]:\n"
        "    assert main(['-q', 'import', path, '--community', 'bench']) == 0\n"
        "print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    env = {**os.environ, "ECG_DATABASE_URL": f"sqlite:///{database}"}
    subprocess.run(
        [sys.executable, "-c", "from dashboard.cli.main import main; main(['-q', 'init-db'])"],
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, paths)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    peak_kb = int(done.stdout.split("peak")[-1].split()[0])
    return seconds, peak_kb // 1024


def stored(database: Path) -> int:
    import sqlite3

    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM messages").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/ecg-bench-exports"))
    parser.add_argument("--reuse", action="store_true", help="the exports written last time")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    slack = args.folder / "slack-export.zip"
    discord = [args.folder / f"discord-{c}.json" for c in CHANNELS]
    if not (args.reuse and slack.exists() and all(p.exists() for p in discord)):
        print(f"writing a Slack zip and Discord files of {args.messages:,} messages…")
        slack = write_slack(args.messages, args.folder)
        discord = write_discord(args.messages, args.folder)
    size = sum(p.stat().st_size for p in discord)
    print(f"slack zip {slack.stat().st_size / 1e6:.0f} MB; discord files {size / 1e6:.0f} MB")
    for name, paths in (("Slack", [slack]), ("Discord", discord)):
        database = args.folder / f"{name.lower()}.db"
        seconds, peak = run_import(paths, database)
        count = stored(database)
        print(
            f"{name}: {count:,} messages in {seconds:.1f} s = {count / seconds:,.0f} messages/s "
            f"(target >= 15,000); peak RSS {peak} MB (target < 600 MB)"
        )


if __name__ == "__main__":
    main()
