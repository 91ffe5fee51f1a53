"""`ecg ingest-server`: messages from bots and automation tools over HTTP.

POST /v1/messages with `Authorization: Bearer <token>` and a JSON body
`{"source": "discord-bot", "messages": [{"id", "timestamp", "author", "text", ...}]}`.
Each valid item is stored (idempotent on source + id); invalid items are reported by
their index, and the valid ones of the same batch are stored all the same. Bodies over
`max_bytes` are refused with 413 before being read; a request the database could not
store gets 503 (send it again: nothing is stored twice). One writer thread stores every
client's requests, several in one transaction when they arrive together (group_writer).
Listens on 127.0.0.1 by default.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import Engine

from data_access.store import BatchResult
from ingest.formats.tabular import ColumnMapping, row_from_record
from ingest.group_writer import GroupWriter

log = logging.getLogger(__name__)
MAX_BYTES = 1_000_000
MAX_CONNECTIONS = 64  # open at once; more are answered 503 at once, not queued on a thread
READ_TIMEOUT_SECONDS = 10.0  # silence on a connection before it is closed
BODY_DEADLINE_SECONDS = 30.0  # a whole body must arrive within this, however it trickles
MAX_DEPTH = 8  # nesting of JSON a request may hold: {"messages": [{"field": value}]} is 3
API_FIELDS = ColumnMapping.parse(
    [
        "id=id",
        "timestamp=timestamp",
        "author=author",
        "author_name=author_name",
        "channel=channel",
        "text=text",
        "reply_to=reply_to",
        "is_bot=is_bot",
    ]
)


@dataclass(frozen=True)
class IngestConfig:
    engine: Engine
    token: str
    community: str
    platform: str = "api"
    max_bytes: int = MAX_BYTES
    max_connections: int = MAX_CONNECTIONS
    read_timeout: float = READ_TIMEOUT_SECONDS
    body_deadline: float = BODY_DEADLINE_SECONDS
    zone: tzinfo = UTC  # of a timestamp sent without an offset


def make_server(config: IngestConfig, host: str = "127.0.0.1", port: int = 8765):
    """A threading HTTP server for `config`; call serve_forever() and shutdown()."""
    if not config.token:
        raise ValueError("ingest token: set ECG_INGEST_TOKEN (or [ingest] token) first")

    writer = GroupWriter(config.engine, config.community, config.platform)

    class Handler(_Handler):
        settings = config
        store = writer
        timeout = config.read_timeout  # socket timeout of each read and write

    return _Server((host, port), Handler, writer, config.max_connections)


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default 5 resets connections when many clients arrive
    daemon_threads = True

    def __init__(self, address, handler, writer: GroupWriter, max_connections: int) -> None:
        super().__init__(address, handler)
        self._writer = writer
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request, client_address) -> None:
        """A thread per connection, at most `max_connections`: beyond, 503 and close."""
        if not self._slots.acquire(blocking=False):
            _refuse_busy(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        """A client that resets or times out is its own problem: no traceback on stderr."""
        log.debug("connection from %s ended with an error", client_address, exc_info=True)

    def server_close(self) -> None:
        super().server_close()
        self._writer.close()


def _refuse_busy(sock) -> None:
    body = b'{"error": "too many connections: send again shortly"}'
    head = (
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
    )
    with contextlib.suppress(OSError):
        sock.sendall(head.encode() + body)


class BadRequest(Exception):
    """A request the server answers with `status` and `reason` instead of reading on."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def content_length(header: str | None, max_bytes: int) -> int:
    """The body's length from its header: 411 without one, 400 unless a whole number of
    bytes, 413 over `max_bytes`."""
    if header is None:
        raise BadRequest(HTTPStatus.LENGTH_REQUIRED, "a Content-Length header is required")
    if not header.strip().isdigit():
        raise BadRequest(HTTPStatus.BAD_REQUEST, f"Content-Length {header[:40]!r} is not a size")
    length = int(header)
    if length > max_bytes:
        raise BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"at most {max_bytes:,} bytes")
    return length


