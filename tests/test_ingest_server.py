"""The HTTP ingest endpoint on loopback: token, size limit, per-item errors, concurrency."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from dashboard.communities import prepare_community
from ingest import group_writer
from ingest.group_writer import GroupWriter
from ingest.records import RawMessage
from ingest.server import IngestConfig, make_server
from tests.conftest import free_port

TOKEN = "s3cret-token"


@pytest.fixture
def server(engine):
    prepare_community(engine, "main")
    httpd = make_server(
        IngestConfig(engine, TOKEN, "main", max_bytes=10_000), "127.0.0.1", free_port()
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", engine
    httpd.shutdown()
    httpd.server_close()


def post(base: str, body, token: str | None = TOKEN) -> tuple[int, dict]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base}/v1/messages",
        data=data,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def message(n: int, source_tag: str = "") -> dict:
    return {
        "id": f"{source_tag}m{n}",
        "timestamp": "2026-03-02T10:00:00Z",
        "author": f"u{n % 7}",
        "text": f"hello {n}",
        "channel": "bots",
    }


def stored(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT count(*) FROM messages"))


def test_refused_without_the_token(server):
    base, engine = server
    assert post(base, {"messages": [message(1)]}, token=None)[0] == 401
    assert post(base, {"messages": [message(1)]}, token="wrong")[0] == 401
    assert stored(engine) == 0


def test_oversized_requests_get_413(server):
    base, engine = server
    status, body = post(base, {"messages": [message(n) for n in range(500)]})
    assert status == 413 and "at most 10,000 bytes" in body["error"]
    assert stored(engine) == 0


def test_invalid_items_are_reported_and_valid_ones_stored(server):
    base, engine = server
    batch = [
        message(1),
        {"id": "x", "author": "u1", "text": "no time"},
        message(2),
        "not an object",
        {**message(3), "timestamp": "yesterday"},
    ]
    status, body = post(base, {"source": "discord-bot", "messages": batch})
    assert status == 200
    assert body["stored"] == 2
    assert [e["index"] for e in body["errors"]] == [1, 3, 4]
    assert body["errors"][0]["error"] == "no timestamp"
    assert stored(engine) == 2
    assert post(base, {"source": "discord-bot", "messages": [message(1)]})[1]["duplicates"] == 1


def test_fifty_clients_for_ten_seconds_lose_nothing(server):
    base, engine = server
    deadline = time.monotonic() + 10

    def client(number: int) -> int:
        sent = 0
        while time.monotonic() < deadline:
            batch = [message(sent + k, f"c{number}-") for k in range(5)]
            status, body = post(base, {"source": "load", "messages": batch})
            assert status == 200 and body["stored"] == 5
            sent += 5
        return sent

    with ThreadPoolExecutor(max_workers=50) as pool:
        total = sum(pool.map(client, range(50)))
    assert total > 0
    assert stored(engine) == total


def test_the_server_will_not_start_without_a_token(engine, monkeypatch, capsys):
    from dashboard.cli.main import main

    with pytest.raises(ValueError, match="set ECG_INGEST_TOKEN"):
        make_server(IngestConfig(engine, "", "main"), "127.0.0.1", free_port())
    monkeypatch.setenv("ECG_DATABASE_URL", str(engine.url))
    monkeypatch.delenv("ECG_INGEST_TOKEN", raising=False)
    assert main(["ingest-server", "--port", str(free_port())]) == 2
    assert "ingest token: set ECG_INGEST_TOKEN" in capsys.readouterr().err


def test_nul_characters_and_overlong_names_are_stored_cleaned(server):
    base, engine = server
    item = {**message(1), "text": "a\u0000b", "author_name": "N" * 400}
    status, body = post(base, {"source": "s" * 250, "messages": [item]})
    assert (status, body["stored"]) == (200, 1)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT m.text, length(mb.display_name), length(s.name) FROM messages m"
                " JOIN members mb ON mb.id = m.member_id JOIN sources s ON s.id = m.source_id"
            )
        ).one()
    assert tuple(row) == ("ab", 300, 200)


def test_a_request_the_database_refuses_fails_alone(server, monkeypatch):
    base, engine = server
    real_write = group_writer.write_batch

    def refusing(conn, community_id, source_id, batch, topics, now):
        if batch[0].external_id.startswith("bad"):
            raise RuntimeError("refused by the database")
        return real_write(conn, community_id, source_id, batch, topics, now)

    monkeypatch.setattr(group_writer, "write_batch", refusing)
    bodies = [
        {"source": "a", "messages": [message(n, tag)]} for n, tag in enumerate(["bad", "ok", "ok2"])
    ]
    with ThreadPoolExecutor(3) as pool:  # sent at once: likely one shared transaction
        replies = list(pool.map(lambda body: post(base, body), bodies))
    assert replies[0] == (503, {"error": "not stored, send again: refused by the database"})
    assert [status for status, _ in replies[1:]] == [200, 200]
    assert [reply["stored"] for _, reply in replies[1:]] == [1, 1]
    assert stored(engine) == 2


def test_requests_written_together_get_their_own_counts(engine):
    prepare_community(engine, "main")
    writer = GroupWriter(engine, "main", "api")
    shared = RawMessage("shared", datetime(2026, 3, 2, 10, tzinfo=UTC), "bots", "u1", "U", "hi")
    start = threading.Barrier(2)

    def send(tag: str):
        own = RawMessage(tag, datetime(2026, 3, 2, 10, 5, tzinfo=UTC), "bots", "u2", "U", "yo")
        start.wait()
        return writer.write("bot", [shared, own])

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(send, ["one", "two"]))
    writer.close()
    # each request stored its own message; the shared one counts once, as stored by one
    # request and as a duplicate in the other
    assert sorted((r.inserted, r.duplicates) for r in results) == [(1, 1), (2, 0)]
    assert stored(engine) == 3


# --- a hostile client: raw sockets, lengths that lie, bodies that trickle ---------------


@pytest.fixture
def strict_server(engine):
    """Small limits, so the hostile cases below take a second, not half a minute."""
    prepare_community(engine, "main")
    config = IngestConfig(
        engine,
        TOKEN,
        "main",
        max_bytes=10_000,
        max_connections=4,
        read_timeout=1.0,
        body_deadline=1.5,
    )
    httpd = make_server(config, "127.0.0.1", free_port())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], engine
    httpd.shutdown()
    httpd.server_close()


def raw_request(port: int, head: str, body: bytes = b"", wait: float = 10) -> str:
    """Send `head` (headers without the blank line) and `body`; the status line answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(
            f"POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"{head}\r\n".encode()
            + body
        )
        answer = sock.recv(4096).decode()
    return answer.split("\r\n", 1)[0]


