"""`ecg migrate-db` copies a SQLite database to PostgreSQL with nothing lost: every table
compared row by row."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from access.permissions import SERVER_SHELL, Role
from alerts.cycle import evaluate_community
from dashboard.cli.main import main as ecg
from dashboard.communities import simulate
from data_access import accounts
from data_access.copy_db import TargetNotEmpty, copy_database
from data_access.db import make_engine
from data_access.schema import Base, Community
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage
from ingest.simulate import CommunitySpec, default_incidents
from tests.conftest import engine_of_kind
from tests.kpi_fixture import build_kpi_community

END = datetime(2026, 11, 20, tzinfo=UTC)


def every_row(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def test_sqlite_to_postgresql_loses_nothing(request, tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'ecg.db'}"
    source = make_engine(url)
    spec = CommunitySpec(messages_per_hour=30, incidents=default_incidents(END))
    simulate(source, "demo", END - timedelta(days=16), END, spec)
    build_kpi_community(source)  # replies, a bot, a second community
    with source.connect() as conn:
        demo = conn.scalar(select(Community.id).where(Community.name == "demo"))
    evaluate_community(source, demo, END)  # alert rules, states, episodes
    accounts.add_user(source, SERVER_SHELL, "ana", Role.ANALYST, "a long password 1", END)
    target = engine_of_kind(request, "postgresql", tmp_path)

    monkeypatch.setenv("ECG_DATABASE_URL", url)
    assert ecg(["migrate-db", "--to", target.url.render_as_string(hide_password=False)]) == 0
    assert "copied" in capsys.readouterr().out

    copied, original = every_row(target), every_row(source)
    assert {name: len(rows) for name, rows in copied.items()} == {
        name: len(rows) for name, rows in original.items()
    }
    assert len(original["messages"]) > 5000 and len(original["alert_episodes"]) > 0
    for name in original:
        assert copied[name] == original[name], name
    # new rows get new ids: the sequences moved past the copied ones
    late = RawMessage("late-1", END, "general", "zoe", "Zoe", "First day on postgres")
    summary = run_import(target, [ParsedRow(1, late)], ImportTarget("acme", "chat", "discord"))
    assert summary.imported == 1
    with target.connect() as conn:
        newest = conn.execute(text("SELECT max(id) FROM messages")).scalar()
    assert newest == max(row[0] for row in original["messages"]) + 1
    with pytest.raises(TargetNotEmpty):
        copy_database(source, target)
