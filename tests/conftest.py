"""Shared fixtures: the pipeline is loaded once per session (the model takes a second)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from parley.pipeline import Parley

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = Path(__file__).parent / "gold"
# The machine contract's keys, in order (the foundation issue pins them).
CONTRACT_KEYS = [
    "doc_id",
    "sentence",
    "char_start",
    "char_end",
    "quote",
    "event_type",
    "mode",
    "contexts",
    "cameo",
    "goldstein",
    "quad_class",
    "plover_score",
    "source",
    "target",
    "date",
    "date_precision",
    "date_text",
    "confidence",
    "rule",
]
ACTOR_KEYS = ["text", "actor_id", "name", "country", "sector", "cameo"]


@pytest.fixture(scope="session")
def parley() -> Parley:
    pipeline = Parley()
    pipeline.coder  # noqa: B018 - load model, knowledge base and frames once
    return pipeline


@pytest.fixture(scope="session")
def kb(parley):
    return parley.kb


@pytest.fixture
def code(parley):
    """Code one text and return (type, source country, target country) triples."""

    def run(text: str, published: date | None = date(2021, 5, 27)):
        return {
            (e.event_type, e.source.country, e.target.country if e.target else None)
            for e in parley.code_text(text, published=published)
        }

    return run


@pytest.fixture
def events(parley):
    def run(text: str, published: date | None = date(2021, 5, 27)):
        return parley.code_text(text, published=published)

    return run
