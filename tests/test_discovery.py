"""Topic discovery: clusters of messages, their names, and `ecg topics discover`."""

from __future__ import annotations

import csv
import math
from datetime import datetime, timedelta

import numpy as np
import pytest

from analysis.cluster_scores import matched_accuracy, normalized_mutual_information
from analysis.discovery import chosen_k, discover, growth, kmeans, terms
from tests.ecg_process import run_ecg

THEMES = {
    "football": [
        "great goal in the football match last night",
        "the striker scored twice, what a football game",
        "our team won the league match on penalties",
        "the goalkeeper saved the penalty in the final",
        "who is the best football player in the league",
        "the match ended in a draw after extra time",
        "the coach changed the team before the football final",
        "fans sang all match long at the stadium",
        "the referee gave a red card to the striker",
        "football season tickets for the stadium are on sale",
    ],
    "cooking": [
        "bake the bread in the oven for forty minutes",
        "add garlic and onion to the pan and fry gently",
        "this pasta recipe needs fresh tomatoes and basil",
        "simmer the soup and season with salt and pepper",
        "my cake recipe uses butter, sugar and eggs",
        "roast the chicken in the oven with potatoes",
        "chop the vegetables and stir fry them in the wok",
        "the sauce needs more garlic and a pinch of salt",
        "knead the dough and let the bread rise overnight",
        "grill the fish with lemon and fresh herbs",
    ],
    "programming": [
        "the python function returns none instead of a list",
        "compile the code with the debug flag and run the tests",
        "my javascript loop never ends, the variable is never updated",
        "use a dictionary in python to count the words",
        "the compiler error says the type of the variable is wrong",
        "write unit tests before you refactor the function",
        "git merge conflict in the main branch of the code",
        "the api returns json that the python client parses",
        "a null pointer exception crashes the java program",
        "install the library with pip and import the module",
    ],
}


def test_terms_are_english_words_without_stopwords_and_chinese_characters_and_pairs():
    assert terms("The app's LOGIN page is broken, x") == ["app", "login", "page", "broken"]
    assert terms("手機很好") == ["手", "机", "很", "好", "手机", "机很", "很好"]  # folded


def test_kmeans_finds_three_separated_groups_and_the_knee_says_three():
    rng = np.random.default_rng(1)
    centres = np.array([[5.0, 0, 0], [0, 5.0, 0], [0, 0, 5.0]])
    points = np.vstack([c + rng.normal(0, 0.3, (40, 3)) for c in centres])
    labels, _ = kmeans(points, 3, np.random.default_rng(2))
    assert normalized_mutual_information(np.repeat([0, 1, 2], 40), labels) == 1.0
    k, costs = chosen_k(points, np.random.default_rng(3))
    assert k == 3
    assert costs[2] == 1.0 and costs[20] == 0.0


def test_cluster_scores_by_hand():
    labels = [0, 0, 1, 1]
    assert normalized_mutual_information(labels, [5, 5, 7, 7]) == pytest.approx(1.0)
    assert normalized_mutual_information(labels, [1, 2, 1, 2]) == pytest.approx(0.0)
    assert matched_accuracy(labels, [1, 1, 1, 2]) == 0.75
    # one cluster holding all: I = 0
    assert normalized_mutual_information(labels, [0, 0, 0, 0]) == pytest.approx(0.0)


def test_growth_is_the_later_share_over_the_earlier_share():
    times = [datetime(2026, 1, d) for d in (1, 2, 3, 4, 5, 6, 7, 8)]
    members = np.array([0, 4, 5, 6])  # 1 of 4 before the 5th, 3 of 4 from it on
    assert growth(times, members, datetime(2026, 1, 5)) == 3.0
    assert growth(times, np.array([5]), datetime(2026, 1, 5)) is None  # new


def test_three_themes_make_three_named_clusters():
    texts = [text for theme in THEMES.values() for text in theme]
    found = discover(texts, 3)
    wanted = np.repeat([0, 1, 2], 10)
    assert normalized_mutual_information(wanted, found.labels) > 0.8
    names = " ".join(cluster.name for cluster in found.clusters)
    assert {"football", "python"} <= set(names.replace(",", " ").split())
    assert all(cluster.size >= 7 for cluster in found.clusters)


