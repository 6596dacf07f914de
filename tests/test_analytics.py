"""Analytics over canonical events: series, shifts, network, formula timeline, and their commands."""

from __future__ import annotations

import json
from datetime import date, timedelta

import networkx as nx
import pytest
from typer.testing import CliRunner

from parley import analytics, synthetic
from parley.cli import app
from parley.store import Store

runner = CliRunner()


def _event(
    store: Store, n: int, day: date, source: str, target: str, score: float, quad: int, goldstein: float
):
    """One canonical event row written directly (the analytics read only the events table)."""
    store.con.execute(
        """INSERT INTO events (event_id, gdelt_id, block, doc_id, sentence, char_start, char_end, quote,
            event_type, contexts, cameo, goldstein, quad_class, plover_score, source_actor_id, source_country,
            source_name, target_actor_id, target_country, target_name, date, date_precision, confidence,
            rule, mentions, articles, sources, stories)
        VALUES (?, ?, 'b', ?, 0, 0, 5, ?, 'ACCUSE', [], '111', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'day', 0.9,
            'test', 2, 1, 1, 1)""",
        [f"ev{n:04d}", n, f"doc{n}", f"quote {n}", goldstein, quad, score, source, source, source,
         target, target, target, day],
    )  # fmt: skip


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "a.duckdb") as store:
        # USA -> PRK: twenty quiet weeks around -2, then one week of strong conflict
        start = date(2024, 1, 1)  # a Monday
        n = 0
        for week in range(20):
            for offset, score in ((0, -2.0), (2, -2.5), (4, -1.5)):
                n += 1
                _event(store, n, start + timedelta(weeks=week, days=offset), "USA", "PRK", score, 3, -2.0)
        for offset in range(3):
            n += 1
            _event(store, n, start + timedelta(weeks=20, days=offset), "USA", "PRK", -9.0, 4, -10.0)
        n += 1
        _event(store, n, date(2024, 2, 5), "PRK", "USA", 3.0, 1, 1.0)
        store.con.execute(
            "INSERT INTO documents (doc_id, text, published, n_events) "
            "VALUES ('d1', 'x', DATE '2024-01-03', 0), ('d2', 'y', DATE '2024-01-20', 0)"
        )
        yield store


def test_analytics_dyad_series_by_month(store):
    series = analytics.dyad_series(store.con, "USA", "PRK", "month")
    january = series[0]
    assert january["period"] == "2024-01-01"
    # weeks of 1, 8, 15 and 22 January hold 3 events each; the week of the 29th two (the third is 2 Feb)
    assert january["events"] == 14 and january["quad"] == {"1": 0, "2": 0, "3": 14, "4": 0}
    assert january["goldstein_sum"] == -28.0 and january["plover_mean"] == round(-28.5 / 14, 3)
    assert sum(r["events"] for r in series) == 63
    normalised = analytics.dyad_series(store.con, "USA", "PRK", "month", normalise=True)
    assert normalised[0]["documents"] == 2 and normalised[0]["events_per_100_documents"] == 700.0
    weekly = analytics.dyad_series(store.con, "USA", "PRK", "week", since=date(2024, 5, 20))
    assert [r["period"] for r in weekly] == ["2024-05-20"] and weekly[0]["plover_mean"] == -9.0
    with pytest.raises(ValueError):
        analytics.dyad_series(store.con, "USA", "PRK", "decade")


def test_analytics_shift_flags_the_break_with_its_events(store):
    alerts = analytics.shifts(store.con, threshold=3.0)
    assert [(a.source, a.target, a.week.isoformat(), a.direction) for a in alerts] == [
        ("USA", "PRK", "2024-05-20", "cooler")
    ]
    alert = alerts[0].to_dict()
    assert alert["baseline"] == -2.0 and alert["z"] < -3
    assert len(alert["events"]) == 3 and all(e["plover_score"] == -9.0 for e in alert["events"])
    assert analytics.shifts(store.con, dyad=("PRK", "USA")) == []  # too little history to judge


def test_analytics_network_and_gexf(store, tmp_path):
    graph = analytics.network(store.con)
    assert set(graph.edges) == {("USA", "PRK"), ("PRK", "USA")}
    edge = graph.edges["USA", "PRK"]
    assert edge["weight"] == 63 and edge["score"] < 0 and edge["color"].startswith("#")
    assert analytics.score_colour(-10) == "#c81e1e" and analytics.score_colour(10) == "#1e963c"
    path = tmp_path / "net.gexf"
    analytics.write_gexf(graph, path)
    back = nx.read_gexf(path)
    assert back.edges["USA", "PRK"]["weight"] == 63
    assert set(analytics.network(store.con, since=date(2024, 3, 1)).edges) == {("USA", "PRK")}


def test_analytics_formula_timeline(tmp_path, parley):
    from parley import service

    docs = tmp_path / "statements.jsonl"
    docs.write_text(
        json.dumps({"id": "s1", "date": "2018-06-12", "text": "Washington said it sought the complete "
                    "denuclearization of the Korean Peninsula."}) + "\n"
        + json.dumps({"id": "s2", "date": "2019-02-28", "text": "The State Department said the new text did "
                      "not mention the complete denuclearization of the Korean Peninsula."}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    with Store(tmp_path / "f.duckdb") as store:
        service.ingest([str(docs)], store, parley=parley)
        rows = analytics.formula_timeline(store.con, speaker="USA", category="denuclearization")
    assert [(r["doc_id"], r["status"]) for r in rows][:2] == [("s1", "asserted"), ("s2", "negated")]
    assert rows[0]["date"] == "2018-06-12"


def test_analytics_commands(store, tmp_path):
    db = str(store.path)
    store.close()
    series = runner.invoke(app, ["dyad", "USA-PRK", "--db", db, "--by", "week"])
    assert series.exit_code == 0 and len(series.stdout.splitlines()) == 21
    flagged = runner.invoke(app, ["alerts", "--db", db])
    assert json.loads(flagged.stdout.splitlines()[0])["week"] == "2024-05-20"
    out = tmp_path / "g.gexf"
    made = runner.invoke(app, ["network", "--db", db, "--out", str(out)])
    assert made.exit_code == 0 and "2 actors and 2 edges" in made.stderr and out.exists()
    empty = runner.invoke(app, ["timeline", "--db", db, "--speaker", "USA"])
    assert empty.exit_code == 0 and empty.stdout == ""


def test_synthetic_load_fills_a_store(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        synthetic.load(store, 5000)
        counts = store.counts()
        busiest = store.query(
            "SELECT source_country, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC LIMIT 8"
        )
        series = analytics.dyad_series(store.con, "USA", "PRK")
    assert counts["events"] == counts["mentions"] == counts["documents"] == 5000
    assert {c for c, _ in busiest} <= set(synthetic.COUNTRIES[:8]) | set(synthetic.COUNTRIES)
    assert series and sum(r["events"] for r in series) > 10
