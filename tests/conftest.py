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


# A document that tries to run script in the dashboard (it must be shown as text).
HOSTILE = {
    "id": "hostile-1",
    "date": "2021-03-18",
    "title": "<script>window.pwned = 1</script>Title",
    "url": "https://example.test/hostile",
    "publisher": "Test Wire",
    "text": "North Korea condemned the United States on Thursday. <script>window.pwned = 1</script> "
    '<img src=x onerror="window.pwned = 2"> The ministry said so.',
}


# Japanese, Korean and Chinese text for the dashboard to render.
CJK = {
    "id": "cjk-1",
    "date": "2023-03-16",
    "title": "日韓首脳会談 / 한일 정상회담 / 日韩首脑会谈",
    "text": "岸田文雄首相は尹錫悦大統領と東京で会談した。 윤석열 대통령은 도쿄에서 기시다 총리와 만났다. "
    "中国外交部对此表示关注。",
}


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, parley) -> Path:
    """The demo corpus plus the hostile document, ingested once for the API and browser tests."""
    import json

    from parley import service
    from parley.demo import demo_corpus
    from parley.store import Store

    folder = tmp_path_factory.mktemp("demo-db")
    extra = folder / "hostile.jsonl"
    extra.write_text(json.dumps(HOSTILE) + "\n" + json.dumps(CJK) + "\n", encoding="utf-8")
    path = folder / "demo.duckdb"
    with Store(path) as store:
        service.ingest([str(demo_corpus()), str(extra)], store, parley=parley)
    return path
