"""Sentiment against human ratings, and languages set aside rather than scored neutral."""

from __future__ import annotations

import csv
import html
import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from analysis.community_lexicon import COMMUNITY_LEXICON
from analysis.sentiment import analyse, explain, label_for
from analysis.vader import _CLAUSE_END

GROUND_TRUTH = [
    "amazonReviewSnippets_GroundTruth.txt",
    "movieReviewSnippets_GroundTruth.txt",
    "nytEditorialSnippets_GroundTruth.txt",
]


def _rated_texts(path) -> tuple[list[str], list[float]]:
    texts, ratings = [], []
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        for line in handle:
            parts = line.rstrip("\r\n").split("\t", 2)
            if len(parts) == 3:
                texts.append(parts[2])
                ratings.append(float(parts[1]))
    return texts, ratings


@pytest.mark.parametrize("name", GROUND_TRUTH)
def test_correlation_with_people_is_at_least_plain_vaders(shared_data, name):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    texts, ratings = _rated_texts(shared_data / "sentiment_en" / name)
    assert len(texts) > 3000
    plain = SentimentIntensityAnalyzer()
    plain_scores = [plain.polarity_scores(t)["compound"] for t in texts]
    results = [analyse(t) for t in texts]
    ours = [0.0 if r.compound is None else r.compound for r in results]
    unscored = sum(r.compound is None for r in results)
    assert unscored / len(texts) < 0.005  # English is almost never set aside
    ours_r = np.corrcoef(ours, ratings)[0, 1]
    plain_r = np.corrcoef(plain_scores, ratings)[0, 1]
    assert ours_r >= plain_r - 1e-12
    assert ours_r > 0.4


def test_chinese_reviews_are_scored(shared_data):
    with open(shared_data / "sentiment_zh" / "waimai_10k.csv", encoding="utf-8") as handle:
        reviews = [row["review"] for row in csv.DictReader(handle)][:2000]
    results = [analyse(text) for text in reviews]
    assert sum(r.compound is None for r in results) / len(results) < 0.01
    assert sum(r.language == "zh" for r in results) / len(results) > 0.95


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Das ist wirklich ein schlechter Service, ich bin sehr enttäuscht von euch.", "de"),
        ("Ich habe die Rechnung noch nicht bekommen, könnt ihr mir bitte helfen?", "de"),
        ("アップデートの後にアプリが起動しません。", "ja"),
    ],
)
def test_other_languages_are_unscored(text, language):
    result = analyse(text)
    assert (result.language, result.compound, result.label) == (language, None, "unscored")


@pytest.mark.parametrize("text", ["YEAH", "tyvm", "Fr", "lol", "ok", "gg wp", "brb"])
def test_short_english_chat_is_scored(text):
    assert analyse(text).language == "en"
    assert analyse(text).compound is not None


def test_html_entities_are_unescaped_before_scoring():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    expected = SentimentIntensityAnalyzer().polarity_scores("I love it & it's great")["compound"]
    assert analyse("I love it &amp; it&#39;s great").compound == expected


@pytest.mark.parametrize(
    ("compound", "label"),
    [
        (-0.05, "negative"),
        (-0.0499, "neutral"),
        (0.0, "neutral"),
        (0.0499, "neutral"),
        (0.05, "positive"),
        (None, "unscored"),
    ],
)
def test_label_cut_offs_are_vaders(compound, label):
    assert label_for(compound) == label


def test_explain_lists_the_words_that_moved_the_score():
    assert explain("this is broken and awful :(") == [
        ("broken", -2.1),
        ("awful", -2.0),
        (":(", -1.9),
    ]


def test_a_negation_does_not_reach_across_a_comma():
    # VADER reads "no" three words back across the comma: 'scam' turned +2.0, 'great' -2.3
    assert explain("got banned for no reason, scam") == [
        ("scam", -2.7),
        ("banned", -2.0),
        ("no", -1.2),
    ]
    assert explain("No, it's great") == [("great", 3.1)]
    # -5.9 summed: -5.9 / sqrt(5.9**2 + 15)
    assert analyse("got banned for no reason, scam").compound == pytest.approx(
        -5.9 / math.sqrt(5.9**2 + 15), abs=1e-4
    )
    # capitals stress a word as VADER judges them, over the whole text: 'GREAT' is
    # shouted beside a lower-case word in another clause (3.1 + 0.733 with 'thanks')
    assert analyse("GREAT, thanks").compound == 0.8286


