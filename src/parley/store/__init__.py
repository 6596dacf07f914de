"""The store: a DuckDB file with documents, events and actors.

Each document is written with its events in one transaction, and a document already stored (same
id) is skipped, so ingest is idempotent and a crash never leaves half a document behind.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import duckdb

from parley.errors import ParleyError
from parley.models import ActorRef, Document, Event

DEFAULT_DB = "parley.duckdb"
SCHEMA_VERSION = 2

MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE documents (
            doc_id VARCHAR PRIMARY KEY, text VARCHAR NOT NULL, title VARCHAR, url VARCHAR,
            published DATE, lang VARCHAR, source VARCHAR, n_events INTEGER NOT NULL,
            ingested_at TIMESTAMP DEFAULT current_timestamp)""",
        """CREATE TABLE events (
            event_key VARCHAR PRIMARY KEY, doc_id VARCHAR NOT NULL, sentence INTEGER NOT NULL,
            char_start INTEGER NOT NULL, char_end INTEGER NOT NULL, quote VARCHAR NOT NULL,
            event_type VARCHAR NOT NULL, mode VARCHAR, contexts VARCHAR[], cameo VARCHAR NOT NULL,
            goldstein DOUBLE NOT NULL, quad_class INTEGER NOT NULL, plover_score DOUBLE NOT NULL,
            source_text VARCHAR, source_actor_id VARCHAR, source_name VARCHAR,
            source_country VARCHAR, source_sector VARCHAR, source_cameo VARCHAR,
            target_text VARCHAR, target_actor_id VARCHAR, target_name VARCHAR,
            target_country VARCHAR, target_sector VARCHAR, target_cameo VARCHAR,
            date DATE, date_precision VARCHAR, date_text VARCHAR,
            confidence DOUBLE NOT NULL, rule VARCHAR NOT NULL)""",
        "CREATE INDEX events_doc ON events (doc_id)",
        """CREATE TABLE actors (
            actor_id VARCHAR PRIMARY KEY, kind VARCHAR, name VARCHAR, country VARCHAR,
            sector VARCHAR, cameo VARCHAR, wikidata VARCHAR, parent VARCHAR)""",
    ],
    # formula hits, written with their document; documents stored under version 1 have none
    2: [
        "ALTER TABLE documents ADD COLUMN issuer VARCHAR",
        """CREATE TABLE formula_hits (
            doc_id VARCHAR NOT NULL, char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
            formula_id VARCHAR NOT NULL, label VARCHAR, category VARCHAR, lang VARCHAR,
            text VARCHAR NOT NULL, status VARCHAR NOT NULL, quoted BOOLEAN NOT NULL,
            speaker_actor_id VARCHAR, speaker_name VARCHAR, speaker_country VARCHAR,
            implies VARCHAR[], PRIMARY KEY (doc_id, char_start, formula_id))""",
        "CREATE INDEX formula_hits_formula ON formula_hits (formula_id)",
    ],
}

EVENT_COLUMNS = [
    "event_key",
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
    "source_text",
    "source_actor_id",
    "source_name",
    "source_country",
    "source_sector",
    "source_cameo",
    "target_text",
    "target_actor_id",
    "target_name",
    "target_country",
    "target_sector",
    "target_cameo",
    "date",
    "date_precision",
    "date_text",
    "confidence",
    "rule",
]
ACTOR_FIELDS = ["text", "actor_id", "name", "country", "sector", "cameo"]


def default_path(path: str | os.PathLike | None = None) -> Path:
    """--db, else $PARLEY_DB, else ./parley.duckdb."""
    return Path(path or os.environ.get("PARLEY_DB") or DEFAULT_DB)


