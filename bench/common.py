"""What several benchmarks share: the 1,000,000-message, 90-day SQLite database."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MILLION = Path("/tmp/ecg-bench-1m.db")


def bench_ingest():
    """bench/ingest.py, loaded by path: its name would shadow the `ingest` package."""
    spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench" / "ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def million_messages(path: Path = MILLION) -> str:
    """The URL of the benchmark database at `path`, built first when it is absent."""
    if not path.exists():
        print(f"building {path} (1,000,000 messages, 90 days)…")
        bench_ingest().build(f"sqlite:///{path}", 1_000_000, 90)
    return f"sqlite:///{path}"
