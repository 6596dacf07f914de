"""The store's schema: tables, columns and the migrations between versions."""

from __future__ import annotations

from parley.exports.gdelt import EVENT_COLUMNS as GDELT_COLUMNS
from parley.exports.gdelt import SQL_TYPES as GDELT_TYPES

# a mention's columns (the foundation's events table, renamed `mentions` in version 3)
MENTION_SQL_COLUMNS = """doc_id VARCHAR NOT NULL, sentence INTEGER NOT NULL,
            char_start INTEGER NOT NULL, char_end INTEGER NOT NULL, quote VARCHAR NOT NULL,
            event_type VARCHAR NOT NULL, mode VARCHAR, contexts VARCHAR[], cameo VARCHAR NOT NULL,
            goldstein DOUBLE NOT NULL, quad_class INTEGER NOT NULL, plover_score DOUBLE NOT NULL,
            source_text VARCHAR, source_actor_id VARCHAR, source_name VARCHAR,
            source_country VARCHAR, source_sector VARCHAR, source_cameo VARCHAR,
            target_text VARCHAR, target_actor_id VARCHAR, target_name VARCHAR,
            target_country VARCHAR, target_sector VARCHAR, target_cameo VARCHAR,
            date DATE, date_precision VARCHAR, date_text VARCHAR,
            confidence DOUBLE NOT NULL, rule VARCHAR NOT NULL"""

# the blocking key of parley.dedup.block_of, in SQL
BLOCK_SQL = "coalesce(source_country, '') || '|' || coalesce(target_country, '') || '|' || event_type"
# Parley's canonical events and imported GDELT events in one queryable shape
ALL_EVENTS_VIEW = """CREATE VIEW all_events AS
    SELECT 'parley' AS origin, event_id AS id, date, source_country, source_name, target_country,
        target_name, cameo, quad_class, goldstein, mentions, sources, url, quote
    FROM events
    UNION ALL
    SELECT 'gdelt', CAST(GLOBALEVENTID AS VARCHAR),
        CAST(try_strptime(CAST(SQLDATE AS VARCHAR), '%Y%m%d') AS DATE),
        nullif(Actor1CountryCode, ''), Actor1Name, nullif(Actor2CountryCode, ''), Actor2Name, EventCode,
        QuadClass, GoldsteinScale, NumMentions, NumSources, SOURCEURL, NULL
    FROM gdelt_events"""
GDELT_SQL_COLUMNS = ", ".join(f'"{c}" {GDELT_TYPES[c]}' for c in GDELT_COLUMNS)

SCHEMA_VERSION = 5

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
    # mentions and canonical events (dedup), near-duplicate documents, publishers, GDELT imports
    3: [
        f"""CREATE TABLE mentions (
            event_key VARCHAR PRIMARY KEY, {MENTION_SQL_COLUMNS},
            block VARCHAR NOT NULL, event_id VARCHAR, link VARCHAR, background BOOLEAN, anchor BOOLEAN)""",
        f"INSERT INTO mentions SELECT *, {BLOCK_SQL}, NULL, NULL, NULL, NULL FROM events",
        "DROP INDEX events_doc",
        "DROP TABLE events",
        "CREATE INDEX mentions_doc ON mentions (doc_id)",
        "CREATE INDEX mentions_event ON mentions (event_id)",
        "CREATE INDEX mentions_block ON mentions (block)",
        "ALTER TABLE documents ADD COLUMN publisher VARCHAR",
        "ALTER TABLE documents ADD COLUMN content_hash VARCHAR",
        "ALTER TABLE documents ADD COLUMN story_id VARCHAR",
        "ALTER TABLE documents ADD COLUMN story_similarity DOUBLE",
        "UPDATE documents SET content_hash = left(sha256(text), 16), story_id = doc_id",
        "CREATE INDEX documents_url ON documents (url)",
        "CREATE TABLE doc_bands (doc_id VARCHAR NOT NULL, band INTEGER NOT NULL, hash BIGINT NOT NULL)",
        "CREATE INDEX doc_bands_hash ON doc_bands (hash)",
        "CREATE TABLE doc_signatures (doc_id VARCHAR PRIMARY KEY, signature UINTEGER[] NOT NULL)",
        f"""CREATE TABLE events (
            event_id VARCHAR PRIMARY KEY, gdelt_id BIGINT NOT NULL, block VARCHAR NOT NULL,
            {MENTION_SQL_COLUMNS},
            mentions INTEGER NOT NULL, articles INTEGER NOT NULL, sources INTEGER NOT NULL,
            stories INTEGER NOT NULL, first_reported DATE, last_reported DATE, url VARCHAR,
            date_added TIMESTAMP)""",
        "CREATE INDEX events_block ON events (block)",
        "CREATE INDEX events_date ON events (date)",
        "CREATE TABLE dirty_blocks (block VARCHAR NOT NULL)",
        "INSERT INTO dirty_blocks SELECT DISTINCT block FROM mentions",
        f"CREATE TABLE gdelt_events ({GDELT_SQL_COLUMNS}, imported_from VARCHAR, "
        "PRIMARY KEY (GLOBALEVENTID))",
        ALL_EVENTS_VIEW,
    ],
    # how far each JSONL file got, so `ingest --resume` skips what a killed run already stored
    4: ["CREATE TABLE ingest_checkpoints (path VARCHAR PRIMARY KEY, line BIGINT NOT NULL)"],
    # the clause puts the event before its date ("after ...", "had expelled"): dedup looks back
    5: ["ALTER TABLE mentions ADD COLUMN date_earlier BOOLEAN DEFAULT false"],
}

MENTION_COLUMNS = [
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
# a row as the coder's side writes it (parley.store.mention_row): the block comes last
MENTION_ROW_COLUMNS = [*MENTION_COLUMNS, "date_earlier", "block"]
