"""Chinese text, read the same way everywhere: Traditional characters folded to their
Simplified form, and the units a Chinese model or rule looks at (characters and runs of
them, since Chinese has no spaces between words).

The character table is OpenCC's (`opencc-python-reimplemented`, its TSCharacters
dictionary: each Traditional character to its first Simplified form), applied with
`str.translate`, so folding costs about a microsecond a message. Characters, not
phrases: 後 becomes 后 everywhere, which is what matching and scoring need.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

# Han ideographs (the unified block and extension A, and compatibility ideographs)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{HAN}]+")
_HAN_CHAR = re.compile(f"[{HAN}]")


@cache
def _traditional_to_simplified() -> dict[int, str]:
    import opencc

    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    folding: dict[int, str] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        if len(traditional) == 1 and simplified:
            folding[ord(traditional)] = simplified.split()[0]
    return folding


def to_simplified(text: str) -> str:
    """`text` with every Traditional Chinese character in its Simplified form."""
    return text.translate(_traditional_to_simplified())


def has_han(text: str) -> bool:
    return _HAN_CHAR.search(text) is not None


def han_runs(text: str) -> list[str]:
    """The runs of Chinese characters in `text`, in order ("我很想去台灣留學" is one)."""
    return _HAN_RUN.findall(text)


def split_by_script(text: str) -> tuple[str, str]:
    """(the Chinese of `text`, the rest): each run of Han characters goes to the first,
    everything between them (English words, emoji, punctuation) to the second, so a
    mixed message can be scored part by part."""
    chinese = " ".join(han_runs(text))
    rest = _HAN_RUN.sub(" ", text)
    return chinese, " ".join(rest.split())
