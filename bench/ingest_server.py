"""`ecg ingest-server` under load: 20 concurrent clients on loopback post batches of
messages for a while; sustained messages/s, request latency median and p99, and a count of
what was stored against what was sent.

    python bench/ingest_server.py [--clients 20] [--seconds 30] [--batch 50] [--database URL]

--database: an empty database (default: a new SQLite file).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from dashboard.communities import prepare_community  # noqa: E402
from data_access.db import make_engine  # noqa: E402
from ingest.server import IngestConfig, make_server  # noqa: E402

TOKEN = "bench-token"
START = datetime(2026, 11, 1, tzinfo=UTC)


def client(url: str, number: int, batch: int, until: float, latencies: list, sent: list) -> None:
    sequence = 0
    while time.monotonic() < until:
        items = [
            {
                "id": f"c{number}-{sequence + i}",
                "timestamp": (START + timedelta(seconds=sequence + i)).isoformat(),
                "author": f"bot-user-{(sequence + i) % 97}",
                "channel": f"room-{number % 5}",
                "text": "Is the deploy done? The dashboard still shows the old version",
            }
            for i in range(batch)
        ]
        body = json.dumps({"source": f"client-{number}", "messages": items}).encode()
        request = urllib.request.Request(
            url,
            data=body,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            reply = json.loads(response.read())
        latencies.append(time.perf_counter() - started)
        sent.append(reply["stored"] + reply.get("duplicates", 0))
        sequence += batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--database", help="an empty database's URL")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ecg-bench-server-"))
    engine = make_engine(args.database or f"sqlite:///{folder / 'ecg.db'}")
    prepare_community(engine, "bench")
    server = make_server(IngestConfig(engine, TOKEN, "bench"), port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/v1/messages"
    latencies: list[float] = []
    sent: list[int] = []
    until = time.monotonic() + args.seconds
    started = time.perf_counter()
    workers = [
        threading.Thread(target=client, args=(url, n, args.batch, until, latencies, sent))
        for n in range(args.clients)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    server.shutdown()
    with engine.connect() as conn:
        stored = conn.scalar(text("SELECT count(*) FROM messages"))
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))]
    print(
        f"{engine.dialect.name}, {args.clients} clients, batches of {args.batch}, {elapsed:.0f} s: "
        f"{sum(sent):,} messages accepted, {stored:,} stored; "
        f"{stored / elapsed:,.0f} messages/s; {len(latencies):,} requests, latency median "
        f"{statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
