"""The demo: ingest the bundled corpus and summarise it."""

from __future__ import annotations

import time
from pathlib import Path

from parley import service
from parley.datafiles import package_data
from parley.pipeline import Parley
from parley.store import Store


def demo_corpus() -> Path:
    return package_data("demo", "corpus.jsonl")


def run_demo(db: Path, workers: int = 1) -> str:
    """Ingest the demo corpus into `db` and return a readable summary."""
    started = time.perf_counter()
    parley = Parley()
    with Store(db) as store:
        store.sync_actors(parley.kb.actors.values())
        report = service.ingest([str(demo_corpus())], store, workers=workers, parley=parley)
        summary = summarise(store)
    elapsed = time.perf_counter() - started
    head = (
        f"Parley demo: {report.read} documents read, {report.stored} stored now, "
        f"{report.skipped} already stored, {len(report.errors)} errors; "
        f"{elapsed:.1f} s. Database: {db}"
    )
    tail = (
        f"\nTry: parley events --db {db} --dyad PRK-USA --format table\n"
        f"     parley events --db {db} --type SANCTION --since 2017-01-01 --format jsonl\n"
        f"     parley mentions EVENT_ID --db {db} --format table\n"
        f"     parley export --db {db} --format gdelt --out events.tsv\n"
        f"     parley series --db {db} --format table\n"
        f"Dashboard: parley serve --db {db}   (then open http://127.0.0.1:8000/)"
    )
    return head + "\n\n" + summary + tail


def summarise(store: Store) -> str:
    """Events by dyad, the most active actors, and example events with quotes."""
    counts = store.counts()
    lines = [
        f"{counts['documents']} documents, {counts['mentions']} event mentions grouped into "
        f"{counts['events']} events, {counts['actors']} actors in the knowledge base",
        "",
    ]
    lines.append("Events by dyad (source -> target), top 12:")
    for source, target, n, goldstein in store.query(
        "SELECT source_country, target_country, count(*) n, round(avg(goldstein), 1) "
        "FROM events WHERE target_country IS NOT NULL AND source_country <> target_country "
        "GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 12"
    ):
        lines.append(f"  {source}->{target:<5} {n:4d} events   mean Goldstein {goldstein:+.1f}")
    lines += ["", "Most active actors (as source):"]
    for name, country, n in store.query(
        "SELECT source_name, source_country, count(*) n FROM events GROUP BY 1, 2 ORDER BY n DESC, 1 LIMIT 10"
    ):
        lines.append(f"  {name} ({country}): {n}")
    lines += ["", "Events by type:"]
    by_type = store.query("SELECT event_type, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1")
    lines.append("  " + ", ".join(f"{t} {n}" for t, n in by_type))
    lines += ["", "Example events with quotes:"]
    for event_type, date, source, target, quote in store.query(
        "SELECT event_type, date, source_name, target_name, quote FROM ("
        " SELECT *, row_number() OVER (PARTITION BY event_type ORDER BY confidence DESC, date, event_id) r"
        " FROM events WHERE target_name IS NOT NULL) WHERE r = 1 ORDER BY date LIMIT 12"
    ):
        lines.append(f'  {date} {event_type:<9} {source} -> {target}: "{quote}"')
    lines += ["", "Most reported events (mentions / sources):"]
    for event_id, date, event_type, source, target, n, sources in store.query(
        "SELECT event_id, date, event_type, source_name, target_name, mentions, sources FROM events "
        "ORDER BY mentions DESC, sources DESC, date, event_id LIMIT 5"
    ):
        lines.append(f"  {event_id} {date} {event_type:<9} {source} -> {target or '-'}: {n} / {sources}")
    lines += [
        "",
        "Diplomatic formulas (documents asserting / reporting them dropped, rejected or unmentioned):",
    ]
    for formula_id, asserted, other in store.query(
        "SELECT formula_id, count(DISTINCT doc_id) FILTER (WHERE status = 'asserted'),"
        " count(DISTINCT doc_id) FILTER (WHERE status <> 'asserted')"
        " FROM formula_hits GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT 10"
    ):
        lines.append(f"  {formula_id:<45} {asserted:3d} / {other}")
    return "\n".join(lines)