def test_a_negation_does_not_reach_across_a_full_stop():
    # VADER looks three words back across the stop: "can't work. Horrible" turned
    # 'Horrible' positive (+0.55 with the community words); within its sentence it is not
    text = "Everything is offline, we can't work. Horrible downtime"
    assert explain(text) == [("Horrible", -2.5), ("downtime", -1.6), ("offline", -0.5)]
    # VADER's normalisation of the summed valences, -4.6: -4.6 / sqrt(4.6**2 + 15)
    assert analyse(text).compound == pytest.approx(-4.6 / math.sqrt(4.6**2 + 15), abs=1e-4)
    # within a sentence VADER's rule stands: "not bad" is mildly good
    assert explain("It's not bad. I like it")[0] == ("bad", 1.85)


def test_english_scores_are_exactly_vaders(shared_data):
    """Texts of one clause score exactly as VADER's polarity_scores (with the community
    words); skipping VADER for texts without a lexicon word changes no score."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from ingest.simulate import CommunitySpec, simulate_source

    texts = []
    for name in GROUND_TRUTH:
        texts += _rated_texts(shared_data / "sentiment_en" / name)[0]
    with open(shared_data / "chat" / "matrix_array_languages.csv", encoding="utf-8") as handle:
        texts += [row["text"] for row in csv.DictReader(handle)]
    spec = CommunitySpec()
    start = datetime(2026, 3, 2, tzinfo=UTC)
    texts += [
        m.text for m in simulate_source(spec, spec.sources[0], start, start + timedelta(days=2))
    ]
    vader = SentimentIntensityAnalyzer()  # the reference, with the same community words
    vader.lexicon.update(COMMUNITY_LEXICON)
    skipped = 0
    one_sentence = 0
    for text in texts:
        result = analyse(text)
        if result.language != "en" or _CLAUSE_END.search(html.unescape(text).strip()):
            continue
        assert result.compound == vader.polarity_scores(html.unescape(text))["compound"], text
        skipped += result.compound == 0.0
        one_sentence += 1
    assert one_sentence > 20_000
    assert skipped > 1000  # the shortcut is really taken


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("日本語の文章です", "ja"),  # Han with kana is Japanese
        ("한국어 메시지입니다", "ko"),
        ("Это сообщение на русском языке, и оно довольно длинное", "ru"),
        ("Привіт, як справи? Це повідомлення українською мовою", "uk"),
        ("Αυτό είναι ένα μήνυμα", "el"),
        ("The café is open 🎉", "en"),  # a few accents and an emoji stay English
    ],
)
def test_languages_by_script(text, language):
    assert analyse(text).language == language


def test_the_community_words_are_new_to_vader_and_on_its_scale():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vaders_own = SentimentIntensityAnalyzer().lexicon
    assert not set(COMMUNITY_LEXICON) & set(vaders_own)  # no VADER value is changed
    assert all(-4 <= valence <= 4 for valence in COMMUNITY_LEXICON.values())


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        # one word of valence v alone: VADER's normalisation v / sqrt(v² + 15)
        ("the server is laggy", -0.3612),  # -1.5 / sqrt(2.25 + 15)
        ("another outage", -0.4215),  # -1.8 / sqrt(3.24 + 15)
        ("that was a phishing link", -0.5106),  # -2.3 / sqrt(5.29 + 15)
        ("poggers", 0.4404),  # 1.9 / sqrt(3.61 + 15)
        ("the app crashed", -0.4019),  # -1.7 / sqrt(2.89 + 15)
        ("I got scammed", -0.5719),  # -2.7 / sqrt(7.29 + 15)
    ],
)
def test_community_words_score_by_hand(text, compound):
    assert analyse(text).compound == compound


@pytest.mark.parametrize("word", sorted(COMMUNITY_LEXICON))
def test_every_community_word_alone_scores_its_valence(word):
    valence = COMMUNITY_LEXICON[word]
    assert analyse(f"it is {word}").compound == round(valence / (valence**2 + 15) ** 0.5, 4)


def test_explain_gives_each_words_part_after_vaders_rules():
    # 'bad' (-2.5) negated by 'not': -2.5 x -0.74 = +1.85, a word that moved the score up
    assert explain("this is not bad") == [("bad", 1.85)]
    # a negation stops at the full stop: see test_a_negation_does_not_reach_across_a_full_stop


def _vaders_own_valences(vader, sentence: str) -> list[float]:
    """Each word's valence by vaderSentiment's own methods, as its polarity_scores
    computes them before 'but' (the reference for analysis.vader)."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentiText

    sentitext = SentiText(sentence)
    words = sentitext.words_and_emoticons
    sentiments: list[float] = []
    for i, item in enumerate(words):
        if item.lower() in BOOSTER_DICT or (
            i < len(words) - 1 and item.lower() == "kind" and words[i + 1].lower() == "of"
        ):
            sentiments.append(0)
            continue
        sentiments = vader.sentiment_valence(0, sentitext, item, i, sentiments)
    return vader._but_check(words, sentiments)


