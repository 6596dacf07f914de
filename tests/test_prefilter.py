"""The prefilter: which sentences reach the parser, and what that costs in events."""

from __future__ import annotations

import json

import pytest

from conftest import GOLD
from parley.models import Document
from parley.pipeline import Parley
from parley.prefilter import noun_forms, verb_forms


@pytest.fixture(scope="module")
def fast(parley):
    filtered = Parley(prefilter=True)
    # share the loaded pieces with the session pipeline
    for name in ("nlp", "kb", "frames", "coder"):
        filtered.__dict__[name] = getattr(parley, name)
    return filtered


def test_prefilter_inflections():
    assert {"meets", "meeting"} <= verb_forms("meet") and {"condemned", "condemns"} <= verb_forms("condemn")
    assert {"sanctioned", "sanctioning"} <= verb_forms("sanction") and "ties" in noun_forms("tie")
    assert {"rallied", "rallies"} <= verb_forms("rally")


def test_prefilter_passes_event_sentences_and_drops_the_rest(fast):
    text = (
        "Shares closed higher on the day. North Korea criticized the United States on Monday. "
        "Heavy rain is expected across the region. Kim Jong Un met Vladimir Putin in Vladivostok."
    )
    passes = [s.passes for s in fast.prefilter.segments(text)]
    assert passes == [False, True, False, True]
    irregular = fast.prefilter.segments("Putin met Kim in the Far East.")
    assert irregular[0].passes  # "met" comes from the model's lemmatizer exceptions


def test_prefilter_keeps_original_offsets_and_sentences(fast, parley):
    text = "The weather was mild. North Korea criticized the United States on Monday. Shares rose."
    document = Document(text=text, id="d")
    [full] = parley.code_batch([document])
    [quick] = fast.code_batch([document])
    assert [e.to_dict() for e in quick.events] == [e.to_dict() for e in full.events]
    event = quick.events[0]
    assert text[event.char_start : event.char_end] == event.quote and event.sentence == 1


@pytest.mark.slow
@pytest.mark.parametrize("split", ["dev", "dev2", "test"])
def test_prefilter_loses_no_event_on_the_gold_sets(split, fast, parley):
    documents = [
        Document(text=json.loads(line)["text"], id=str(i))
        for i, line in enumerate((GOLD / f"{split}.jsonl").read_text(encoding="utf-8").splitlines())
    ]

    def keys(coded):
        return {
            (e.doc_id, e.char_start, e.char_end, e.event_type, e.source.actor_id)
            for c in coded
            for e in c.events
        }

    assert keys(fast.code_batch(documents)) == keys(parley.code_batch(documents))


def test_prefilter_dropped_sentences_still_name_people_for_later_surnames(fast, parley):
    text = (
        "North Korean leader Kim Jong Un and Russian Defence Minister Sergei Shoigu watched a parade. "
        "The parade marked the anniversary of the armistice. "
        "Kim met Shoigu on Wednesday and gave him a tour of a weapons exhibition."
    )
    document = Document(text=text, id="k")
    assert [s.passes for s in fast.prefilter.segments(text)][:2] == [False, False]
    [full] = parley.code_batch([document])
    [quick] = fast.code_batch([document])
    assert quick.events and [e.to_dict() for e in quick.events] == [e.to_dict() for e in full.events]
    assert {e.source.actor_id for e in quick.events} == {"PRK.KIM_JONG_UN", "RUS.SHOIGU_SERGEI"}


def test_prefilter_checks_the_words_a_frame_needs_besides_its_trigger(fast):
    # "give" is a trigger only with an object the frames name (asylum, aid, an apology...)
    text = (
        "Officials did not give further details. Sweden gave asylum to two defectors from Belarus. "
        "The spokesman said the figures would be revised. The envoy said Iran must release the crew."
    )
    assert [s.passes for s in fast.prefilter.segments(text)] == [False, True, False, True]


def test_prefilter_pieces_keep_their_own_sentences(fast, parley):
    # Without preset boundaries the parser ran a piece ending in a closing quote into the next one
    # across the blank line, and the second piece's event was lost.
    text = (
        'Putin, speaking in Hanoi on Thursday, warned that arming Ukraine would be "a very big mistake." '
        "Rice prices climbed for a third month. "
        "Secretary of State Antony Blinken and South Korean Foreign Minister Cho Tae-yul condemned the "
        "treaty in a phone call on Thursday. The two Koreas also agreed to field joint teams at the games."
    )
    document = Document(text=text, id="q")
    [full] = parley.code_batch([document])
    [quick] = fast.code_batch([document])
    assert {e.event_type for e in full.events} >= {"ACCUSE", "AGREE"}
    assert [e.to_dict() for e in quick.events] == [e.to_dict() for e in full.events]
