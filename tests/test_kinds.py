"""Message kinds: question, bug report, feature request, complaint, praise, other."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json

import pytest

from analysis import kinds
from analysis.kinds import (
    BUG,
    COMPLAINT,
    FEATURE,
    OTHER,
    PRAISE,
    QUESTION,
    cues,
    features,
    read_kind,
)
from analysis.sentiment import analyse
from tests.ecg_process import run_ecg


def kind_of(text: str) -> str:
    return read_kind(text, analyse(text).compound).kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("How do I reset my password?", QUESTION),
        ("anyone know if the beta works on linux", QUESTION),
        ("mike: is there a way to export the logs", QUESTION),
        ("The app crashes every time I open settings", BUG),
        ("Bug: login page is blank after the update", BUG),
        ("nope, still error", BUG),
        ("servers are down again, cant even log in", BUG),  # a game's chat, no apostrophes
        ("anyone down for ranked tonight", QUESTION),  # "down" alone is no outage
        ("The login page keeps timing out", BUG),  # no "error", no "crash": still trouble
        ("my messages are not showing up", BUG),
        ("Please add a dark mode", FEATURE),
        ("Any plans to support dark mode?", FEATURE),  # asking whether it will be built
        ("Is SSO on the roadmap?", FEATURE),
        ("Are you going to add a dark theme?", FEATURE),
        ("Any plans for the weekend?", QUESTION),  # plans, but no feature in them
        ("Do you plan to attend the meetup?", QUESTION),
        ("It would be nice to have an option to mute a channel", FEATURE),
        ("Thanks so much, great work on the release!", PRAISE),
        ("This is ridiculous, nobody answers here, very disappointed", COMPLAINT),
        ("this matchmaking is absolute garbage, 3 games in a row", COMPLAINT),
        ("see you all tomorrow", OTHER),
        ("I moved the meeting to Thursday.", OTHER),
        ("请问这个怎么安装？", QUESTION),
        ("這個功能在哪裡設定呢", QUESTION),  # Traditional
        ("更新以后一打开就闪退，报错了", BUG),
        ("服务器又掉线了，根本进不去", BUG),  # a game's group: disconnected, can't get in
        ("希望能增加夜间模式", FEATURE),
        ("有没有计划支持深色模式？", FEATURE),
        ("能不能加一个导出功能？", FEATURE),
        ("能不能帮我看看这个问题？", QUESTION),
        ("谢谢大家，这个工具太好用了", PRAISE),
        ("客服太差了，垃圾，我要退款", COMPLAINT),
        ("今天下午三点开会", OTHER),
        ("明天几点开会", QUESTION),  # asked with a question word alone: no 吗, no ？
        ("这个活动谁负责", QUESTION),
    ],
)
def test_hand_worked_messages_get_their_kind(text, kind):
    assert kind_of(text) == kind


def test_a_question_or_report_keeps_its_kind_whatever_its_tone():
    """Tone only decides between praise, complaint and other."""
    assert read_kind("Why is this so terrible?", -0.9).kind == QUESTION
    assert read_kind("The installer crashed", 0.9).kind == BUG
    assert read_kind("see you tomorrow", -0.9).kind == COMPLAINT  # strongly negative alone
    assert read_kind("see you tomorrow", None).kind == OTHER  # not scored: no tone


def test_cues_read_past_an_addressee_and_fold_traditional_characters():
    assert cues("carl: how do i mount it").question
    assert not cues("carl: mount it like this").question
    assert cues("軟件一直閃退").trouble  # 闪退 in Traditional
    assert cues("Add CSV export").want
    assert not cues("I added the file").want


def test_features_are_words_pairs_marks_and_the_first_line_again():
    assert features("Crash on start?\nsee log") == [
        "<?>",
        "crash",
        "on",
        "start",
        "see",
        "log",
        "crash on",
        "on start",
        "start see",
        "see log",
        "^<?>",
        "^<?end>",
        "^crash",
        "^on",
        "^start",
        "^crash on",
        "^on start",
    ]
    assert "how" in features("怎么安装")  # the Chinese cue's English stand-in


def test_confidence_is_half_for_the_cue_and_half_the_models_probability():
    model = kinds.model()
    text = "Please add a dark mode"
    probability = dict(zip(model.kinds, model.probabilities(text), strict=True))[FEATURE]
    assert read_kind(text, 0.3).confidence == round(0.5 + 0.5 * probability, 4)
    assert read_kind("thanks, love it", 1.0).confidence == 1.0  # the end of the scale
    assert read_kind("hmm ok", 0.0).confidence == 1.0


def issue_reports(shared_data, name):
    from analysis.training.kinds import issue_reports as read

    return read(shared_data, name)


def test_issue_reports_test_file_macro_f1(shared_data):
    """Trained on the train file only; the test file's 1,500 reports (published
    baseline: SetFit with a downloaded sentence model, 0.827)."""
    from analysis.training.kinds import ISSUES_TEST, macro_f1

    model = kinds.model()
    test = issue_reports(shared_data, ISSUES_TEST)
    wanted = [report.kind for report in test]
    by_model = [max(zip(model.probabilities(r.text), model.kinds, strict=True))[1] for r in test]
    assert macro_f1(wanted, by_model, kinds.MODEL_KINDS) == pytest.approx(0.80, abs=0.015)
    by_product = [kind_of(report.text) for report in test]
    assert macro_f1(wanted, by_product, kinds.MODEL_KINDS) == pytest.approx(0.77, abs=0.02)


def test_hand_labelled_chat_messages(shared_data):
    """200 chat messages labelled by hand (tests/fixtures/kinds/README.md)."""
    from analysis.training.kinds import labelled_chat

    chat = labelled_chat(shared_data)
    assert len(chat) == 200
    right = sum(kind_of(example.text) == example.kind for example in chat)
    assert right / len(chat) == pytest.approx(0.83, abs=0.03)


def test_the_shipped_model_was_trained_on_the_shared_data_as_it_is(shared_data):
    assert set(kinds.model().data) == {
        "feedback/nlbse24_issues_train.csv",
        "chat/stackexchange_coffee.csv",
    }
    for name, digest in kinds.model().data.items():
        assert hashlib.sha256((shared_data / name).read_bytes()).hexdigest() == digest, name


def test_the_training_script_reproduces_the_shipped_model(shared_data):
    """The final fit of scripts/train_kinds.py, run again, gives the committed weights
    exactly (`--check` also redoes the figures)."""
    from analysis.training.kinds import ISSUES_TRAIN, examples_of, fit, questions

    fitted = fit(examples_of(issue_reports(shared_data, ISSUES_TRAIN), questions(shared_data)))
    with gzip.open(kinds.MODEL_PATH, "rt", encoding="utf-8") as handle:
        stored = json.load(handle)
    assert len(fitted.vocabulary) == len(stored["weights"]) > 20_000
    made = {
        feature: [round(float(w), 4) for w in fitted.weights[index]]
        for feature, index in fitted.vocabulary.items()
    }
    assert made == stored["weights"]
    assert [round(float(b), 4) for b in fitted.bias] == stored["bias"]


def test_macro_f1_by_hand():
    from analysis.training.kinds import macro_f1

    wanted = [QUESTION, QUESTION, BUG, FEATURE]
    found = [QUESTION, BUG, BUG, QUESTION]
    # question: P 1/2 R 1/2 F 1/2; bug: P 1/2 R 1 F 2/3; feature: 0
    assert macro_f1(wanted, found, (QUESTION, BUG, FEATURE)) == pytest.approx((0.5 + 2 / 3) / 3)


def test_ecg_classify_writes_kind_and_confidence_for_a_text_file(tmp_path):
    texts = tmp_path / "messages.txt"
    texts.write_text("How do I reset my password?\n\n希望能增加夜间模式\nsee you tomorrow\n")
    done = run_ecg(["classify", str(texts)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert [(r["row"], r["language"], r["kind"]) for r in rows] == [
        ("1", "en", QUESTION),
        ("2", "zh", FEATURE),
        ("3", "en", OTHER),
    ]
    assert rows[0]["confidence"] == f"{read_kind(rows[0]['text'], 0.0).confidence:.3f}"


def test_ecg_classify_joins_csv_columns_and_writes_a_file(tmp_path):
    issues = tmp_path / "issues.csv"
    with open(issues, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "body"])
        writer.writerow(["7", "Crash when saving", "The editor crashes, see the trace"])
        writer.writerow(["8", "Support dark mode", "It would be nice to have a dark theme"])
    out = tmp_path / "kinds.csv"
    done = run_ecg(
        ["classify", str(issues), "--column", "title", "--column", "body", "--output", str(out)],
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["kind"] for r in rows] == [BUG, FEATURE]
    assert rows[0]["text"] == "Crash when saving\nThe editor crashes, see the trace"
    assert "classified 2 texts" in done.stderr


def test_ecg_classify_reads_a_csv_saved_by_excel_in_gbk(tmp_path):
    """Excel on a Chinese Windows saves a CSV in GBK: read in it, not refused as UTF-8."""
    feedback = tmp_path / "feedback.csv"
    feedback.write_bytes("编号,内容\n1,希望能增加夜间模式\n".encode("gbk"))
    done = run_ecg(["classify", str(feedback), "--column", "内容"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert [(r["text"], r["language"], r["kind"]) for r in rows] == [
        ("希望能增加夜间模式", "zh", FEATURE)
    ]


def test_ecg_classify_names_a_missing_column(tmp_path):
    issues = tmp_path / "issues.csv"
    issues.write_text("title,body\nx,y\n")
    done = run_ecg(["classify", str(issues), "--column", "text"], cwd=tmp_path)
    assert done.returncode == 2
    assert "no column 'text'" in done.stderr
    assert done.stdout == ""  # refused before any output: no header of an empty CSV
    missing = run_ecg(["classify", "nothere.txt", "--output", "out.csv"], cwd=tmp_path)
    assert missing.returncode == 2
    assert "nothere.txt: No such file or directory" in missing.stderr
    assert not (tmp_path / "out.csv").exists()
