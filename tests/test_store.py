"""The DuckDB store: schema and migrations, idempotent and transactional writes, round trips."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley import service
from parley.errors import ParleyError
from parley.models import ActorRef, Document, Event
from parley.store import SCHEMA_VERSION, Store

DOCS = [
    '{"id": "d1", "date": "2021-05-31", "text": "North Korea criticized the United States on Monday."}',
    '{"id": "d2", "date": "2021-05-21", "text": "Joe Biden met Moon Jae-in at the White House."}',
    '{"id": "d3", "date": "2021-04-28", "text": "The weather in Seoul was mild."}',
]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(DOCS) + "\n", encoding="utf-8")
    return path


def test_store_creates_schema_with_a_version(tmp_path):
    with Store(tmp_path / "p.duckdb") as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.counts() == {"documents": 0, "mentions": 0, "events": 0, "actors": 0}
    with Store(tmp_path / "p.duckdb") as store:  # reopening does not migrate twice
        assert store.query("SELECT count(*) FROM schema_version")[0][0] == SCHEMA_VERSION


def test_store_ingest_is_idempotent(tmp_path, corpus, parley):
    with Store(tmp_path / "p.duckdb") as store:
        first = service.ingest([str(corpus)], store, parley=parley)
        counts = store.counts()
        second = service.ingest([str(corpus)], store, parley=parley)
        assert store.counts() == counts
    assert (first.stored, first.skipped) == (3, 0)
    assert (second.stored, second.skipped) == (0, 3)
    assert counts["documents"] == 3 and counts["events"] >= 3


def test_store_crash_mid_batch_leaves_no_partial_document(tmp_path, corpus, parley, monkeypatch):
    """Inject a failure between the document rows and the event rows of a batch."""
    with Store(tmp_path / "p.duckdb") as store:
        original = store._insert_mentions

        def explode(rows):
            raise RuntimeError("disk full")

        monkeypatch.setattr(store, "_insert_mentions", explode)
        with pytest.raises(RuntimeError):
            service.ingest([str(corpus)], store, parley=parley)
        assert store.counts()["documents"] == 0 and store.counts()["mentions"] == 0
        monkeypatch.setattr(store, "_insert_mentions", original)
        report = service.ingest([str(corpus)], store, parley=parley)
        assert report.stored == 3
        per_doc = dict(store.query("SELECT doc_id, n_events FROM documents"))
        stored = dict(store.query("SELECT doc_id, count(*) FROM mentions GROUP BY 1"))
        assert all(per_doc[d] == stored.get(d, 0) for d in per_doc)


def test_store_filters_events(tmp_path, corpus, parley):
    with Store(tmp_path / "p.duckdb") as store:
        service.ingest([str(corpus)], store, parley=parley)
        accuse = list(store.events(event_type="ACCUSE"))
        assert accuse and all(e["event_type"] == "ACCUSE" for e in accuse)
        assert all(e["source"]["country"] == "PRK" for e in store.events(dyad=("PRK", "USA")))
        assert list(store.events(since=date(2030, 1, 1))) == []
        june = list(store.events(since=date(2021, 5, 25), until=date(2021, 6, 30)))
        assert june and all("2021-05-25" <= e["date"] <= "2021-06-30" for e in june)


def test_store_a_locked_or_bad_file_is_a_clear_error(tmp_path):
    from parley.errors import ParleyError

    bad = tmp_path / "not-a-db.duckdb"
    bad.write_text("this is not a database")
    with pytest.raises(ParleyError) as caught:
        Store(bad)
    assert caught.value.code == "P010"


actor_refs = st.builds(
    ActorRef,
    text=st.text(min_size=1, max_size=20),
    actor_id=st.sampled_from(["PRK", "USA", "KOR.MOFA"]),
    name=st.text(max_size=20),
    country=st.sampled_from(["PRK", "USA", "KOR", "UNO"]),
    sector=st.sampled_from(["GOV", "MIL", None]),
    cameo=st.sampled_from(["PRK", "USAGOV"]),
)
events = st.builds(
    Event,
    doc_id=st.just("doc"),
    sentence=st.integers(0, 50),
    char_start=st.integers(0, 500),
    char_end=st.integers(501, 900),
    quote=st.text(max_size=60),
    event_type=st.sampled_from(["ACCUSE", "CONSULT", "SANCTION"]),
    mode=st.sampled_from([None, "visit"]),
    contexts=st.lists(st.sampled_from(["military", "cbrn"]), unique=True, max_size=2),
    cameo=st.sampled_from(["111", "040", "163"]),
    goldstein=st.floats(-10, 10),
    quad_class=st.integers(1, 4),
    plover_score=st.floats(-10, 10),
    source=actor_refs,
    target=st.none() | actor_refs,
    date=st.none() | st.dates(date(1990, 1, 1), date(2030, 1, 1)).map(date.isoformat),
    date_precision=st.sampled_from([None, "day", "month"]),
    date_text=st.none() | st.text(max_size=15),
    confidence=st.floats(0, 1),
    rule=st.text(min_size=1, max_size=20),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=events)
def test_store_round_trips_events(tmp_path_factory, event):
    path = tmp_path_factory.mktemp("rt") / "p.duckdb"
    with Store(path) as store:
        store.add_document(Document(text="x" * 10, id="doc"), [event])
        [back] = list(store.events())
        [mention] = list(store.mentions())
    contract = event.to_dict()
    assert {key: back[key] for key in contract} == contract
    assert {key: mention[key] for key in contract} == contract
    assert (back["mentions"], back["sources"], back["articles"]) == (1, 1, 1)
    assert mention["event_id"] == back["event_id"] and mention["link"].startswith("first report")


def test_store_file_is_plain_duckdb(tmp_path, corpus, parley):
    path = tmp_path / "p.duckdb"
    with Store(path) as store:
        service.ingest([str(corpus)], store, parley=parley)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    con.close()


def test_store_a_document_the_coder_fails_on_is_reported_and_the_rest_stored(
    tmp_path, corpus, parley, monkeypatch
):
    original = parley.coder.code_doc

    def flaky(parsed, document):
        if document.id == "d2":
            raise ValueError("unexpected parse")
        return original(parsed, document)

    monkeypatch.setattr(parley.coder, "code_doc", flaky)
    with Store(tmp_path / "p.duckdb") as store:
        report = service.ingest([str(corpus)], store, parley=parley)
        assert report.stored == 2 and [e.code for e in report.errors] == ["P014"]
        assert "d2" in str(report.errors[0]) and "docs.jsonl:2" in str(report.errors[0])


def test_store_migrates_a_version_2_file(tmp_path, parley):
    """A file written before mentions and canonical events existed keeps its rows and gains events."""
    from parley.pipeline import code_documents
    from parley.store.schema import MENTION_COLUMNS, MIGRATIONS

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    for version in (1, 2):
        for statement in MIGRATIONS[version]:
            con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (?)", [version])
    document = Document(
        text="North Korea criticized the United States on Monday.", published=date(2021, 5, 31)
    )
    [coded] = list(code_documents([document], parley=parley))
    con.execute(
        "INSERT INTO documents (doc_id, text, published, n_events) VALUES (?, ?, ?, ?)",
        [document.id, document.text, document.published, len(coded.events)],
    )
    from parley.store import mention_row

    rows = [mention_row(e)[: len(MENTION_COLUMNS)] for e in coded.events]
    con.executemany(f"INSERT INTO events VALUES ({', '.join('?' * len(MENTION_COLUMNS))})", rows)
    con.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        events = list(store.events())
        mentions = list(store.mentions())
        stories = store.query("SELECT story_id, content_hash FROM documents")
    assert len(mentions) == len(coded.events) and events
    assert {m["event_id"] for m in mentions} == {e["event_id"] for e in events}
    assert stories == [(document.id, document.id)]  # the content hash is the SHA-256 prefix, as ids are


def test_store_killed_ingest_resumes_without_rereading(tmp_path, parley, monkeypatch):
    """A run stopped after its first batch: --resume skips the stored lines unread, stores the rest once."""
    path = tmp_path / "many.jsonl"
    lines = [
        {
            "id": f"n{i}",
            "date": "2021-05-31",
            "text": f"North Korea criticized the United States on Monday ({i}).",
        }
        for i in range(10)
    ]
    path.write_text("".join(__import__("json").dumps(line) + "\n" for line in lines), encoding="utf-8")
    with Store(tmp_path / "p.duckdb") as store:
        original = store.add_batch
        calls = []

        def dies_on_second_batch(*args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise KeyboardInterrupt  # the process is stopped mid-run
            return original(*args, **kwargs)

        monkeypatch.setattr(store, "add_batch", dies_on_second_batch)
        with pytest.raises(KeyboardInterrupt):
            service.ingest([str(path)], store, parley=parley, batch=4)
        monkeypatch.setattr(store, "add_batch", original)
        assert store.counts()["documents"] == 4 and store.checkpoints() == {str(path): 4}
        resumed = service.ingest([str(path)], store, parley=parley, batch=4, resume=True)
        assert resumed.read == 6 and resumed.stored == 6
        assert store.counts()["documents"] == 10
        assert store.query("SELECT count(*), count(DISTINCT event_key) FROM mentions")[0] == (10, 10)
        again = service.ingest([str(path)], store, parley=parley, resume=True)
        assert (again.read, again.stored) == (0, 0)


def test_store_memory_limit_caps_duckdb_and_rejects_nonsense(tmp_path):
    with Store(tmp_path / "m.duckdb", memory_limit="64MB") as store:
        [(limit,)] = store.query("SELECT current_setting('memory_limit')")
        assert limit.replace(" ", "").upper() in ("64.0MB", "61.0MIB", "64MB", "61MIB")
    for bad in ("lots", "64MB'; DROP TABLE documents; --", "-1GB"):
        with pytest.raises(ParleyError, match="not a memory size"):
            Store(tmp_path / "m.duckdb", memory_limit=bad)