def nesting_depth(value, limit: int = MAX_DEPTH) -> int:
    """How deep lists and objects nest in `value`, counting stops past `limit`."""
    depth, level = 0, [(value, 1)]
    while level:
        item, at = level.pop()
        if isinstance(item, dict | list):
            depth = max(depth, at)
            if depth > limit:
                return depth
            children = item.values() if isinstance(item, dict) else item
            level.extend((child, at + 1) for child in children)
    return depth


def parse_body(data: bytes):
    """The request's JSON, or BadRequest: invalid, or nested deeper than MAX_DEPTH."""
    try:
        body = json.loads(data or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadRequest(HTTPStatus.BAD_REQUEST, f"invalid JSON: {error}") from None
    except RecursionError:
        body = None
        depth = MAX_DEPTH + 1
    else:
        depth = nesting_depth(body)
    if depth > MAX_DEPTH:
        raise BadRequest(HTTPStatus.BAD_REQUEST, f"JSON nested deeper than {MAX_DEPTH} levels")
    return body


class _Handler(BaseHTTPRequestHandler):
    settings: IngestConfig
    store: GroupWriter
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the http.server naming)
        if self.path == "/v1/health":
            self._reply(HTTPStatus.OK, {"status": "ok"})
        else:
            self._reply(HTTPStatus.NOT_FOUND, {"error": "unknown path"})

    def do_POST(self) -> None:  # noqa: N802
        if self.path != "/v1/messages":
            return self._reply(HTTPStatus.NOT_FOUND, {"error": "unknown path"}, drain=True)
        sent = self.headers.get("Authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {self.settings.token}".encode()):
            return self._reply(
                HTTPStatus.UNAUTHORIZED, {"error": "a valid bearer token is required"}, drain=True
            )
        try:
            length = content_length(self.headers.get("Content-Length"), self.settings.max_bytes)
            body = parse_body(self._read_body(length))
        except BadRequest as refused:
            self.close_connection = True  # the rest of what was sent is not read
            return self._reply(refused.status, {"error": str(refused)})
        self._store(body)

    def _read_body(self, length: int) -> bytes:
        """`length` bytes, all within the body deadline (a trickle is cut off: 408)."""
        deadline = time.monotonic() + self.settings.body_deadline
        chunks, missing = [], length
        while missing:
            if time.monotonic() > deadline:
                raise BadRequest(HTTPStatus.REQUEST_TIMEOUT, "the body took too long to arrive")
            chunk = self.rfile.read1(min(missing, 65_536))
            if not chunk:
                raise BadRequest(HTTPStatus.BAD_REQUEST, "the body ended before Content-Length")
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _store(self, body) -> None:
        items = body.get("messages") if isinstance(body, dict) else body
        if not isinstance(items, list):
            return self._reply(
                HTTPStatus.BAD_REQUEST, {"error": 'send {"messages": [...]} or a JSON list'}
            )
        source = str(body.get("source") or "api") if isinstance(body, dict) else "api"
        now = datetime.now(UTC)
        rows = [
            row_from_record(index, item, API_FIELDS, self.settings.zone).within(now)
            for index, item in enumerate(items)
        ]
        errors = [{"index": row.line, "error": row.error} for row in rows if row.message is None]
        valid = [row.message for row in rows if row.message is not None]
        try:
            result = self.store.write(source, valid) if valid else BatchResult(0, 0)
        except Exception as error:  # logged by the writer; the client may send again
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
            return self._reply(
                HTTPStatus.SERVICE_UNAVAILABLE, {"error": f"not stored, send again: {reason}"}
            )
        status = HTTPStatus.OK if valid or not items else HTTPStatus.UNPROCESSABLE_ENTITY
        self._reply(
            status,
            {
                "stored": result.inserted,
                "duplicates": result.duplicates,
                "past_retention": result.past_retention,
                "errors": errors,
            },
        )

    def _reply(self, status: HTTPStatus, payload: dict, drain: bool = False) -> None:
        if drain:  # read what was sent (within the limit) so the connection stays sane
            try:
                self._read_body(
                    content_length(self.headers.get("Content-Length"), self.settings.max_bytes)
                )
            except BadRequest:
                self.close_connection = True
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        log.debug("%s " + format, self.address_string(), *args)