@pytest.mark.parametrize(
    ("length", "status"),
    [("-1", "400"), ("-5", "400"), ("abc", "400"), ("99999999", "413")],
)
def test_content_lengths_that_lie_are_answered(strict_server, length, status):
    port, engine = strict_server
    line = raw_request(port, f"Content-Length: {length}\r\n", b"x" * 50_000)
    assert line.split()[1] == status
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM messages")) == 0


def test_a_post_without_a_length_gets_411(strict_server):
    port, _ = strict_server
    assert raw_request(port, "").split()[1] == "411"


def test_json_nested_a_hundred_thousand_deep_gets_400(server):
    base, _ = server
    nested = b"[" * 5_000 + b"]" * 5_000
    status, answer = post(base, nested)
    assert status == 400
    assert "nested deeper than 8" in answer["error"]
    deeper = {"messages": [{"id": "x", "text": [[[[[[[["deep"]]]]]]]]}]}
    assert post(base, deeper)[0] == 400


def test_a_trickling_body_is_cut_off(strict_server):
    port, _ = strict_server
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            "Content-Length: 1000\r\n\r\n".encode()
        )
        answer = b""
        for _ in range(40):  # one byte every 0.1 s: each read is quick, the whole is not
            try:
                sock.sendall(b" ")
            except OSError:
                break
            time.sleep(0.1)
            sock.setblocking(False)
            try:
                answer = sock.recv(4096)
            except BlockingIOError:
                pass
            finally:
                sock.setblocking(True)
            if answer:
                break
    assert answer.split(b"\r\n", 1)[0].split()[1] == b"408"
    assert time.monotonic() - started < 4


def test_silent_clients_beyond_the_bound_are_refused_at_once(strict_server):
    port, _ = strict_server
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
    try:
        time.sleep(0.3)  # the four hold every slot
        assert raw_request(port, "Content-Length: 2\r\n", b"[]").split()[1] == "503"
    finally:
        for sock in idle:
            sock.close()
    time.sleep(1.5)  # their threads time out and give the slots back
    assert raw_request(port, "Content-Length: 2\r\n", b"[]").split()[1] == "200"


def test_times_no_page_can_draw_are_refused_per_item(server):
    base, engine = server
    items = [message(1), message(2), message(3), message(4)]
    items[1]["timestamp"] = "9999-12-31T23:59:59Z"
    items[2]["timestamp"] = "0001-01-01T00:00:00Z"
    items[3]["timestamp"] = "1e300"
    status, answer = post(base, {"source": "bot", "messages": items})
    assert status == 200
    assert answer["stored"] == 1
    assert answer["errors"] == [
        {"index": 1, "error": "time more than a day ahead of now"},
        {"index": 2, "error": "time before 2000-01-01"},
        {"index": 3, "error": "bad timestamp '1e300'"},
    ]