def test_search_snippets_clusters_match_the_labels(shared_data):
    """A labelled sample: every 6th of the 12,340 search snippets, k = 8 (the whole file
    is measured in bench/discovery.py: NMI 0.56, accuracy 0.75)."""
    folder = shared_data / "topics"
    texts = (folder / "searchsnippets.txt").read_text(encoding="utf-8").splitlines()[::6]
    labels = (folder / "searchsnippets_labels.txt").read_text().split()[::6]
    found = discover(texts, 8)
    assert normalized_mutual_information(labels, found.labels) == pytest.approx(0.53, abs=0.06)
    assert matched_accuracy(labels, found.labels) > 0.6


def test_chinese_headlines_cluster_by_character_pairs(shared_data):
    lines = (shared_data / "topics" / "thucnews_headlines_dev.txt").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in lines.splitlines()[::5]]
    found = discover([headline for headline, _ in rows], 10)
    labels = [label for _, label in rows]
    assert normalized_mutual_information(labels, found.labels) == pytest.approx(0.36, abs=0.06)
    assert all(len(term) > 1 for c in found.clusters for term in c.keywords)


def test_ecg_topics_discover_writes_row_cluster_name_for_a_file(tmp_path):
    texts = tmp_path / "messages.txt"
    texts.write_text("\n".join(t for theme in THEMES.values() for t in theme) + "\n")
    database = tmp_path / "ecg.db"
    done = run_ecg(
        ["topics", "discover", str(texts), "--k", "3", "--output", str(tmp_path / "out.csv")],
        cwd=tmp_path,
        ECG_DATABASE_URL=f"sqlite:///{database}",
    )
    assert done.returncode == 0, done.stderr
    assert not database.exists()  # a file is clustered without any database
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["row"] for row in rows] == [str(n) for n in range(1, 31)]
    assert {row["cluster"] for row in rows} == {"0", "1", "2"}
    by_cluster = {row["cluster"]: row["cluster_name"] for row in rows}
    assert len(by_cluster) == 3  # one name per cluster
    football = [row["cluster"] for row in rows[:10]]
    assert max(football.count(c) for c in set(football)) >= 8


def test_ecg_topics_discover_chooses_k_and_says_how(tmp_path):
    texts = tmp_path / "messages.txt"
    texts.write_text("\n".join(t for theme in THEMES.values() for t in theme) + "\n")
    done = run_ecg(["topics", "discover", str(texts)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(done.stdout.splitlines()))
    k = len({row["cluster"] for row in rows})
    assert 2 <= k <= 20
    assert f"k = {k}, the knee of the k-means cost" in done.stderr


def test_ecg_topics_discover_refuses_a_bad_k(tmp_path):
    texts = tmp_path / "messages.txt"
    texts.write_text("one\ntwo\n")
    done = run_ecg(["topics", "discover", str(texts), "--k", "0"], cwd=tmp_path)
    assert done.returncode == 2
    assert "--k must be at least 1" in done.stderr


def _import_themes(tmp_path, url: dict, community: str, days_ago: float = 0):
    """THEMES' texts twice over the 20 hours before `days_ago`, imported with `ecg import`."""
    export = tmp_path / f"{community}.csv"
    with open(export, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "author", "channel", "text"])
        texts = [t for theme in THEMES.values() for t in theme]
        newest = datetime.now().astimezone() - timedelta(days=days_ago)
        for n, text in enumerate(texts * 2):
            minutes = math.floor(n * 600 / len(texts))
            sent = newest.timestamp() - minutes * 60
            writer.writerow([f"{sent:.0f}", f"m{n % 7}", "general", text])
    maps = [f"--map={field}={field}" for field in ("timestamp", "author", "channel", "text")]
    imported = run_ecg(
        ["import", str(export), *maps, "--platform", "discord", "--community", community],
        tmp_path,
        **url,
    )
    assert imported.returncode == 0, imported.stderr


