"""Static English word vectors: one 128-number vector per word piece of the sentence model
all-MiniLM-L6-v2, made once by `scripts/distill_word_vectors.py` and shipped in
`analysis/models/en_word_vectors.npz` (3.4 MB). A text's vector is the average of its
pieces' vectors, so texts about the same thing in different words ("laptop", "notebook
computer") lie close: what topic discovery needs and word counts alone cannot give.

Texts are cut the way the model cuts them: lower case, accents dropped, words and
punctuation apart, each word into the longest pieces of the vocabulary, left to right
("unfollowing" -> "un", "##fo", "##llow", "##ing"). Chinese characters are left out: the
model knows them poorly (discovery reads Chinese by its character pairs instead).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).parent / "models" / "en_word_vectors.npz"
LONGEST_WORD = 100  # characters; a longer "word" (a hash, a URL's tail) has no pieces
_WORDS = re.compile(r"[^\W\d_]+|\d+")  # letters or digits; punctuation and Han left out
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True, eq=False)  # hashed by identity: one instance a process
class WordVectors:
    index: dict[str, int]  # piece -> row of `matrix`
    matrix: np.ndarray  # pieces x dimensions, float32

    def pieces(self, text: str) -> list[int]:
        """The rows of the pieces of `text`'s words, in order; unknown words give none."""
        rows: list[int] = []
        for word in _WORDS.findall(_folded(text)):
            rows.extend(_pieces_of_word(word, self))
        return rows


def _folded(text: str) -> str:
    """Lower case, accents dropped, Chinese characters removed."""
    text = _HAN.sub(" ", text.lower())
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


@lru_cache(maxsize=200_000)
def _pieces_of_word(word: str, vectors: WordVectors) -> tuple[int, ...]:
    index = vectors.index
    if word in index:
        return (index[word],)
    if len(word) > LONGEST_WORD:
        return ()
    found, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else f"##{word[start:end]}"
            if piece in index:
                found.append(index[piece])
                break
            end -= 1
        else:
            return ()  # some part of the word is in no piece: the model would say [UNK]
        start = end
    return tuple(found)


@cache
def word_vectors() -> WordVectors:
    with np.load(MODEL_PATH) as stored:
        pieces = [str(p) for p in stored["pieces"]]
        matrix = stored["vectors"].astype(np.float32) * stored["scale"]
    return WordVectors({piece: row for row, piece in enumerate(pieces)}, matrix)
