"""Group commit for the ingest server: one writer thread stores the requests of every
client. Requests that arrive while a transaction is being written wait for the next one,
which takes all of them together; each still gets its own counts.

Twenty clients then cost a few larger transactions a second instead of twenty small ones
queueing on the database's write lock (SQLite's, or PostgreSQL's rollup lock of the
community), each with its own commit. If a shared transaction fails, its requests are
written again one by one, so one bad request never fails the others.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine

from data_access.db import in_transaction
from data_access.partitions import make_months_first
from data_access.store import BatchResult, ensure_community, ensure_source, topic_ids, write_batch
from ingest.pipeline import TopicIndex, enrich, load_compiled_topics, load_kind_model
from ingest.records import RawMessage

log = logging.getLogger(__name__)
MAX_GROUP_MESSAGES = 5_000  # one transaction's share; more waits for the next


@dataclass(eq=False)
class _Request:
    source: str
    messages: Sequence[RawMessage]
    done: threading.Event = field(default_factory=threading.Event)
    result: BatchResult | None = None
    error: Exception | None = None


class GroupWriter:
    """Stores messages for `community` (sources made on first use, on `platform`)."""

    def __init__(self, engine: Engine, community: str, platform: str) -> None:
        self._engine = engine
        self._community = community
        self._platform = platform
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="ingest-writer", daemon=True)
        self._thread.start()

    def write(self, source: str, messages: Sequence[RawMessage]) -> BatchResult:
        """Store `messages` of `source`; returns when they are committed. Raises what the
        database raised when they could not be stored."""
        request = _Request(source, messages)
        self._queue.put(request)
        request.done.wait()
        if request.error is not None:
            raise request.error
        return request.result

    def close(self) -> None:
        """Finish the requests already waiting, then stop the writer thread."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            group, stopping = self._waiting_after(first)
            self._write(group)

    def _waiting_after(self, first: _Request) -> tuple[list[_Request], bool]:
        group, count = [first], len(first.messages)
        while count < MAX_GROUP_MESSAGES:
            try:
                request = self._queue.get_nowait()
            except queue.Empty:
                break
            if request is None:
                return group, True
            group.append(request)
            count += len(request.messages)
        return group, False

    def _write(self, group: list[_Request]) -> None:
        try:
            topics = TopicIndex(load_compiled_topics(self._engine, self._community))
            community_id = in_transaction(
                self._engine, lambda conn: ensure_community(conn, self._community)
            )
            kinds = load_kind_model(self._engine, community_id)
            batches = [[enrich(m, topics, kinds=kinds) for m in r.messages] for r in group]
            make_months_first(self._engine, (m.sent_at for batch in batches for m in batch))
            results = in_transaction(self._engine, lambda conn: self._store(conn, group, batches))
        except Exception as error:
            if len(group) > 1:
                log.warning("%d requests stored together failed; one by one now", len(group))
                for request in group:
                    self._write([request])
                return
            log.exception(
                "could not store %d messages of %s", len(group[0].messages), group[0].source
            )
            group[0].error = error
            group[0].done.set()
            return
        for request, result in zip(group, results, strict=True):
            request.result = result
            request.done.set()

    def _store(self, conn: Connection, group, batches) -> list[BatchResult]:
        community_id = ensure_community(conn, self._community)
        topics = topic_ids(conn, community_id)
        now = datetime.now(UTC)
        sources: dict[str, int] = {}
        results = []
        for request, batch in zip(group, batches, strict=True):
            if request.source not in sources:
                sources[request.source] = ensure_source(
                    conn, community_id, request.source, self._platform
                )
            results.append(
                write_batch(conn, community_id, sources[request.source], batch, topics, now)
            )
        return results
