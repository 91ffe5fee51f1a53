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

import hmac
import json
import logging
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import Engine

from data_access.store import BatchResult
from ingest.formats.tabular import ColumnMapping, row_from_record
from ingest.group_writer import GroupWriter

log = logging.getLogger(__name__)
MAX_BYTES = 1_000_000
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


def make_server(config: IngestConfig, host: str = "127.0.0.1", port: int = 8765):
    """A threading HTTP server for `config`; call serve_forever() and shutdown()."""
    if not config.token:
        raise ValueError("ingest token: set ECG_INGEST_TOKEN (or [ingest] token) first")

    writer = GroupWriter(config.engine, config.community, config.platform)

    class Handler(_Handler):
        settings = config
        store = writer

    return _Server((host, port), Handler, writer)


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default 5 resets connections when many clients arrive
    daemon_threads = True

    def __init__(self, address, handler, writer: GroupWriter) -> None:
        super().__init__(address, handler)
        self._writer = writer

    def server_close(self) -> None:
        super().server_close()
        self._writer.close()


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
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.settings.max_bytes:
            self.close_connection = True
            return self._reply(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                {"error": f"at most {self.settings.max_bytes:,} bytes"},
            )
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            return self._reply(HTTPStatus.BAD_REQUEST, {"error": f"invalid JSON: {error}"})
        self._store(body)

    def _store(self, body) -> None:
        items = body.get("messages") if isinstance(body, dict) else body
        if not isinstance(items, list):
            return self._reply(
                HTTPStatus.BAD_REQUEST, {"error": 'send {"messages": [...]} or a JSON list'}
            )
        source = str(body.get("source") or "api") if isinstance(body, dict) else "api"
        rows = [row_from_record(index, item, API_FIELDS) for index, item in enumerate(items)]
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
            length = int(self.headers.get("Content-Length") or 0)
            if 0 < length <= self.settings.max_bytes:
                self.rfile.read(length)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        log.debug("%s " + format, self.address_string(), *args)
