"""The public corpus: the directory named by ``EFACTURA_CORPUS``, never a default, never beside the clone.

It holds ANAF's and CEN's example invoices and CEN's rule unit tests, kept outside the repository. A
missing or empty directory, or a folder of it without files, stops the run with an error: the corpus
suite either runs on the whole corpus or fails.
"""

from __future__ import annotations

import os
from pathlib import Path


class CorpusMissing(RuntimeError):
    """``EFACTURA_CORPUS`` is unset or does not name a directory holding the corpus."""


def corpus_root() -> Path:
    value = os.environ.get("EFACTURA_CORPUS")
    if not value:
        raise CorpusMissing("the corpus suite needs EFACTURA_CORPUS=DIR (the public sample invoices)")
    root = Path(value).resolve()
    if not root.is_dir() or not any(root.iterdir()):
        raise CorpusMissing(f"EFACTURA_CORPUS={value}: no such directory, or it is empty")
    return root


CORPUS = corpus_root()


def corpus_files(pattern: str) -> list[Path]:
    """The corpus files matching ``pattern`` (e.g. ``ro-cius-ubl/*.xml``), sorted; none is an error."""
    found = sorted(CORPUS.glob(pattern))
    if not found:
        raise CorpusMissing(f"EFACTURA_CORPUS={CORPUS} holds no {pattern}")
    return found


def corpus_file(name: str) -> Path:
    """One corpus file by its path inside the corpus; absent is an error."""
    path = CORPUS / name
    if not path.is_file():
        raise CorpusMissing(f"EFACTURA_CORPUS={CORPUS} holds no {name}")
    return path
