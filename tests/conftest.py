"""Shared fixtures: engines on SQLite and on a real PostgreSQL server, shared data, caches.

PostgreSQL, Chromium and ../shared/data are skipped with a reason when they
cannot be had; with ECG_REQUIRE_ALL=1 (set by .ci/run) their absence fails.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text

from data_access.db import make_engine
from data_access.setup import init_database

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
REQUIRE_ALL = os.environ.get("ECG_REQUIRE_ALL") == "1"
# users never see error details (.streamlit/config.toml); a failing page test should
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")


def unavailable(reason: str):
    """Skip, or fail when CI requires everything."""
    if REQUIRE_ALL:
        pytest.fail(f"required but unavailable: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        unavailable(f"the shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'ecg.db'}"


@pytest.fixture
def sqlite_engine(sqlite_url):
    """SQLite only: for what is about SQLite itself (its files, its locking)."""
    engine = make_engine(sqlite_url)
    init_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, monkeypatch) -> str:
    """An empty database of each kind, named by ECG_DATABASE_URL: for commands and pages."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ecg.db'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgres_server"))
    monkeypatch.setenv("ECG_DATABASE_URL", url)
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_database_url(request, tmp_path_factory) -> str:
    """An empty database of each kind, for data a test module builds once and shares."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('module') / 'ecg.db'}"
    return fresh_postgres_database(request.getfixturevalue("postgres_server"))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A migrated database of each kind: the test runs on SQLite and on PostgreSQL."""
    made = engine_of_kind(request, request.param, tmp_path)
    yield made
    made.dispose()


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server on 127.0.0.1, for the whole test session."""
    if not (PG_BIN / "initdb").exists():
        unavailable(f"PostgreSQL binaries not found in {PG_BIN}")
    data_dir = Path(tempfile.mkdtemp(prefix="ecg-pg-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(data_dir, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        [*as_postgres, str(PG_BIN / "initdb"), "-D", str(data_dir), "-U", "ecg", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={data_dir} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        [
            *as_postgres,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data_dir),
            "-o",
            options,
            "-l",
            str(data_dir / "server.log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://ecg@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data_dir, ignore_errors=True)


_database_numbers = itertools.count(1)


def fresh_postgres_database(server_url: str) -> str:
    """Create an empty database on the test server; return its URL."""
    name = f"ecg_test_{next(_database_numbers)}"
    admin = make_engine(f"{server_url}/postgres")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{server_url}/{name}"


@pytest.fixture
def postgres_url(postgres_server) -> str:
    return fresh_postgres_database(postgres_server)


def engine_of_kind(request, kind: str, folder: Path):
    """A migrated engine on a new SQLite file in `folder` or a new PostgreSQL database."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'ecg.db'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgres_server"))
    engine = make_engine(url)
    init_database(engine)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request, tmp_path):
    """The same test on SQLite and on PostgreSQL."""
    engine = engine_of_kind(request, request.param, tmp_path)
    yield engine
    engine.dispose()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
