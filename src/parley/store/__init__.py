"""The store: a DuckDB file with documents, mentions, canonical events and actors.

Each batch of documents is written with its mentions in one transaction. A document already stored
with the same text is skipped; one stored under the same id or URL with other text is replaced, its
old mentions removed in the same transaction. Mentions are then linked to canonical events block by
block (``parley.dedup``): a batch marks the blocks it touched as dirty, and ``regroup`` relinks
them, so an interrupted run is finished by the next one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import duckdb

from parley.errors import ParleyError
from parley.models import ActorRef, Document, Event
from parley.store.schema import ACTOR_FIELDS, MENTION_COLUMNS, MENTION_ROW_COLUMNS, MIGRATIONS, SCHEMA_VERSION

DEFAULT_DB = "parley.duckdb"
CANONICAL_EXTRA = ["event_id", "mentions", "sources", "articles", "first_reported", "last_reported"]
MENTION_EXTRA = ["event_id", "url", "title", "publisher", "published", "background", "link"]
__all__ = ["SCHEMA_VERSION", "Store", "default_path", "dumps", "mention_row", "mention_rows"]


def default_path(path: str | os.PathLike | None = None) -> Path:
    """--db, else $PARLEY_DB, else ./parley.duckdb."""
    return Path(path or os.environ.get("PARLEY_DB") or DEFAULT_DB)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Store:
    """A Parley database file."""

    def __init__(
        self, path: str | os.PathLike | None = None, read_only: bool = False, memory_limit: str | None = None
    ):
        """`memory_limit` ("512MB") caps DuckDB's buffer pool, which otherwise keeps what a long
        ingest wrote cached, up to 80% of the machine's memory; stored pages are read back from
        disk when needed."""
        self.path = default_path(path)
        self.read_only = read_only
        self.timings = {"near-duplicates": 0.0, "grouping": 0.0}  # seconds spent on dedup, for the bench
        self.dedup = True  # the bench turns it off to measure what dedup costs
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as error:
            raise ParleyError("P010", path=str(self.path), reason=str(error).splitlines()[0]) from None
        self.con.execute("SET enable_progress_bar = false")
        if memory_limit:
            try:
                self.con.execute(f"SET memory_limit = '{_memory_size(memory_limit)}'")
            except duckdb.Error as error:
                raise ParleyError("P010", path=str(self.path), reason=str(error).splitlines()[0]) from None
        if not read_only:
            self.migrate()

    @classmethod
    def attach(cls, con, path=None) -> Store:
        """A read-only view over an open connection or cursor (the HTTP API opens one per request)."""
        store = cls.__new__(cls)
        store.path = default_path(path)
        store.read_only = True
        store.con = con
        store.timings = {"near-duplicates": 0.0, "grouping": 0.0}
        store.dedup = True
        return store

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

    def _require(self, version: int) -> None:
        if self.schema_version() < version:
            raise ParleyError("P017", path=str(self.path), found=self.schema_version(), needed=SCHEMA_VERSION)

    # ---------------------------------------------------------------- writes
    def is_current(self, document: Document) -> bool:
        """True if this document is stored with this very text (re-ingesting it is a no-op)."""
        row = self.con.execute(
            "SELECT content_hash FROM documents WHERE doc_id = ?", [document.id]
        ).fetchone()
        return bool(row) and row[0] in (None, content_hash(document.text))

    def _current(self, texts: dict[str, str]) -> set[str]:
        """The ids among these that are stored with this very text."""
        if not texts:
            return set()
        rows = self.con.execute(
            "SELECT doc_id, content_hash FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [list(texts)],
        ).fetchall()
        return {doc_id for doc_id, stored in rows if stored in (None, content_hash(texts[doc_id]))}

    def add_document(self, document: Document, events: list[Event]) -> bool:
        """Store one document with its events atomically; False if it was already stored."""
        stored, *_ = self.add_batch([(document, events)])
        self.regroup()
        return bool(stored)

    def add_batch(
        self, coded: list[tuple[Document, list[Event]]], formulas: dict[str, list] | None = None
    ) -> tuple[int, int, int, int]:
        """Store many documents (with their formula hits, by doc id) in one transaction.

        Returns (stored, skipped, mentions stored, formula hits stored). Canonical events are
        brought up to date by ``regroup``."""
        from parley.dedup import neardup

        current = self._current({document.id: document.text for document, _ in coded})
        fresh, seen = [], set()
        for document, events in coded:
            if document.id in seen or document.id in current:
                continue
            seen.add(document.id)
            fresh.append((document, events))
        if not fresh:
            return 0, len(coded), 0, 0
        started = time.perf_counter()
        signatures = {d.id: neardup.signature(d.text) for d, _ in fresh} if self.dedup else {}
        self.timings["near-duplicates"] += time.perf_counter() - started
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._delete_documents(self._replaced([d for d, _ in fresh]))
            started = time.perf_counter()
            stories = (
                self._stories(fresh, signatures) if self.dedup else {d.id: (d.id, None) for d, _ in fresh}
            )
            self.timings["near-duplicates"] += time.perf_counter() - started
            self._insert_documents(fresh, stories)
            rows = mention_rows(event for _, events in fresh for event in events)
            if rows:
                self._insert_mentions(rows)
                blocks = sorted({row[-1] for row in rows})
                self.con.execute("INSERT INTO dirty_blocks SELECT unnest(?::VARCHAR[])", [blocks])
            if self.dedup:
                self._insert_signatures(signatures)
            self._checkpoint([d for d, _ in fresh])
            hits = [formula_row(h) for document, _ in fresh for h in (formulas or {}).get(document.id, [])]
            if hits:
                self._insert_columns("formula_hits", FORMULA_COLUMNS, hits)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return len(fresh), len(coded) - len(fresh), len(rows), len(hits)

    def _checkpoint(self, documents: list[Document]) -> None:
        """Remember the last JSONL line of each file stored so far (inside the batch's transaction)."""
        last: dict[str, int] = {}
        for document in documents:
            path, _, line = (document.source or "").rpartition(":")
            if path and line.isdigit():
                last[path] = max(last.get(path, 0), int(line))
        for path, line in last.items():
            self.con.execute(
                "INSERT INTO ingest_checkpoints VALUES (?, ?) ON CONFLICT (path) DO UPDATE "
                "SET line = greatest(ingest_checkpoints.line, excluded.line)",
                [path, line],
            )

    def checkpoints(self) -> dict[str, int]:
        """{JSONL path: last line stored}, for `ingest --resume`."""
        if self.schema_version() < 4:
            return {}
        return dict(self.con.execute("SELECT path, line FROM ingest_checkpoints").fetchall())

    def _replaced(self, documents: list[Document]) -> list[str]:
        """Stored documents that these new versions replace: same id, or same URL, other text."""
        ids = [d.id for d in documents]
        urls = [d.url for d in documents if d.url]
        found = set()
        marks = ", ".join("?" for _ in ids)
        found |= {
            r[0]
            for r in self.con.execute(
                f"SELECT doc_id FROM documents WHERE doc_id IN ({marks})", ids
            ).fetchall()
        }
        if urls:
            marks = ", ".join("?" for _ in urls)
            found |= {
                r[0]
                for r in self.con.execute(
                    f"SELECT doc_id FROM documents WHERE url IN ({marks})", urls
                ).fetchall()
            }
        return sorted(found)

    def _delete_documents(self, doc_ids: list[str]) -> None:
        """Remove documents with everything derived from them (inside the caller's transaction)."""
        if not doc_ids:
            return
        marks = ", ".join("?" for _ in doc_ids)
        self.con.execute(
            f"INSERT INTO dirty_blocks SELECT DISTINCT block FROM mentions WHERE doc_id IN ({marks})", doc_ids
        )
        for table in ("mentions", "formula_hits", "doc_bands", "doc_signatures", "documents"):
            self.con.execute(f"DELETE FROM {table} WHERE doc_id IN ({marks})", doc_ids)

    def _stories(self, fresh, signatures) -> dict[str, tuple[str, float | None]]:
        """Each new document's story: that of its most similar stored or earlier document, if any."""
        from parley.dedup import neardup

        bands = {doc_id: neardup.bands(sig) for doc_id, sig in signatures.items()}
        self._bands = bands
        ids = list(bands)
        stored: dict[str, tuple] = {}  # candidate doc id -> (story, signature)
        candidates: dict[str, set] = {doc_id: set() for doc_id in ids}
        rows = self.con.execute(
            "WITH hits AS (SELECT p.probe, b.doc_id FROM doc_bands b "
            "JOIN (SELECT unnest(?::VARCHAR[]) AS probe, unnest(?::INTEGER[]) AS band, "
            "unnest(?::BIGINT[]) AS hash) p ON b.band = p.band AND b.hash = p.hash "
            "GROUP BY 1, 2 HAVING count(*) >= ? "
            "QUALIFY row_number() OVER (PARTITION BY p.probe ORDER BY count(*) DESC, b.doc_id) <= ?) "
            "SELECT h.probe, h.doc_id, d.story_id, s.signature FROM hits h "
            "JOIN documents d ON d.doc_id = h.doc_id JOIN doc_signatures s ON s.doc_id = h.doc_id",
            [
                [doc_id for doc_id in ids for _ in bands[doc_id]],
                [band for doc_id in ids for band in range(len(bands[doc_id]))],
                [h for doc_id in ids for h in bands[doc_id]],
                neardup.MIN_SHARED_BANDS,
                neardup.MAX_CANDIDATES,
            ],
        ).fetchall()
        for probe, doc_id, story, sig in rows:
            candidates[probe].add(doc_id)
            stored[doc_id] = (story, sig)
        return neardup.assign_stories(ids, signatures, bands, stored, candidates)

    def _insert_signatures(self, signatures) -> None:
        """Signatures and LSH bands, each in one statement (DuckDB's executemany is slow)."""
        ids = list(signatures)
        self.con.execute(
            "INSERT INTO doc_signatures SELECT unnest(?::VARCHAR[]), unnest(?::UINTEGER[][])",
            [ids, [[int(v) for v in signatures[doc_id]] for doc_id in ids]],
        )
        bands = self._bands
        self.con.execute(
            "INSERT INTO doc_bands SELECT unnest(?::VARCHAR[]), unnest(?::INTEGER[]), unnest(?::BIGINT[])",
            [
                [doc_id for doc_id in ids for _ in bands[doc_id]],
                [band for doc_id in ids for band in range(len(bands[doc_id]))],
                [h for doc_id in ids for h in bands[doc_id]],
            ],
        )

    def _insert_documents(self, fresh, stories) -> None:
        columns = [
            "doc_id", "text", "title", "url", "published", "lang", "source", "n_events", "issuer",
            "publisher", "content_hash", "story_id", "story_similarity",
        ]  # fmt: skip
        rows = [
            (
                d.id,
                d.text,
                d.title,
                d.url,
                d.published,
                d.lang,
                d.source,
                len(events),
                d.issuer,
                d.publisher,
                content_hash(d.text),
                stories[d.id][0] or d.id,
                stories[d.id][1],
            )  # fmt: skip
            for d, events in fresh
        ]
        self._insert_columns("documents", columns, rows)

    def _insert_mentions(self, rows: list[tuple]) -> None:
        self._insert_columns("mentions", MENTION_ROW_COLUMNS, rows)

    def _insert_columns(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        """Insert rows as one statement of column lists: DuckDB's executemany runs a statement per
        row, which costs more than the parse on a large batch."""
        types = self._column_types(table)
        selects = ", ".join(f"unnest(?::{types[c]}[]) AS {c}" for c in columns)
        values = [list(column) for column in zip(*rows, strict=True)]
        self.con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {selects}", values)

    def _column_types(self, table: str) -> dict[str, str]:
        cache = self.__dict__.setdefault("_types", {})
        if table not in cache:
            cache[table] = dict(
                self.con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
                    [table],
                ).fetchall()
            )
        return cache[table]

    def sync_actors(self, actors: Iterable) -> None:
        """Replace the actors table with the knowledge base in use."""
        rows = [(a.id, a.kind, a.name, a.country, a.sector, a.cameo, a.wikidata, a.parent) for a in actors]
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("DELETE FROM actors")
        self.con.executemany("INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self.con.execute("COMMIT")

    # ---------------------------------------------------------------- canonical events
    def dirty(self) -> bool:
        if self.schema_version() < 3:
            return False
        return bool(self.con.execute("SELECT 1 FROM dirty_blocks LIMIT 1").fetchone())

    def regroup(self) -> int:
        """Relink the mentions of every dirty block to canonical events; returns the blocks done."""
        from parley.dedup import Mention, group
        from parley.exports.gdelt import gdelt_id

        if self.read_only or not self.dedup or not self.dirty():
            return 0
        started = time.perf_counter()
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute(
                "CREATE OR REPLACE TEMP TABLE regroup_blocks AS SELECT DISTINCT block FROM dirty_blocks"
            )
            rows = self.con.execute(
                "SELECT m.event_key, m.block, m.doc_id, m.char_start, m.quote, m.date, m.date_precision, "
                "m.date_text IS NOT NULL, d.published, d.story_id, m.source_sector, m.target_sector, "
                "m.date_text, coalesce(m.date_earlier, false), m.sentence FROM mentions m "
                "JOIN documents d USING (doc_id) WHERE m.block IN (SELECT block FROM regroup_blocks)"
            ).fetchall()
            links = group([Mention(*row) for row in rows])
            anchors = {link.event_id for link in links.values()}
            keys = list(links)
            self.con.execute(
                "CREATE OR REPLACE TEMP TABLE links AS SELECT unnest(?::VARCHAR[]) AS event_key, "
                "unnest(?::VARCHAR[]) AS event_id, unnest(?::VARCHAR[]) AS link, "
                "unnest(?::BOOLEAN[]) AS background, unnest(?::BOOLEAN[]) AS anchor, "
                "unnest(?::BIGINT[]) AS gdelt_id",
                [
                    keys,
                    [links[k].event_id for k in keys],
                    [links[k].reason for k in keys],
                    [links[k].background for k in keys],
                    [links[k].reason.startswith("first report") for k in keys],
                    [gdelt_id(links[k].event_id) for k in keys],
                ],
            )
            self.con.execute("DELETE FROM events WHERE block IN (SELECT block FROM regroup_blocks)")
            self.con.execute(
                "UPDATE mentions SET event_id = l.event_id, link = l.link, background = l.background, "
                "anchor = l.anchor FROM links l WHERE mentions.event_key = l.event_key"
            )
            columns = ", ".join(f"m.{c}" for c in MENTION_COLUMNS[1:])
            self.con.execute(
                f"""INSERT INTO events
                SELECT m.event_id, l.gdelt_id, m.block, {columns},
                    a.mentions, a.articles, a.sources, a.stories, a.first_reported, a.last_reported,
                    a.url, a.date_added
                FROM mentions m JOIN links l ON l.event_key = m.event_key AND l.anchor
                JOIN (
                    SELECT m2.event_id, count(*) AS mentions, count(DISTINCT m2.doc_id) AS articles,
                        count(DISTINCT coalesce(d.publisher,
                            nullif(regexp_extract(d.url, '^[a-zA-Z]+://(?:www\\.)?([^/]+)', 1), ''),
                            d.doc_id)) AS sources,
                        count(DISTINCT d.story_id) AS stories,
                        min(d.published) AS first_reported, max(d.published) AS last_reported,
                        arg_min(d.url, coalesce(d.published, DATE '9999-12-31')) AS url,
                        min(d.ingested_at) AS date_added
                    FROM mentions m2 JOIN documents d USING (doc_id)
                    WHERE m2.block IN (SELECT block FROM regroup_blocks)
                    GROUP BY m2.event_id
                ) a ON a.event_id = m.event_id"""
            )
            self.con.execute("DELETE FROM dirty_blocks WHERE block IN (SELECT block FROM regroup_blocks)")
            self.con.execute("DROP TABLE links")
            self.con.execute("DROP TABLE regroup_blocks")
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        self.timings["grouping"] += time.perf_counter() - started
        return len(anchors)

    # ---------------------------------------------------------------- reads
    def _fresh(self) -> None:
        if not self.read_only:
            self.regroup()

    @staticmethod
    def _filters(dyad, event_type, since, until, prefix: str = "") -> tuple[list[str], list]:
        """SQL conditions (to be joined by `where`) and their parameters for the common filters."""
        clauses, params = [], []
        if dyad:
            clauses.append(f"{prefix}source_country = ? AND {prefix}target_country = ?")
            params += list(dyad)
        if event_type:
            clauses.append(f"{prefix}event_type = ?")
            params.append(event_type.upper())
        dated, values = date_span(since, until, f"{prefix}date")
        return clauses + dated, params + values

    def events(
        self,
        dyad: tuple[str, str] | None = None,
        event_type: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Iterator[dict]:
        """Canonical events in the contract's shape plus their id, counts and report dates."""
        self._fresh()
        self._require(3)
        clauses, params = self._filters(dyad, event_type, since, until)
        return self._canonical(where(clauses) + " ORDER BY date NULLS LAST, event_id", params)

    def all_events(
        self,
        origin: str | None = None,
        dyad: tuple[str, str] | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Iterator[dict]:
        """Parley's canonical events and imported GDELT events side by side (the all_events view)."""
        self._fresh()
        self._require(3)
        clauses, params = self._filters(dyad, None, since, until)
        if origin:
            clauses.append("origin = ?")
            params.append(origin)
        cursor = self.con.execute(
            f"SELECT * FROM all_events{where(clauses)} ORDER BY date NULLS LAST, origin, id", params
        )
        names = [c[0] for c in cursor.description]
        while batch := cursor.fetchmany(1000):
            for row in batch:
                record = dict(zip(names, row, strict=True))
                record["date"] = record["date"].isoformat() if record["date"] else None
                yield record

    def search_events(
        self,
        dyad: tuple[str, str] | None = None,
        actor: str | None = None,
        event_type: str | None = None,
        quad: int | None = None,
        since: date | None = None,
        until: date | None = None,
        text: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[int, list[dict]]:
        """Canonical events matching every filter given, newest first: (total, one page)."""
        clauses, params = self._filters(dyad, event_type, since, until)
        if actor:
            clauses.append(
                "(source_country = ? OR target_country = ? OR source_actor_id = ? OR target_actor_id = ?)"
            )
            params += [actor] * 4
        if quad:
            clauses.append("quad_class = ?")
            params.append(quad)
        if text:
            clauses.append("event_id IN (SELECT event_id FROM mentions WHERE quote ILIKE ? ESCAPE '\\')")
            params.append("%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        tail = where(clauses)
        total = self.con.execute(f"SELECT count(*) FROM events{tail}", params).fetchone()[0]
        page = list(
            self._canonical(
                f"{tail} ORDER BY date DESC NULLS LAST, mentions DESC, event_id LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        )
        return total, page

    def document(self, doc_id: str) -> dict | None:
        """A stored document with its mentions and formula hits (offsets into its text)."""
        row = self.con.execute(
            "SELECT doc_id, text, title, url, published, publisher, lang, issuer FROM documents "
            "WHERE doc_id = ?",
            [doc_id],
        ).fetchone()
        if row is None:
            return None
        names = ["doc_id", "text", "title", "url", "published", "publisher", "lang", "issuer"]
        record = dict(zip(names, row, strict=True))
        record["published"] = record["published"].isoformat() if record["published"] else None
        record["events"] = [m for m in self._mentions_of_document(doc_id)]
        hits = self.con.execute(
            "SELECT char_start, char_end, formula_id, label, category, status, text, speaker_name "
            "FROM formula_hits WHERE doc_id = ? ORDER BY char_start",
            [doc_id],
        ).fetchall()
        keys = ["char_start", "char_end", "formula_id", "label", "category", "status", "text", "speaker"]
        record["formulas"] = [dict(zip(keys, hit, strict=True)) for hit in hits]
        return record

    def _mentions_of_document(self, doc_id: str) -> Iterator[dict]:
        columns = ", ".join(f"m.{c}" for c in MENTION_COLUMNS)
        cursor = self.con.execute(
            f"SELECT {columns}, m.event_id FROM mentions m WHERE m.doc_id = ? ORDER BY m.char_start", [doc_id]
        )
        for row in cursor.fetchall():
            yield with_extras(dict(zip([*MENTION_COLUMNS, "event_id"], row, strict=True)), ["event_id"])

    def event(self, event_id: str) -> dict | None:
        """One canonical event by id, or None."""
        self._fresh()
        self._require(3)
        return next(self._canonical(" WHERE event_id = ?", [event_id]), None)

    def _canonical(self, tail: str, params: list) -> Iterator[dict]:
        columns = ["event_id", *MENTION_COLUMNS[1:], *CANONICAL_EXTRA[1:]]
        cursor = self.con.execute(f"SELECT {', '.join(columns)} FROM events{tail}", params)
        while batch := cursor.fetchmany(1000):
            for row in batch:
                yield with_extras(dict(zip(columns, row, strict=True)), CANONICAL_EXTRA)

    def mentions(
        self,
        event_id: str | None = None,
        dyad: tuple[str, str] | None = None,
        event_type: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Iterator[dict]:
        """Mentions with their provenance: the shape of `parley code` plus event_id, url, title..."""
        self._fresh()
        self._require(3)
        clauses, params = self._filters(dyad, event_type, since, until, prefix="m.")
        if event_id is not None:
            clauses.append("m.event_id = ?")
            params.append(event_id)
        extra = ["event_id", "link", "background"]
        docs = ["url", "title", "publisher", "published"]
        selected = ", ".join(["m." + c for c in MENTION_COLUMNS + extra] + ["d." + c for c in docs])
        sql = (
            f"SELECT {selected} FROM mentions m JOIN documents d USING (doc_id){where(clauses)} "
            "ORDER BY d.published NULLS LAST, m.doc_id, m.char_start, m.event_type, "
            "m.source_actor_id, m.target_actor_id"
        )
        names = MENTION_COLUMNS + extra + docs
        cursor = self.con.execute(sql, params)
        while batch := cursor.fetchmany(1000):
            for row in batch:
                record = dict(zip(names, row, strict=True))
                record["background"] = bool(record["background"])
                yield with_extras(record, MENTION_EXTRA)

    def counts(self) -> dict[str, int]:
        self._fresh()
        tables = (
            ("documents", "mentions", "events", "actors")
            if self.schema_version() >= 3
            else ("documents", "events", "actors")
        )
        return {table: self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

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


FORMULA_COLUMNS = [
    "doc_id", "char_start", "char_end", "formula_id", "label", "category", "lang", "text", "status",
    "quoted", "speaker_actor_id", "speaker_name", "speaker_country", "implies",
]  # fmt: skip


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


def _memory_size(text: str) -> str:
    """A DuckDB memory size ("512MB", "2GB"), checked before it reaches SQL."""
    cleaned = text.strip().upper().replace(" ", "")
    if not re.fullmatch(r"\d+(?:\.\d+)?(?:KB|MB|GB|KIB|MIB|GIB)", cleaned):
        raise ParleyError(
            "P010", path="--memory-limit", reason=f"not a memory size: {text!r} (use 512MB or 2GB)"
        )
    return cleaned


def mention_rows(events: Iterable[Event]) -> list[tuple]:
    """Mention rows, one per event key (the coder already gives one; the store's key must stay
    unique whatever the events' origin), here and on Spark alike."""
    return list({row[0]: row for row in map(mention_row, events)}.values())


def mention_row(event: Event) -> tuple:
    """An Event as a row of the mentions table (MENTION_ROW_COLUMNS: its columns, then the
    look-back flag and its block)."""
    from parley.dedup import block_of

    record = event.to_dict()
    values = [event.key] + [record[c] for c in MENTION_COLUMNS[1:13]]
    for side in ("source", "target"):
        ref = record[side] or {}
        values += [ref.get(f) for f in ACTOR_FIELDS]
    values += [
        record["date"],
        record["date_precision"],
        record["date_text"],
        record["confidence"],
        record["rule"],
        event.earlier,
    ]
    target = event.target
    values.append(block_of(event.source.country, target.country if target else None, event.event_type))
    return tuple(values)


def date_span(since: date | None, until: date | None, column: str = "date") -> tuple[list[str], list]:
    """SQL conditions and parameters keeping `column` between two dates (either may be open)."""
    clauses, params = [], []
    if since:
        clauses.append(f"{column} >= ?")
        params.append(since)
    if until:
        clauses.append(f"{column} <= ?")
        params.append(until)
    return clauses, params


def where(clauses: list[str]) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


def with_extras(row: dict, keys: list[str]) -> dict:
    """A stored row in the contract's shape, followed by some of its other columns (dates as text)."""
    out = row_to_event_dict(row)
    for key in keys:
        value = row[key]
        out[key] = value.isoformat() if isinstance(value, date) else value
    return out


def row_to_event_dict(row: dict) -> dict:
    """A stored row back in the contract's JSON shape."""

    def side(prefix: str):
        if row[f"{prefix}_actor_id"] is None:
            return None
        return {f: row[f"{prefix}_{f}"] for f in ACTOR_FIELDS}

    return Event(
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


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)