class Store:
    """A Parley database file."""

    def __init__(self, path: str | os.PathLike | None = None, read_only: bool = False):
        self.path = default_path(path)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as error:
            raise ParleyError("P010", path=str(self.path), reason=str(error).splitlines()[0]) from None
        if not read_only:
            self.migrate()

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---------------------------------------------------------------- schema
    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()[0]
        if not exists:
            return 0
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return row[0] or 0

    def migrate(self) -> None:
        """Apply the migrations this file has not seen yet, each in its own transaction."""
        current = self.schema_version()
        for version in sorted(v for v in MIGRATIONS if v > current):
            self.con.execute("BEGIN TRANSACTION")
            try:
                if version == 1:
                    self.con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
                for statement in MIGRATIONS[version]:
                    self.con.execute(statement)
                self.con.execute("INSERT INTO schema_version VALUES (?)", [version])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise

    # ---------------------------------------------------------------- writes
    def has_document(self, doc_id: str) -> bool:
        return bool(self.con.execute("SELECT 1 FROM documents WHERE doc_id = ?", [doc_id]).fetchone())

    def add_document(self, document: Document, events: list[Event]) -> bool:
        """Store a document with its events atomically; False if it was already stored."""
        if self.has_document(document.id):
            return False
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._insert_document(document, len(events))
            rows = list({row[0]: row for row in (event_row(e) for e in events)}.values())
            if rows:
                self._insert_events(rows)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return True

    def add_batch(
        self, coded: list[tuple[Document, list[Event]]], formulas: dict[str, list] | None = None
    ) -> tuple[int, int, int, int]:
        """Store many documents (with their formula hits, by doc id) in one transaction.

        Returns (stored, skipped, events stored, formula hits stored)."""
        ids = [document.id for document, _ in coded]
        if not ids:
            return 0, 0, 0, 0
        marks = ", ".join("?" for _ in ids)
        known = {
            r[0]
            for r in self.con.execute(
                f"SELECT doc_id FROM documents WHERE doc_id IN ({marks})", ids
            ).fetchall()
        }
        fresh, seen = [], set(known)
        for document, events in coded:
            if document.id not in seen:
                seen.add(document.id)
                fresh.append((document, events))
        self.con.execute("BEGIN TRANSACTION")
        try:
            for document, events in fresh:
                self._insert_document(document, len(events))
            rows = list({row[0]: row for _, events in fresh for row in map(event_row, events)}.values())
            if rows:
                self._insert_events(rows)
            hits = [formula_row(h) for document, _ in fresh for h in (formulas or {}).get(document.id, [])]
            if hits:
                self.con.executemany(
                    f"INSERT INTO formula_hits VALUES ({', '.join('?' for _ in hits[0])})", hits
                )
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return len(fresh), len(coded) - len(fresh), sum(len(events) for _, events in fresh), len(hits)

    def formula_documents(self) -> list[tuple[Document, list[dict]]]:
        """Every stored document (without its text) with its stored formula hits, for `series --db`."""
        documents = self.con.execute(
            "SELECT doc_id, published, source FROM documents ORDER BY published NULLS LAST, ingested_at"
        ).fetchall()
        hits: dict[str, list[dict]] = {}
        if self.schema_version() < 2:  # an old file opened read-only: no formula hits yet
            return [(Document(text="", id=d, published=p, source=s), []) for d, p, s in documents]
        cursor = self.con.execute(
            "SELECT doc_id, formula_id, status FROM formula_hits ORDER BY doc_id, char_start"
        )
        for doc_id, formula_id, status in cursor.fetchall():
            hits.setdefault(doc_id, []).append({"formula_id": formula_id, "status": status})
        return [
            (Document(text="", id=doc_id, published=published, source=source), hits.get(doc_id, []))
            for doc_id, published, source in documents
        ]

    def _insert_document(self, document: Document, n_events: int) -> None:
        self.con.execute(
            "INSERT INTO documents (doc_id, text, title, url, published, lang, source, n_events, issuer) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                document.id,
                document.text,
                document.title,
                document.url,
                document.published,
                document.lang,
                document.source,
                n_events,
                document.issuer,
            ],
        )

    def _insert_events(self, rows: list[tuple]) -> None:
        marks = ", ".join("?" for _ in EVENT_COLUMNS)
        self.con.executemany(f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({marks})", rows)

    def sync_actors(self, actors: Iterable) -> None:
        """Replace the actors table with the knowledge base in use."""
        rows = [(a.id, a.kind, a.name, a.country, a.sector, a.cameo, a.wikidata, a.parent) for a in actors]
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("DELETE FROM actors")
        self.con.executemany("INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self.con.execute("COMMIT")

    # ---------------------------------------------------------------- reads
    def events(
        self,
        dyad: tuple[str, str] | None = None,
        event_type: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Iterator[dict]:
        """Stored events in the contract's shape, filtered, in document and offset order."""
        where, params = [], []
        if dyad:
            where.append("source_country = ? AND target_country = ?")
            params += list(dyad)
        if event_type:
            where.append("event_type = ?")
            params.append(event_type.upper())
        if since:
            where.append("date >= ?")
            params.append(since)
        if until:
            where.append("date <= ?")
            params.append(until)
        sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY doc_id, char_start, event_type, source_actor_id, target_actor_id"
        cursor = self.con.execute(sql, params)
        while batch := cursor.fetchmany(1000):
            for row in batch:
                yield row_to_event_dict(dict(zip(EVENT_COLUMNS, row, strict=True)))

    def counts(self) -> dict[str, int]:
        return {
            table: self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("documents", "events", "actors")
        }

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()


def formula_row(hit) -> tuple:
    speaker = hit.speaker
    return (
        hit.doc_id,
        hit.char_start,
        hit.char_end,
        hit.formula_id,
        hit.label,
        hit.category,
        hit.lang,
        hit.text,
        hit.status,
        hit.quoted,
        speaker.actor_id if speaker else None,
        speaker.name if speaker else None,
        speaker.country if speaker else None,
        list(hit.implies),
    )


def event_row(event: Event) -> tuple:
    """An Event as a row of the events table."""
    record = event.to_dict()
    values = [event.key] + [record[c] for c in EVENT_COLUMNS[1:13]]
    for side in ("source", "target"):
        ref = record[side] or {}
        values += [ref.get(f) for f in ACTOR_FIELDS]
    values += [
        record["date"],
        record["date_precision"],
        record["date_text"],
        record["confidence"],
        record["rule"],
    ]
    return tuple(values)


def row_to_event_dict(row: dict) -> dict:
    """A stored row back in the contract's JSON shape."""

    def side(prefix: str):
        if row[f"{prefix}_actor_id"] is None:
            return None
        return {f: row[f"{prefix}_{f}"] for f in ACTOR_FIELDS}

    record = Event(
        doc_id=row["doc_id"],
        sentence=row["sentence"],
        char_start=row["char_start"],
        char_end=row["char_end"],
        quote=row["quote"],
        event_type=row["event_type"],
        mode=row["mode"],
        contexts=list(row["contexts"] or []),
        cameo=row["cameo"],
        goldstein=row["goldstein"],
        quad_class=row["quad_class"],
        plover_score=row["plover_score"],
        source=ActorRef(**side("source")),
        target=ActorRef(**side("target")) if side("target") else None,
        date=row["date"].isoformat() if row["date"] else None,
        date_precision=row["date_precision"],
        date_text=row["date_text"],
        confidence=row["confidence"],
        rule=row["rule"],
    ).to_dict()
    return record


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)