def test_ecg_topics_discover_suggests_topics_of_a_community(tmp_path, database_url):
    url = {"ECG_DATABASE_URL": database_url}
    _import_themes(tmp_path, url, "acme")
    # a second community, so the command must be told which one: --community after the
    # action, as docs/discovery.md writes it
    other = run_ecg(
        ["topics", "add", "rain", "--keyword", "rain", "--community", "b"], tmp_path, **url
    )
    assert other.returncode == 0, other.stderr
    unnamed = run_ecg(["topics", "discover", "--k", "3", "--days", "2"], tmp_path, **url)
    assert unnamed.returncode == 2
    assert "there are 2 communities: choose one with --community (acme, b)" in unnamed.stderr
    done = run_ecg(
        ["topics", "discover", "--community", "acme", "--k", "3", "--days", "2"], tmp_path, **url
    )
    assert done.returncode == 0, done.stderr
    assert "3 suggested topics in 60 messages of acme" in done.stdout
    assert "keywords: " in done.stdout
    assert "football" in done.stdout and "python" in done.stdout


def test_an_imported_archive_is_discovered_in_its_own_last_days(tmp_path, database_url):
    url = {"ECG_DATABASE_URL": database_url}
    _import_themes(tmp_path, url, "archive", days_ago=400)  # its newest message: 400 days ago
    done = run_ecg(["topics", "discover", "--k", "3", "--days", "2"], tmp_path, **url)
    assert done.returncode == 0, done.stderr
    assert "3 suggested topics in 60 messages of archive" in done.stdout


def test_too_few_messages_says_whether_more_days_would_help(tmp_path, database_url):
    """60 messages over 20 hours: a 1-day window that holds them all is not "too few, take
    more days" but too few in all; a window of the last day of a longer history is."""
    url = {"ECG_DATABASE_URL": database_url}
    export = tmp_path / "tiny.csv"
    export.write_text(
        "timestamp,author,channel,text\n"
        "2026-03-01T10:00:00Z,ann,general,hello there\n"
        "2026-03-01T11:00:00Z,bo,general,how do i reset my password\n"
        "2026-03-03T12:00:00Z,cy,general,the app crashes on start\n"
    )
    imported = run_ecg(["import", str(export), "--community", "tiny"], tmp_path, **url)
    assert imported.returncode == 0, imported.stderr
    whole = run_ecg(["topics", "discover", "--days", "14"], tmp_path, **url)
    assert whole.returncode != 0
    assert "3 messages in all, too few to find topics in (at least 20 are needed)" in (whole.stderr)
    recent = run_ecg(["topics", "discover", "--days", "1"], tmp_path, **url)
    assert "1 message in the last day with data, too few to find topics in (take more days)" in (
        recent.stderr
    )


def test_the_meaning_weighs_more_in_a_small_set():
    from analysis.discovery import meaning_share

    assert meaning_share(500) == meaning_share(2_000) == pytest.approx(0.7)
    assert meaning_share(10_000) == meaning_share(50_000) == pytest.approx(0.3)
    assert meaning_share(int(math.sqrt(2_000 * 10_000))) == pytest.approx(0.5, abs=1e-4)


def test_the_word_vectors_say_where_they_come_from_and_read_word_pieces():
    from analysis.word_vectors import MODEL_PATH, word_vectors

    with np.load(MODEL_PATH) as stored:
        assert str(stored["source"]).startswith("all-MiniLM-L6-v2 model.safetensors sha256 ")
    vectors = word_vectors()
    pieces = {row: piece for piece, row in vectors.index.items()}
    assert [pieces[r] for r in vectors.pieces("Unfollowing naïve café 我们 42")] == [
        "un",
        "##fo",
        "##llo",
        "##wing",
        "naive",
        "cafe",
        "42",
    ]

    def meaning(text):
        found = vectors.matrix[vectors.pieces(text)].mean(axis=0)
        return found / np.linalg.norm(found)

    assert meaning("laptop") @ meaning("notebook computer") > 0.6
    assert meaning("laptop") @ meaning("football match") < 0.3
