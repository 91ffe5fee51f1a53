"""The `ecg` command, run in-process with real files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import text

from dashboard.cli.main import main
from data_access.db import make_engine
from tests.ecg_process import run_ecg


@pytest.fixture
def database(database_url, tmp_path, monkeypatch) -> str:
    monkeypatch.chdir(tmp_path)
    return database_url


def _count(url: str, sql: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        value = conn.scalar(text(sql))
    engine.dispose()
    return value


def test_import_prints_a_summary_and_is_idempotent(database, tmp_path, capsys):
    export = tmp_path / "export.csv"
    export.write_text(
        "when,who,where,what\n"
        "2026-03-01T10:00:00Z,ann,general,hello everyone\n"
        "2026-03-01T10:05:00+01:00,bob,general,my invoice is wrong\n"
        "not a time,cid,general,lost\n"
        "2026-03-01T10:07:00Z,,general,nobody wrote this\n"
    )
    args = [
        "import",
        str(export),
        "--map",
        "timestamp=when",
        "--map",
        "author=who",
        "--map",
        "channel=where",
        "--map",
        "text=what",
        "--platform",
        "discord",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "imported: 3\n" in out  # line 5, with no author, is kept under 'deleted'
    assert "skipped as duplicates: 0\n" in out
    assert "rejected: 1\n" in out
    assert "1 × bad timestamp 'not a time' (expected ISO 8601 or Unix time) (line 4)" in out
    assert "kept under one 'deleted' member (not counted as a member): 1" in out
    assert main(args) == 0
    assert "imported: 0\nskipped as duplicates: 3" in capsys.readouterr().out
    assert _count(database, "SELECT count(*) FROM messages") == 3
    # +01:00 is stored as UTC
    assert str(_count(database, "SELECT min(sent_at) FROM messages")).startswith("2026-03-01 09:05")


def test_import_errors_are_one_line_without_traceback(database, tmp_path, capsys):
    export = tmp_path / "export.csv"
    export.write_text("a,b\n1,2\n")
    code = main(
        ["import", str(export), "--map", "timestamp=when", "--map", "author=a", "--map", "text=b"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ecg: error: {export}, line 1: mapped column(s) when not in the header")
    assert "Traceback" not in err


def test_import_of_a_missing_file_or_a_folder_says_so_first(tmp_path):
    """`ecg import` as typed: a path that is not there was read as a CSV with no header
    and answered "map the required field(s)", a missing .json as "none of the exports";
    a folder the same. Now the path is checked before the format, with no database made."""
    from tests.ecg_process import run_ecg

    url = f"sqlite:///{tmp_path / 'ecg.db'}"
    for path, said in (
        ("missing.csv", "ecg: error: missing.csv: no such file or folder"),
        ("missing.json", "ecg: error: missing.json: no such file or folder"),
        (".", "ecg: error: .: a folder; ecg import reads one export file"),
    ):
        done = run_ecg(["import", path], tmp_path, ECG_DATABASE_URL=url)
        assert done.returncode == 2
        assert done.stderr.startswith(said), done.stderr
        assert done.stdout == ""  # not even the format it would have guessed
    # `ecg follow` checks its path the same way, a bad zone named or not
    done = run_ecg(["follow", "gone.jsonl", "--timezone", "Mars/X"], tmp_path, ECG_DATABASE_URL=url)
    assert (done.returncode, done.stderr) == (2, "ecg: error: gone.jsonl: no such file or folder\n")
    assert not (tmp_path / "ecg.db").exists()


def test_an_empty_export_is_named_empty_and_forecast_says_when_there_is_nothing(tmp_path):
    """An empty (or blank) file was read as a CSV without a header and answered "map the
    required field(s)"; `ecg forecast` on a database with no community printed nothing."""
    from tests.ecg_process import run_ecg

    url = f"sqlite:///{tmp_path / 'ecg.db'}"
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.csv").write_bytes(b"\xef\xbb\xbf \r\n\n")
    for name in ("empty.txt", "blank.csv"):
        done = run_ecg(["import", name], tmp_path, ECG_DATABASE_URL=url)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == f"ecg: error: {name}: the file is empty\n"
    done = run_ecg(["forecast"], tmp_path, ECG_DATABASE_URL=url)
    assert done.returncode == 2
    assert done.stderr.startswith("ecg: error: there is no community yet, so nothing to forecast")
    done = run_ecg(["forecast", "--community", "acme"], tmp_path, ECG_DATABASE_URL=url)
    assert (done.returncode, done.stderr) == (2, "ecg: error: no community named 'acme'\n")


