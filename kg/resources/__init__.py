"""Package data: the ontology, the canned queries and the bundled inputs.

The top-level ``ontology/``, ``queries/`` and ``data/`` folders are installed as
``kg.resources.ontology``, ``kg.resources.queries`` and ``kg.resources.data``
(see ``pyproject.toml``), so an installed peelkg needs no checkout.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def _folder(package: str) -> Path:
    with as_file(files(package)) as path:
        return Path(path)


def ontology_dir() -> Path:
    return _folder("kg.resources.ontology")


def queries_dir() -> Path:
    return _folder("kg.resources.queries")


def corpus_dir() -> Path:
    return _folder("kg.resources.data") / "corpus"


def reference_dir() -> Path:
    return _folder("kg.resources.data") / "reference"
