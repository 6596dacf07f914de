"""The table-driven attribute ruler and lemmatizer give every token what spaCy's own give it."""

from __future__ import annotations

import json

import pytest

from conftest import GOLD
from parley.bench import make_corpus
from parley.pipeline import load_nlp


@pytest.fixture(scope="module")
def pipelines():
    return load_nlp(stock=True), load_nlp()


def _texts() -> list[str]:
    texts = [d["text"] for d in make_corpus(1500)]
    for split in ("dev", "dev2", "test", "dedup_dev"):
        lines = (GOLD / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines if line.strip()]
    # the ruler's multi-word and regex exceptions, spaces, an empty text
    texts += [
        "Y'all ain't gonna believe it, nothin' is certain. Let's go, c'mon! There is   a gap.",
        "There are y'all got ta wait.\n\n  Ya know it's done.",
        "",
    ]
    return texts


@pytest.mark.slow
def test_fast_ruler_matches_spacy_token_for_token(pipelines):
    stock, fast = pipelines
    assert stock.get_pipe("attribute_ruler").match != fast.get_pipe("attribute_ruler").match
    assert type(stock.get_pipe("lemmatizer")) is not type(fast.get_pipe("lemmatizer"))
    texts = _texts()
    compared = 0
    for a, b in zip(stock.pipe(texts), fast.pipe(texts), strict=True):
        assert [(t.pos_, str(t.morph), t.lemma_) for t in a] == [(t.pos_, str(t.morph), t.lemma_) for t in b]
        compared += len(a)
    assert compared > 20000
