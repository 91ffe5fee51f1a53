"""A community's own kind model, tuned on its corrections: `ecg classify train`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from access.permissions import Actor, Role
from analysis import kinds
from analysis.kind_tuning import before_and_after, model_kind, tune, tuned_model
from dashboard.changes.corrections import correct_message
from dashboard.communities import prepare_community
from data_access.db import make_engine
from data_access.schema import Community
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage
from tests.ecg_process import run_ecg

FAILING = [
    f"why does the {thing} keep failing?"
    for thing in ("sync", "login", "export", "search", "upload", "backup", "preview", "import")
]


def test_tuning_moves_what_was_corrected_and_keeps_the_rest():
    shipped = kinds.model()
    examples = [(t, kinds.BUG) for t in FAILING]
    assert all(model_kind(shipped, t) == kinds.QUESTION for t in FAILING)
    mine = tuned_model(shipped, tune(shipped, examples))
    assert model_kind(mine, "why does the checkout keep failing?") == kinds.BUG  # unseen
    assert model_kind(mine, "How do I install it?") == kinds.QUESTION  # the rest stays
    assert model_kind(mine, "Please add a dark mode") == kinds.FEATURE
    before, after = before_and_after(shipped, examples)
    assert (before, after) == (0.0, 1.0)
    assert tune(shipped, []).delta == {}


def test_ecg_classify_train_learns_a_communitys_corrections(tmp_path, database_url):
    engine = make_engine(database_url)
    prepare_community(engine, "acme")
    now = datetime.now(UTC)
    rows = [
        ParsedRow(n, RawMessage(f"m{n}", now - timedelta(hours=n), "general", f"u{n}", f"U{n}", t))
        for n, t in enumerate(FAILING, start=1)
    ]
    run_import(engine, rows, ImportTarget("acme", "chat", "discord"))
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == "acme"))
        ids = conn.execute(text("SELECT id FROM messages ORDER BY id")).scalars().all()
    analyst = Actor("ana", Role.ANALYST)
    for message_id in ids:
        correct_message(
            engine, community_id, message_id, "kind", "bug_report", actor=analyst, now=now
        )
    url = {"ECG_DATABASE_URL": database_url}
    done = run_ecg(["classify", "train", "--community", "acme"], tmp_path, **url)
    assert done.returncode == 0, done.stderr
    assert "acme: learnt from 8 corrections" in done.stdout
    assert "each left out in turn: 0% before, 100% after" in done.stdout
    # new messages of acme are read by its model; the shipped one stays for the others
    fresh = [
        ParsedRow(
            1, RawMessage("new", now, "general", "u9", "U9", "why does the checkout keep failing?")
        )
    ]
    run_import(engine, fresh, ImportTarget("acme", "chat", "discord"))
    run_import(engine, fresh, ImportTarget("other", "chat", "discord"))
    with engine.connect() as conn:
        read = dict(
            conn.execute(
                text(
                    "SELECT c.name, m.kind FROM messages m"
                    " JOIN communities c ON c.id = m.community_id WHERE m.external_id = 'new'"
                )
            ).all()
        )
        audited = conn.scalar(text("SELECT count(*) FROM audit_log WHERE action = 'kinds.train'"))
    assert read == {"acme": "bug_report", "other": "question"}
    assert audited == 1
    engine.dispose()


def test_ecg_classify_train_says_when_there_is_nothing_to_learn(tmp_path, database_url):
    engine = make_engine(database_url)
    prepare_community(engine, "acme")
    engine.dispose()
    done = run_ecg(["classify", "train"], tmp_path, ECG_DATABASE_URL=database_url)
    assert done.returncode == 2
    assert "acme: no corrections to question, bug report or feature request" in done.stderr
