"""Exports that round-trip through DuckDB, atomic writes, empty stores, and the GDELT import."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import SHARED
from parley import exports, service
from parley.cli import app
from parley.errors import ParleyError
from parley.exports import gdelt
from parley.store import Store

runner = CliRunner()

DOCS = [
    {
        "id": "x1",
        "url": "https://wire.example/x1",
        "publisher": "Wire One",
        "date": "2021-03-18",
        "title": "Sanctions",
        "text": "The United States imposed sanctions on North Korea on Thursday. "
        "Japan's foreign ministry criticized China over the coast guard law.",
    },
    {
        "id": "x2",
        "url": "https://paper.example/x2",
        "publisher": "Daily Paper",
        "date": "2021-03-19",
        "title": "New sanctions",
        "text": "Washington imposed new sanctions on North Korea on Thursday, the Treasury said.",
    },
]


@pytest.fixture(scope="module")
def filled(tmp_path_factory, parley):
    folder = tmp_path_factory.mktemp("exports")
    source = folder / "docs.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    db = folder / "p.duckdb"
    with Store(db) as store:
        service.ingest([str(source)], store, parley=parley)
        events = {e["event_id"]: e for e in store.events()}
    return db, events


def _read_tsv(path: Path, columns: list[str]) -> list[dict]:
    con = duckdb.connect()
    spec = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
    rows = con.execute(
        f"SELECT * FROM read_csv('{path}', delim='\\t', header=false, quote='', escape='', "
        f"columns={{{spec}}})"
    ).fetchall()
    return [dict(zip(columns, row, strict=True)) for row in rows]


@pytest.mark.skipif(
    not (SHARED / "reference" / "gdelt2_event_columns.csv").exists(),
    reason="shared reference data not present",
)
def test_gdelt_columns_match_the_codebook():
    with open(SHARED / "reference" / "gdelt2_event_columns.csv", encoding="utf-8") as handle:
        reference = [row["column"] for row in csv.DictReader(handle)]
    assert gdelt.EVENT_COLUMNS == reference and len(reference) == 61


def test_gdelt_event_export_round_trips(filled, tmp_path):
    db, events = filled
    out = tmp_path / "events.tsv"
    with Store(db) as store:
        assert exports.export(store, "gdelt", out) == len(events)
    rows = _read_tsv(out, gdelt.EVENT_COLUMNS)
    assert len(rows) == len(events)
    by_id = {gdelt.gdelt_id(event_id): event for event_id, event in events.items()}
    for row in rows:
        event = by_id[int(row["GLOBALEVENTID"])]
        assert row["EventCode"] == event["cameo"] and row["EventRootCode"] == event["cameo"][:2]
        assert row["SQLDATE"] == (event["date"] or "").replace("-", "")
        assert int(row["NumMentions"]) == event["mentions"] and int(row["NumSources"]) == event["sources"]
        assert int(row["QuadClass"]) == event["quad_class"]
        assert float(row["GoldsteinScale"]) == event["goldstein"]
        assert row["Actor1CountryCode"] == event["source"]["country"]
    sanction = next(r for r in rows if r["EventRootCode"] == "16" and r["Actor2CountryCode"] == "PRK")
    assert sanction["EventCode"].startswith("16") and sanction["Actor2Geo_CountryCode"] == "KN"
    assert int(sanction["NumSources"]) == 2 and int(sanction["NumArticles"]) == 2
    assert sanction["Actor1Geo_CountryCode"] == "US" and sanction["ActionGeo_CountryCode"] is None
    assert sanction["SOURCEURL"] == "https://wire.example/x1"  # the first report
    consult_like = [r for r in rows if r["EventCode"].startswith("0")]
    assert all(len(r["EventCode"]) == 3 for r in consult_like)  # leading zeros kept


def test_gdelt_header_row(filled, tmp_path):
    db, _ = filled
    out = tmp_path / "events.tsv"
    with Store(db) as store:
        exports.export(store, "gdelt", out, header=True)
    assert out.read_text(encoding="utf-8").splitlines()[0].split("\t") == gdelt.EVENT_COLUMNS


def test_gdelt_mentions_export_round_trips(filled, tmp_path):
    db, events = filled
    out = tmp_path / "mentions.tsv"
    with Store(db) as store:
        count = exports.export(store, "gdelt-mentions", out)
        total = store.counts()["mentions"]
    rows = _read_tsv(out, gdelt.MENTION_COLUMNS)
    assert count == total == len(rows)
    per_event: dict[str, int] = {}
    for row in rows:
        per_event[row["GLOBALEVENTID"]] = per_event.get(row["GLOBALEVENTID"], 0) + 1
        assert row["MentionType"] == "1" and row["MentionIdentifier"].startswith("https://")
        assert 0 <= int(row["Confidence"]) <= 100 and int(row["SentenceID"]) >= 1
    assert per_event == {str(gdelt.gdelt_id(i)): e["mentions"] for i, e in events.items()}


def test_plover_export_round_trips(filled, tmp_path):
    db, events = filled
    out = tmp_path / "events.jsonl"
    with Store(db) as store:
        exports.export(store, "plover", out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in records} == set(events)
    for record in records:
        event = events[record["id"]]
        assert list(record)[:4] == ["id", "date", "source", "recipient"]
        assert record["event"] == [event["event_type"]] and record["event_text"] == [event["quote"]]
        assert record["source"][0]["code"] == event["source"]["country"]
        assert record["quad_code"] in (1, 2, 3, 4) and record["date"] == event["date"]
    loaded = duckdb.connect().execute(f"SELECT count(*) FROM read_json_auto('{out}')").fetchone()[0]
    assert loaded == len(events)


def test_polecat_export_round_trips(filled, tmp_path):
    db, events = filled
    out = tmp_path / "events.tsv"
    with Store(db) as store:
        exports.export(store, "polecat", out)
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT * FROM read_csv('{out}', delim='\\t', header=true, quote='', all_varchar=true)"
    )
    names = [c[0] for c in rows.description]
    data = [dict(zip(names, r, strict=True)) for r in rows.fetchall()]
    assert names == exports.POLECAT_COLUMNS and len(data) == len(events)
    assert {r["Event ID"] for r in data} == set(events)
    assert all(r["Quad Code"] in exports.QUAD_NAMES.values() for r in data)


def test_parquet_export_is_partitioned_and_round_trips(filled, tmp_path):
    db, events = filled
    out = tmp_path / "parquet"
    with Store(db) as store:
        exports.export(store, "parquet", out)
        mentions = store.counts()["mentions"]
    assert (out / "events" / "year=2021" / "month=3").is_dir()
    con = duckdb.connect()
    back = con.execute(
        f"SELECT event_id, mentions, year, month FROM read_parquet('{out}/events/**/*.parquet', "
        "hive_partitioning=true)"
    ).fetchall()
    assert {r[0]: r[1] for r in back} == {i: e["mentions"] for i, e in events.items()}
    assert {(r[2], r[3]) for r in back} == {(2021, 3)}
    count = con.execute(f"SELECT count(*) FROM read_parquet('{out}/mentions/**/*.parquet')").fetchone()[0]
    assert count == mentions
    with Store(db) as store:  # exporting again replaces the folder
        exports.export(store, "parquet", out)
    assert sorted(p.name for p in out.iterdir()) == ["events", "mentions"]


@pytest.mark.parametrize("format_", exports.FORMATS)
def test_exports_of_an_empty_store_are_valid_and_empty(tmp_path, format_):
    out = tmp_path / f"out.{format_}"
    with Store(tmp_path / "empty.duckdb") as store:
        assert exports.export(store, format_, out) == 0
    con = duckdb.connect()
    if format_ == "parquet":
        assert con.execute(f"SELECT count(*) FROM read_parquet('{out}/events/*.parquet')").fetchone()[0] == 0
    elif format_ == "polecat":
        assert out.read_text(encoding="utf-8").splitlines() == ["\t".join(exports.POLECAT_COLUMNS)]
    else:
        assert out.read_text(encoding="utf-8") == ""


def test_interrupted_export_leaves_no_file(filled, tmp_path, monkeypatch):
    db, _ = filled
    out = tmp_path / "events.tsv"

    def broken(row):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports.gdelt, "event_row", broken)
    with Store(db) as store, pytest.raises(RuntimeError):
        exports.export(store, "gdelt", out)
    assert list(tmp_path.iterdir()) == []
    out.write_text("previous export\n", encoding="utf-8")
    with Store(db) as store, pytest.raises(RuntimeError):
        exports.export(store, "gdelt", out)
    assert out.read_text(encoding="utf-8") == "previous export\n"  # the old file is untouched


def test_export_to_a_missing_folder_is_a_clear_error(filled, tmp_path):
    db, _ = filled
    with Store(db) as store, pytest.raises(ParleyError) as caught:
        exports.export(store, "gdelt", tmp_path / "no" / "such" / "file.tsv")
    assert caught.value.code == "P019"


# ------------------------------------------------------------------ GDELT import
def _gdelt_line(**values) -> str:
    row = dict.fromkeys(gdelt.EVENT_COLUMNS, "")
    row.update({k: str(v) for k, v in values.items()})
    return "\t".join(row[c] for c in gdelt.EVENT_COLUMNS)


def test_gdelt_import_loads_rows_and_reports_bad_lines(tmp_path):
    # a GDELT-shaped file written by the team: two good rows, one short row, one with a bad number
    path = tmp_path / "20190228.export.CSV"
    lines = [
        _gdelt_line(GLOBALEVENTID=830001, SQLDATE=20190228, MonthYear=201902, Year=2019, Actor1Code="USAGOV",
                    Actor1Name="UNITED STATES", Actor1CountryCode="USA", Actor2Code="PRK",
                    Actor2CountryCode="PRK", IsRootEvent=1, EventCode="040", EventBaseCode="040",
                    EventRootCode="04", QuadClass=1, GoldsteinScale=1.0, NumMentions=12, NumSources=4,
                    NumArticles=12, AvgTone=-1.5, DATEADDED=20190228120000,
                    SOURCEURL="https://news.example/hanoi"),
        _gdelt_line(GLOBALEVENTID=830002, SQLDATE=20190301, EventCode="0841", EventBaseCode="084",
                    EventRootCode="08", QuadClass=2, GoldsteinScale=7.0, NumMentions=2),
        "830003\t20190301\ttoo short",
        _gdelt_line(GLOBALEVENTID=830004, SQLDATE="yesterday"),
    ]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors: list[ParleyError] = []
    with Store(tmp_path / "p.duckdb") as store:
        assert exports.import_gdelt(store, path, errors.append) == 2
        assert exports.import_gdelt(store, path, lambda e: None) == 0  # idempotent
        rows = store.query(
            'SELECT GLOBALEVENTID, EventCode, "NumMentions", Actor1Code FROM gdelt_events ORDER BY 1'
        )
        side_by_side = list(store.all_events(dyad=("USA", "PRK")))
    assert rows == [(830001, "040", 12, "USAGOV"), (830002, "0841", 2, None)]
    assert [(r["origin"], r["id"], r["date"], r["cameo"]) for r in side_by_side] == [
        ("gdelt", "830001", "2019-02-28", "040")
    ]
    assert [(e.code, e.line) for e in errors] == [("P018", 3), ("P018", 4)]


def test_gdelt_export_imports_back(filled, tmp_path):
    db, events = filled
    out = tmp_path / "events.tsv"
    with Store(db) as store:
        exports.export(store, "gdelt", out)
    with Store(tmp_path / "other.duckdb") as other:
        assert exports.import_gdelt(other, out, pytest.fail) == len(events)
        codes = {r[0] for r in other.query("SELECT EventCode FROM gdelt_events")}
    assert codes == {e["cameo"] for e in events.values()}


def test_cli_export_import_and_mentions(filled, tmp_path):
    db, events = filled
    out = tmp_path / "events.tsv"
    result = runner.invoke(
        app, ["export", "--db", str(db), "--format", "gdelt", "--out", str(out), "--header"]
    )
    assert result.exit_code == 0 and f"wrote {len(events)}" in result.stderr
    other = tmp_path / "other.duckdb"
    bad = runner.invoke(app, ["import", "--db", str(other), str(out)])  # the header row is not data
    assert bad.exit_code == 1 and "P018" in bad.stderr and "line 1" in bad.stderr
    plain = tmp_path / "plain.tsv"
    runner.invoke(app, ["export", "--db", str(db), "--format", "gdelt", "--out", str(plain)])
    third = tmp_path / "third.duckdb"
    good = runner.invoke(app, ["import", "--db", str(third), str(plain)])
    assert good.exit_code == 0 and f"imported {len(events)} GDELT events" in good.stderr
    both = runner.invoke(app, ["events", "--db", str(third), "--with-gdelt"])
    rows = [json.loads(line) for line in both.stdout.splitlines()]
    assert len(rows) == len(events) and {r["origin"] for r in rows} == {"gdelt"}
    event_id = next(iter(events))
    listed = runner.invoke(app, ["mentions", event_id, "--db", str(db), "--format", "jsonl"])
    mentions = [json.loads(line) for line in listed.stdout.splitlines()]
    assert listed.exit_code == 0 and len(mentions) == events[event_id]["mentions"]
    missing = runner.invoke(app, ["mentions", "evnothing", "--db", str(db)])
    assert missing.exit_code == 2 and "P020" in missing.stderr
    raw = runner.invoke(app, ["events", "--raw", "--db", str(db), "--format", "jsonl"])
    assert len(raw.stdout.splitlines()) == sum(e["mentions"] for e in events.values())
