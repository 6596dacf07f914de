"""One record per real-world event: grouping, near-duplicate documents, replacement, queries."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CONTRACT_KEYS, GOLD
from parley import service
from parley.dedup import Mention, group, neardup, window_of
from parley.dedup.evaluate import evaluate_dedup, score_grouping
from parley.store import Store

# A small team-written corpus: one meeting reported three times (one a wire copy), a second meeting
# of the same pair two weeks later, a background mention of the first in a later year, and a
# sanction on the same day against two different targets.
CORPUS = [
    {
        "id": "m1",
        "url": "https://wire.example/m1",
        "publisher": "Wire One",
        "date": "2018-06-13",
        "title": "Trump and Kim meet in Singapore",
        "text": "Donald Trump met Kim Jong Un in Singapore on Tuesday, the first meeting between the "
        "leaders of the two countries. The two men signed a short statement after lunch.",
    },
    {
        "id": "m2",
        "url": "https://paper.example/m2",
        "publisher": "Daily Paper",
        "date": "2018-06-13",
        "title": "Singapore meeting",
        "text": "Donald Trump met Kim Jong Un in Singapore on Tuesday, the first meeting between the "
        "leaders of the two countries. The two men signed a short statement after lunch. "
        "Markets in Seoul rose slightly.",
    },
    {
        "id": "m3",
        "url": "https://other.example/m3",
        "publisher": "Other News",
        "date": "2018-06-12",
        "title": "Historic handshake",
        "text": "Kim Jong Un and Donald Trump shook hands at a hotel on Sentosa island. "
        "Trump held talks with Kim Jong Un for about five hours on June 12.",
    },
    {
        "id": "m4",
        "url": "https://wire.example/m4",
        "publisher": "Wire One",
        "date": "2018-06-27",
        "title": "A second meeting",
        "text": "Donald Trump met Kim Jong Un again on Wednesday, officials said.",
    },
    {
        "id": "m5",
        "url": "https://later.example/m5",
        "publisher": "Later Times",
        "date": "2020-06-12",
        "title": "Two years on",
        "text": "Donald Trump met Kim Jong Un in June 2018, a meeting that raised hopes of a deal. "
        "Two years later, talks have stalled.",
    },
]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in CORPUS), encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path, corpus, parley):
    with Store(tmp_path / "p.duckdb") as store:
        service.ingest([str(corpus)], store, parley=parley)
        yield store


def _consults(store):
    return [e for e in store.events(dyad=("USA", "PRK"), event_type="CONSULT")]


def test_dedup_one_event_per_meeting_with_counts(store):
    consults = sorted(_consults(store), key=lambda e: e["date"])
    assert [e["date"] for e in consults] == ["2018-06-12", "2018-06-27"]
    first, second = consults
    docs = {m["doc_id"] for m in store.mentions(first["event_id"])}
    assert docs == {"m1", "m2", "m3", "m5"}
    assert first["sources"] == 4 and first["articles"] == 4 and first["mentions"] >= 4
    assert (first["first_reported"], first["last_reported"]) == ("2018-06-12", "2020-06-12")
    assert {m["doc_id"] for m in store.mentions(second["event_id"])} == {"m4"}


def test_dedup_background_mention_keeps_the_past_date(store):
    [background] = [m for m in store.mentions() if m["doc_id"] == "m5" and m["event_type"] == "CONSULT"][:1]
    assert background["background"] is True and background["date"].startswith("2018-06")
    assert not any(e["date"] and e["date"].startswith("2020") for e in store.events(event_type="CONSULT"))


def test_dedup_every_link_says_why(store):
    mentions = list(store.mentions())
    assert all(m["link"] for m in mentions)
    copy = next(m for m in mentions if m["doc_id"] == "m2" and m["event_type"] == "CONSULT")
    assert "same story as document m1" in copy["link"] and "quote similarity" in copy["link"]


def test_dedup_syndicated_copy_is_one_story(store):
    stories = dict(store.query("SELECT doc_id, story_id FROM documents"))
    assert stories["m2"] == stories["m1"] == "m1"
    assert len({stories[d] for d in ("m1", "m3", "m4", "m5")}) == 4


def test_dedup_mentions_contract(store):
    event = _consults(store)[0]
    mentions = list(store.mentions(event["event_id"]))
    assert mentions and all(list(m)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS for m in mentions)
    assert all({"event_id", "url", "title", "publisher", "published"} <= set(m) for m in mentions)
    assert {m["url"] for m in mentions} >= {"https://wire.example/m1", "https://paper.example/m2"}


def test_dedup_reingest_is_idempotent_and_order_free(tmp_path, corpus, parley):
    with Store(tmp_path / "a.duckdb") as a, Store(tmp_path / "b.duckdb") as b:
        service.ingest([str(corpus)], a, parley=parley)
        again = service.ingest([str(corpus)], a, parley=parley)
        reversed_path = tmp_path / "reversed.jsonl"
        reversed_path.write_text("".join(json.dumps(d) + "\n" for d in CORPUS[::-1]), encoding="utf-8")
        service.ingest([str(reversed_path)], b, parley=parley)
        assert again.stored == 0
        assert _grouping(a) == _grouping(b)
        assert a.counts() == b.counts()


def _grouping(store):
    groups: dict[str, set] = {}
    for m in store.mentions():
        groups.setdefault(m["event_id"], set()).add((m["doc_id"], m["char_start"], m["event_type"]))
    return sorted(sorted(g) for g in groups.values())


@pytest.mark.parametrize("key", ["url", "id"])
def test_dedup_updated_document_replaces_its_mentions(tmp_path, parley, key):
    path = tmp_path / "v.jsonl"
    first = {"id": "story-1"} if key == "id" else {"url": "https://wire.example/x"}
    first = first | {
        "date": "2019-02-28",
        "text": "Donald Trump met Kim Jong Un on Wednesday.",
    }
    second = dict(first, text="Donald Trump met Kim Jong Un on Wednesday, and Xi Jinping criticized Japan.")
    path.write_text(json.dumps(first) + "\n", encoding="utf-8")
    with Store(tmp_path / "p.duckdb") as store:
        service.ingest([str(path)], store, parley=parley)
        path.write_text(json.dumps(second) + "\n", encoding="utf-8")
        report = service.ingest([str(path)], store, parley=parley)
        replaced = (store.counts(), _grouping(store), {m["quote"] for m in store.mentions()})
    fresh_path = tmp_path / "fresh.jsonl"
    fresh_path.write_text(json.dumps(second) + "\n", encoding="utf-8")  # the new version alone
    with Store(tmp_path / "fresh.duckdb") as fresh:
        service.ingest([str(fresh_path)], fresh, parley=parley)
        expected = (fresh.counts(), _grouping(fresh), {m["quote"] for m in fresh.mentions()})
    assert report.stored == 1 and replaced[0]["documents"] == 1
    assert replaced == expected
    assert any("criticized" in quote for quote in replaced[2])


def test_dedup_interrupted_regroup_is_finished_by_the_next_run(tmp_path, corpus, parley, monkeypatch):
    with Store(tmp_path / "p.duckdb") as store:
        monkeypatch.setattr(store, "regroup", lambda: 0)
        service.ingest([str(corpus)], store, parley=parley)
        assert store.dirty()
        monkeypatch.undo()
    with Store(tmp_path / "p.duckdb") as store:
        assert store.dirty()
        events = list(store.events())  # reading a writable store relinks the dirty blocks first
        assert events and not store.dirty()
        assert store.query("SELECT count(*) FROM mentions WHERE event_id IS NULL")[0][0] == 0


# ------------------------------------------------------------------ the grouping rules alone
def _mention(
    key,
    day,
    precision="day",
    dated=True,
    published=None,
    story=None,
    quote="met",
    block="B",
    text=None,
    earlier=False,
    sentence=0,
):
    return Mention(
        key,
        block,
        key,
        0,
        quote,
        day,
        precision,
        dated,
        published or day,
        story or key,
        date_text=text,
        earlier=earlier,
        sentence=sentence,
    )


def test_dedup_late_and_early_reach_the_neighbouring_day():
    """'late Monday' in one time zone is Tuesday in another; a plain Monday and Tuesday stay apart."""
    monday, tuesday = date(2024, 4, 1), date(2024, 4, 2)
    late = group([_mention("a", monday, text="late Monday"), _mention("b", tuesday, text="on Tuesday")])
    assert late["a"].event_id == late["b"].event_id
    early = group([_mention("a", tuesday, text="early Tuesday"), _mention("b", monday, text="Monday")])
    assert early["a"].event_id == early["b"].event_id
    plain = group([_mention("a", monday, text="on Monday"), _mention("b", tuesday, text="on Tuesday")])
    assert plain["a"].event_id != plain["b"].event_id


def test_dedup_windows_by_precision():
    assert window_of(date(2019, 2, 27), "month", True)[0] == (date(2019, 2, 1), date(2019, 2, 28))
    assert window_of(date(2019, 2, 27), "year", True)[0] == (date(2019, 1, 1), date(2019, 12, 31))
    assert window_of(date(2019, 2, 27), "day", False)[0] == (date(2019, 2, 26), date(2019, 2, 27))
    assert window_of(None, None, False)[0] is None


def test_dedup_near_misses_stay_apart():
    links = group(
        [
            _mention("a", date(2020, 3, 3)),
            _mention("b", date(2020, 3, 3)),
            _mention("c", date(2020, 3, 17)),
            _mention("d", date(2020, 3, 3), block="other target"),
            _mention("e", date(2020, 3, 1), "month", published=date(2023, 1, 1)),
        ]
    )
    assert links["a"].event_id == links["b"].event_id != links["c"].event_id
    assert links["d"].event_id not in {links["a"].event_id, links["c"].event_id}
    assert links["e"].event_id in {links["a"].event_id, links["c"].event_id} and links["e"].background


def test_dedup_undated_report_links_to_the_day_it_reports():
    links = group([_mention("a", date(2020, 3, 3)), _mention("b", date(2020, 3, 4), dated=False)])
    assert links["a"].event_id == links["b"].event_id


def test_dedup_look_back_finds_the_earlier_event():
    """'... had expelled 23 diplomats' in a report two years on joins the expulsion; alone, a
    look-back mention keeps the report's days; an event of its own days beats an older one; one
    more than three years back is out of reach."""
    expelled, later = date(2018, 3, 14), date(2020, 3, 4)
    links = group(
        [
            _mention("a", expelled, quote="expelled diplomats"),
            _mention("b", later, dated=False, earlier=True, quote="had expelled diplomats"),
        ]
    )
    assert links["a"].event_id == links["b"].event_id
    assert links["b"].background and "earlier" in links["b"].reason
    alone = group([_mention("x", later, dated=False, earlier=True), _mention("y", later, dated=False)])
    assert alone["x"].event_id == alone["y"].event_id and not alone["x"].background
    recent = group(
        [
            _mention("old", date(2017, 8, 29), quote="missile flew over northern Japan", block="M"),
            _mention("new", date(2017, 9, 14), quote="missile launch", block="M"),
            _mention(
                "after",
                date(2017, 9, 15),
                dated=False,
                earlier=True,
                quote="missile flew over Japan",
                block="M",
            ),
        ]
    )
    assert recent["after"].event_id == recent["new"].event_id != recent["old"].event_id
    too_old = group([_mention("a", date(2010, 1, 5)), _mention("b", later, dated=False, earlier=True)])
    assert too_old["a"].event_id != too_old["b"].event_id


def test_dedup_undated_act_after_the_lead_looks_back_a_month():
    """A report's first sentence tells its news; an undated act further down may be an earlier
    one ("The handover took place as Washington threatened tariffs"), found up to a month back.
    An undated lead reaches back three days (a late report), not a week."""
    threat, report = date(2025, 2, 25), date(2025, 3, 4)
    later = group([_mention("a", threat), _mention("b", report, dated=False, sentence=3)])
    assert later["a"].event_id == later["b"].event_id and "after the lead" in later["b"].reason
    lead = group([_mention("a", threat), _mention("b", report, dated=False, sentence=0)])
    assert lead["a"].event_id != lead["b"].event_id
    late = group([_mention("a", threat), _mention("b", date(2025, 2, 28), dated=False, sentence=0)])
    assert late["a"].event_id == late["b"].event_id
    too_old = group([_mention("a", date(2024, 12, 1)), _mention("b", report, dated=False, sentence=3)])
    assert too_old["a"].event_id != too_old["b"].event_id


def test_dedup_a_round_span_reaches_the_neighbouring_month():
    """'two months after Algeria cut ties' in November: late August counts."""
    links = group(
        [
            _mention("a", date(2021, 8, 24)),
            _mention("b", date(2021, 9, 3), "month", published=date(2021, 11, 3), text="two months after"),
            _mention("c", date(2021, 9, 3), "month", published=date(2021, 11, 3), text="in September"),
        ]
    )
    assert links["a"].event_id == links["b"].event_id != links["c"].event_id


def test_dedup_a_visit_spans_the_days_it_is_reported_on():
    """Arrival on Tuesday, talks on Wednesday, departure on Sunday and an undated report of the
    arrival are one visit; another meeting of the pair ten days on is not, nor is a second event
    of a type that does not run over days."""
    visit = [date(2023, 9, 12), date(2023, 9, 13), date(2023, 9, 17)]
    mentions = [_mention(f"v{i}", d, block="PRK|RUS|CONSULT") for i, d in enumerate(visit)]
    mentions.append(_mention("undated", date(2023, 9, 12), dated=False, sentence=1, block="PRK|RUS|CONSULT"))
    mentions.append(_mention("later", date(2023, 9, 27), block="PRK|RUS|CONSULT"))
    links = group(mentions)
    assert len({links[k].event_id for k in ("v0", "v1", "v2", "undated")}) == 1
    assert links["later"].event_id != links["v0"].event_id
    strikes = group([_mention("a", date(2023, 9, 12)), _mention("b", date(2023, 9, 14))])
    assert strikes["a"].event_id != strikes["b"].event_id


def test_dedup_undated_documents_link_only_through_their_story():
    links = group(
        [
            _mention("a", None, None, False, story="s"),
            _mention("b", None, None, False, story="s"),
            _mention("c", None, None, False, story="t"),
        ]
    )
    assert links["a"].event_id == links["b"].event_id != links["c"].event_id


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_dedup_grouping_does_not_depend_on_order(seed):
    rng = random.Random(seed)
    days = [date(2020, 1, 1 + rng.randrange(20)) for _ in range(25)]
    mentions = [
        _mention(f"k{i}", d, rng.choice(["day", "day", "month"]), rng.random() > 0.2, story=f"s{i % 7}")
        for i, d in enumerate(days)
    ]
    first = group(mentions)
    shuffled = mentions[:]
    rng.shuffle(shuffled)
    assert group(shuffled) == first


def test_dedup_neardup_separates_copies_from_rewrites():
    story = CORPUS[0]["text"]
    copy = CORPUS[1]["text"]
    rewrite = CORPUS[2]["text"]
    assert neardup.similarity(neardup.signature(story), neardup.signature(copy)) >= neardup.THRESHOLD
    assert neardup.similarity(neardup.signature(story), neardup.signature(rewrite)) < 0.2
    assert len(neardup.bands(neardup.signature(story))) == neardup.BANDS
    assert neardup.signature("") is not None and neardup.shingles("") == set()


# ------------------------------------------------------------------ scoring
def test_dedup_pairwise_scores_on_a_hand_made_grouping():
    def m(doc, event_id, source="USA", target="PRK", type_="CONSULT"):
        return {
            "doc_id": doc,
            "event_id": event_id,
            "event_type": type_,
            "source": {"country": source},
            "target": {"country": target},
            "date": None,
            "date_text": None,
            "quote": "",
            "link": "",
        }

    gold = {
        "d1": [{"event": "E1", "source": "USA", "target": "PRK", "type": "CONSULT"}],
        "d2": [{"event": "E1", "source": "USA", "target": "PRK", "type": "CONSULT"}],
        "d3": [{"event": "E2", "source": "USA", "target": "PRK", "type": "CONSULT"}],
    }
    scores = score_grouping([m("d1", "x"), m("d2", "x"), m("d3", "x"), m("d3", "y", type_="ACCUSE")], gold)
    assert (scores.true_links, scores.predicted_links, scores.correct_links) == (1, 3, 1)
    assert scores.precision == pytest.approx(1 / 3, abs=1e-3) and scores.recall == 1.0
    assert scores.matched == 3 and scores.mentions == 4


# Floors sit a little under the measured scores. dev, dev2, dev3 and dev4 were tuned on; test was written
# by a separate author and only scored. Its recall (0.756 when measured) is below the 0.95.
@pytest.mark.slow
@pytest.mark.parametrize(
    "split, precision, recall",
    [
        ("dev", 0.97, 0.97),
        ("dev2", 0.95, 0.95),
        ("dev3", 0.93, 0.94),
        ("dev4", 0.97, 0.97),
        ("dev5", 0.97, 0.95),
        ("dev6", 0.95, 0.92),
        ("dev7", 0.97, 0.92),
        ("dev8", 0.97, 0.95),
        ("dev9", 0.95, 0.95),
        ("dev10", 0.97, 0.97),
        ("dev11", 0.97, 0.95),
        ("dev12", 0.97, 0.95),
        ("test", 0.97, 0.93),
    ],
)
def test_dedup_gold_floors(split, precision, recall, parley):
    scores = evaluate_dedup(GOLD / f"dedup_{split}.jsonl", parley)
    assert scores.gold_events >= 30 and scores.matched >= 70
    assert scores.precision >= precision and scores.recall >= recall, scores.to_dict()