def _random_sentences(count: int, seed: int) -> list[str]:
    """Sentences made of what VADER's rules read: lexicon and community words, negations,
    boosters and dampeners (some in capitals), 'no', 'least', 'but', 'kind of', idioms
    and special cases, emoticons, plain words, and ! and ? runs."""
    import random

    from vaderSentiment.vaderSentiment import (
        BOOSTER_DICT,
        NEGATE,
        SPECIAL_CASES,
        SentimentIntensityAnalyzer,
    )

    lexicon = sorted(SentimentIntensityAnalyzer().lexicon) + sorted(COMMUNITY_LEXICON)
    pieces = [
        sorted(BOOSTER_DICT),
        NEGATE,
        ["no", "least", "at least", "very least", "but", "kind of", "never so", "without doubt"],
        sorted(SPECIAL_CASES),
        [":)", ":(", ":-D", "<3", ":/", "(:", ";)", "xD"],
        ["the", "app", "server", "is", "was", "this", "so", "or", "nor", "we", "it", "work"],
    ]
    rng = random.Random(seed)
    sentences = []
    for _ in range(count):
        words = []
        for _ in range(rng.randint(1, 12)):
            pool = lexicon if rng.random() < 0.4 else rng.choice(pieces)
            word = rng.choice(pool)
            shape = rng.random()
            if shape < 0.1:
                word = word.upper()
            elif shape < 0.15:
                word = word.capitalize()
            elif shape < 0.2:
                word = f'"{word},'
            words.append(word)
        sentences.append(
            " ".join(words) + rng.choice(["", "", "!", "!!", "!!!!!", "??", "????", "?!"])
        )
    return sentences


def test_the_scorer_is_vaders_word_for_word_on_random_sentences():
    """analysis.vader's own rules against vaderSentiment's methods: every word's valence
    equal (so every sum, and every compound before rounding), and every compound equal
    to polarity_scores (with the same community words), on 20,000 random sentences."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis import vader as own

    vader = SentimentIntensityAnalyzer()
    vader.lexicon.update(COMMUNITY_LEXICON)
    scored = 0
    whole = 0
    for sentence in _random_sentences(20_000, seed=7):
        words, lowers, valences = own._sentence_valences(own.lexicon(), sentence)
        assert own._but_check(lowers, valences) == _vaders_own_valences(vader, sentence), sentence
        scored += any(valences)
        if not _CLAUSE_END.search(sentence):  # else scored clause by clause
            assert own.compound(sentence) == vader.polarity_scores(sentence)["compound"], sentence
            whole += 1
    assert scored > 10_000 and whole > 10_000