def test_score_writes_language_label_and_compound(tmp_path, capsys):
    texts = tmp_path / "texts.txt"
    texts.write_text("I love this community\nDas ist leider wirklich sehr schlecht gemacht.\n")
    out = tmp_path / "scores.csv"
    assert main(["score", str(texts), "--explain", "--output", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert [(r["language"], r["label"]) for r in rows] == [("en", "positive"), ("de", "unscored")]
    assert rows[0]["compound"] == "0.6369"  # "love" is +3.2: 3.2 / sqrt(3.2² + 15)
    assert rows[0]["explanation"] == "love(+3.2)"
    assert rows[1]["compound"] == ""


def test_score_a_csv_column(tmp_path, capsys):
    texts = tmp_path / "texts.csv"
    texts.write_text('id,body\n1,"terrible, just terrible"\n')
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    assert main(["score", str(texts), "--column", "body"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    reference = SentimentIntensityAnalyzer().polarity_scores("terrible, just terrible")
    assert (rows[0]["label"], rows[0]["compound"]) == ("negative", f"{reference['compound']:.4f}")


def test_topics_add_list_edit_remove(database, capsys):
    assert main(["topics", "add", "weather", "--keyword", "rain", "--phrase", "blue sky"]) == 0
    assert main(["topics", "list"]) == 0
    listing = capsys.readouterr().out
    assert "weather (#636efa)\n  keywords: rain\n  phrases: blue sky" in listing
    assert "billing (#d62728)" in listing  # the default topics are there from the start
    assert main(["topics", "edit", "weather", "--keyword", "snow"]) == 0
    assert main(["topics", "list"]) == 0
    assert "weather (#636efa)\n  keywords: snow\n  phrases: blue sky" in capsys.readouterr().out
    assert main(["topics", "add", "broken", "--pattern", "([x"]) == 2
    assert "topic patterns: '([x' is not a valid pattern" in capsys.readouterr().err
    assert main(["topics", "remove", "weather"]) == 0
    assert _count(database, "SELECT count(*) FROM topics WHERE name = 'weather'") == 0


def test_community_is_named_before_or_after_the_action_and_a_misspelt_one_is_an_error(tmp_path):
    url = {"ECG_DATABASE_URL": f"sqlite:///{tmp_path / 'ecg.db'}"}
    added = run_ecg(
        ["topics", "add", "rain", "--keyword", "rain", "--community", "acme"], tmp_path, **url
    )
    assert added.returncode == 0, added.stderr
    for args in (
        ["topics", "--community", "acme", "list"],
        ["topics", "list", "--community", "acme"],
    ):
        listed = run_ecg(args, tmp_path, **url)
        assert listed.returncode == 0, listed.stderr
        assert "rain (#636efa)\n  keywords: rain" in listed.stdout
    for group in ("topics", "members", "segments"):
        misspelt = run_ecg([group, "list", "--community", "acne"], tmp_path, **url)
        assert (misspelt.returncode, misspelt.stderr) == (
            2,
            "ecg: error: no community named 'acne'\n",
        )
    engine = make_engine(url["ECG_DATABASE_URL"])
    with engine.connect() as conn:  # listing never made the misspelt community
        assert conn.execute(text("SELECT name FROM communities")).scalars().all() == ["acme"]
    engine.dispose()


def test_every_command_has_help(capsys):
    for command in [
        "init-db",
        "import",
        "simulate",
        "worker",
        "run",
        "topics",
        "users",
        "score",
        "forecast",
        "detect",
        "follow",
        "config",
    ]:
        with pytest.raises(SystemExit) as exit_:
            main([command, "--help"])
        assert exit_.value.code == 0
        assert "usage: ecg" in capsys.readouterr().out


def test_the_commands_parsers_load_none_of_the_libraries_the_commands_use():
    """`ecg --help`, a mistyped command and the start of every command stay quick: a
    command's handler imports what it uses when it runs (dashboard/cli/common.py)."""
    import subprocess
    import sys

    heavy = ("pandas", "numpy", "sqlalchemy", "alembic", "streamlit", "matplotlib", "plotly")
    probe = (
        "import sys; from dashboard.cli.main import build_parser; build_parser(); "
        f"print(sorted(name for name in {heavy!r} if name in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_bots_from_the_flag_and_the_setting_are_left_out_of_member_counts(
    database, tmp_path, monkeypatch
):
    export = tmp_path / "export.csv"
    export.write_text(
        "when,who,name,what\n"
        "2026-03-01T10:00:00Z,u1,Ann,hello\n"
        "2026-03-01T10:01:00Z,b1,Bridge,I have bridged this room\n"
        "2026-03-01T10:02:00Z,b2,Helper,tip of the day\n"
        "2026-03-01T10:03:00Z,u2,Bob,hi Ann\n"
    )
    monkeypatch.setenv("ECG_BOTS", "Helper")
    args = [
        "import",
        str(export),
        "--map",
        "timestamp=when",
        "--map",
        "author=who",
        "--map",
        "author_name=name",
        "--map",
        "text=what",
        "--bot",
        "b1",
    ]
    assert main(args) == 0
    assert _count(database, "SELECT count(*) FROM members WHERE is_bot") == 2
    assert _count(database, "SELECT messages FROM channel_hourly") == 4
    assert _count(database, "SELECT active_authors FROM channel_hourly") == 2


def test_a_database_that_cannot_be_reached_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("ECG_DATABASE_URL", "postgresql://ecg@127.0.0.1:1/nothing")
    assert main(["init-db"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecg: error: the database cannot be reached (")
    assert "Traceback" not in err


def test_ecg_run_in_the_wrong_folder_says_where_it_looked(tmp_path):
    """The default database is data/ecg.db in the folder ecg runs in: run elsewhere, a
    command that reads finds no tables there, and says so (it said 'cannot be reached')."""
    done = run_ecg(["report", "--community", "acme"], tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"ecg: error: no Community ECG data in {tmp_path / 'data' / 'ecg.db'} "
        "(sqlite:///data/ecg.db): run ecg in the folder of your install (the default "
        "database is data/ecg.db there), point ECG_DATABASE_URL at your database, or "
        "import messages first (ecg import)\n"
    )


def test_an_empty_postgresql_database_is_named(database_url):
    done = run_ecg(["report", "--community", "acme"], Path.cwd(), ECG_DATABASE_URL=database_url)
    assert done.returncode == 2
    where = database_url.split("@")[-1] if database_url.startswith("postgresql") else ""
    assert done.stderr.startswith("ecg: error: no Community ECG data in "), done.stderr
    assert where in done.stderr


def test_users_add_list_passwd_remove(database, monkeypatch, capsys):
    monkeypatch.setenv("ECG_PASSWORD", "a first long password")
    assert main(["users", "add", "Ann", "--role", "analyst"]) == 0
    assert main(["users", "add", "boss", "--role", "admin"]) == 0
    assert main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert "ann\tanalyst  (must change password)\n" in out
    assert "added ann (analyst)" in out
    monkeypatch.setenv("ECG_PASSWORD", "short")
    assert main(["users", "passwd", "ann"]) == 2
    assert "a password needs at least 10 characters" in capsys.readouterr().err
    assert main(["users", "remove", "ann"]) == 0
    assert main(["users", "remove", "boss"]) == 2
    assert "the last admin cannot be removed" in capsys.readouterr().err
    assert _count(database, "SELECT count(*) FROM audit_log WHERE action = 'user.add'") == 2
    assert _count(database, "SELECT count(*) FROM users WHERE password_hash LIKE '%long%'") == 0


def test_adding_a_user_with_no_terminal_says_how_to_give_the_password(
    database, monkeypatch, capsys
):
    monkeypatch.delenv("ECG_PASSWORD", raising=False)

    def closed_input(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("getpass.getpass", closed_input)
    assert main(["users", "add", "ann", "--role", "analyst"]) == 2
    assert "no password given: type it at a terminal, or set ECG_PASSWORD" in (
        capsys.readouterr().err
    )


def test_ecg_score_explains_every_word_that_moved_the_score(tmp_path):
    from tests.ecg_process import run_ecg

    texts = tmp_path / "texts.txt"
    texts.write_text("this is not bad\ngreat update but the app is buggy and crashes\n")
    done = run_ecg(["score", str(texts), "--explain"], tmp_path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    # 'not' turns bad's -2.5 into +1.85; after 'but' words weigh 1.5x, before it 0.5x:
    # great 3.1 x 0.5, buggy -1.0 x 1.5, crashes -1.7 x 1.5 (the community words)
    assert rows[0]["explanation"] == "bad(+1.9)"
    assert rows[1]["explanation"] == "crashes(-2.5) great(+1.6) buggy(-1.5)"
    assert rows[1]["label"] == "negative"


def test_texts_piped_in_are_scored_and_classified(tmp_path):
    """`echo TEXT | ecg score -`: a text itself, not a file; and a text given where a file
    is named says how to give it."""
    from tests.ecg_process import run_ecg

    piped = "this is not bad\n这个更新太垃圾了，一直闪退\n"
    scored = run_ecg(["score", "-"], tmp_path, stdin=piped)
    assert scored.returncode == 0, scored.stderr
    rows = list(csv.DictReader(io.StringIO(scored.stdout)))
    assert [(r["text"], r["language"], r["label"]) for r in rows] == [
        ("this is not bad", "en", "positive"),
        ("这个更新太垃圾了，一直闪退", "zh", "negative"),
    ]
    kinds = run_ecg(["classify", "-"], tmp_path, stdin="how do I install it?\n")
    assert kinds.returncode == 0, kinds.stderr
    assert list(csv.DictReader(io.StringIO(kinds.stdout)))[0]["kind"] == "question"
    mistaken = run_ecg(["score", "this is great"], tmp_path)
    assert mistaken.returncode != 0 and mistaken.stdout == ""
    assert "No such file or directory (to give the texts themselves, pipe them in" in (
        mistaken.stderr
    )


def test_a_closed_pipe_ends_a_listing_quietly(tmp_path):
    """`ecg members find a | head -1`: the reader goes away, no traceback follows. (`true`
    closes the pipe at once, long before the command has started and writes.)"""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from data_access.db import make_engine
    from tests.kpi_fixture import build_kpi_community

    url = f"sqlite:///{tmp_path / 'pipe.db'}"
    build_kpi_community(make_engine(url))
    env = {"PATH": os.environ["PATH"], "ECG_DATABASE_URL": url, "HOME": str(tmp_path)}
    piped = subprocess.run(
        f"{sys.executable} -m dashboard.cli members --community acme find a | true; "
        "exit ${PIPESTATUS[0]}",
        shell=True, executable="/bin/bash", env=env, capture_output=True, text=True,
        cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    assert piped.returncode == 0 and "Traceback" not in piped.stderr
