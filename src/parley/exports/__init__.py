"""Exports of the store in the formats users already load: GDELT 2.0 (events and mentions), PLOVER
JSONL, a POLECAT-style TSV and partitioned Parquet; and the import of GDELT 2.0 event files.

Every export is written to a temporary path beside the target and renamed into place, so an
interrupted export never leaves a half-written file where the target should be.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from parley import __version__
from parley.errors import ParleyError
from parley.exports import gdelt

if TYPE_CHECKING:
    from parley.store import Store

FORMATS = ("gdelt", "gdelt-mentions", "plover", "polecat", "parquet")

# PLOVER's quad categories by event type (the manual's quad table)
PLOVER_QUAD = {
    **dict.fromkeys(["AGREE", "CONSULT", "SUPPORT", "CONCEDE"], 1),
    **dict.fromkeys(["COOPERATE", "AID", "RETREAT"], 2),
    **dict.fromkeys(["REQUEST", "ACCUSE", "REJECT", "SANCTION", "THREATEN"], 3),
    **dict.fromkeys(["PROTEST", "MOBILIZE", "COERCE", "ASSAULT"], 4),
}
QUAD_NAMES = {
    1: "VERBAL COOPERATION",
    2: "MATERIAL COOPERATION",
    3: "VERBAL CONFLICT",
    4: "MATERIAL CONFLICT",
}

POLECAT_COLUMNS = [
    "Event ID", "Event Date", "Event Type", "Event Mode", "Event Intensity", "Quad Code", "Contexts",
    "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Sectors", "Actor Title",
    "Actor Name Raw", "Wikipedia Actor ID", "Recipient Name", "Recipient Country", "Recipient COW",
    "Primary Recipient Sector", "Recipient Sectors", "Recipient Title", "Recipient Name Raw",
    "Wikipedia Recipient ID", "Placename", "City", "District", "Province", "Country", "Latitude",
    "Longitude", "GeoNames ID", "Raw Placename", "Feature Type", "Source", "Publication Date",
    "Story People", "Story Organizations", "Story Locations", "Language", "Version",
]  # fmt: skip


def export(store: Store, format_: str, out: str | os.PathLike, header: bool = False) -> int:
    """Write the store in one format to `out` (a file; a folder for parquet). Returns rows written."""
    if format_ not in FORMATS:
        raise ParleyError(
            "P019", path=str(out), reason=f"unknown format {format_!r} (one of {', '.join(FORMATS)})"
        )
    store.regroup()
    out = Path(out)
    if not out.parent.exists():
        raise ParleyError("P019", path=str(out), reason=f"folder {out.parent} does not exist")
    if format_ == "parquet":
        return _parquet(store, out)
    writers: dict[str, Callable] = {
        "gdelt": _gdelt_events,
        "gdelt-mentions": _gdelt_mentions,
        "plover": _plover,
        "polecat": _polecat,
    }
    with _atomic(out) as handle:
        return writers[format_](store, handle, header)


@contextmanager
def _atomic(out: Path) -> Iterator:
    temporary = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        with open(temporary, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(temporary, out)
    finally:
        if temporary.exists():
            temporary.unlink()


def canonical_rows(store: Store) -> Iterator[dict]:
    """Rows of the events table (canonical events), as dicts, in date order."""
    cursor = store.con.execute(
        "SELECT e.*, d.title, d.publisher, d.lang FROM events e LEFT JOIN documents d USING (doc_id) "
        "ORDER BY e.date NULLS LAST, e.event_id"
    )
    names = [c[0] for c in cursor.description]
    while batch := cursor.fetchmany(2000):
        for row in batch:
            yield dict(zip(names, row, strict=True))


class _tsv:
    """Tab-separated lines without quoting, as GDELT and POLECAT write them (fields are _clean)."""

    def __init__(self, handle):
        self.handle = handle

    def writerow(self, values) -> None:
        self.handle.write("\t".join(_clean(v) for v in values) + "\n")


def _clean(value) -> str:
    """GDELT and POLECAT files have no quoting: tabs and newlines inside a field become spaces."""
    if value is None:
        return ""
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _gdelt_events(store: Store, handle, header: bool) -> int:
    writer = _tsv(handle)
    if header:
        writer.writerow(gdelt.EVENT_COLUMNS)
    count = 0
    for row in canonical_rows(store):
        writer.writerow(gdelt.event_row(row))
        count += 1
    return count


def _gdelt_mentions(store: Store, handle, header: bool) -> int:
    writer = _tsv(handle)
    if header:
        writer.writerow(gdelt.MENTION_COLUMNS)
    cursor = store.con.execute(
        "SELECT m.*, e.gdelt_id, e.date_added, d.published, d.ingested_at, d.url, d.publisher, "
        "length(d.text) AS doc_len FROM mentions m JOIN events e USING (event_id) "
        "JOIN documents d ON d.doc_id = m.doc_id "
        "ORDER BY e.date NULLS LAST, e.event_id, d.published, m.doc_id, m.char_start"
    )
    names = [c[0] for c in cursor.description]
    count = 0
    while batch := cursor.fetchmany(2000):
        for row in batch:
            writer.writerow(gdelt.mention_row(dict(zip(names, row, strict=True))))
            count += 1
    return count


def _plover_actor(row: dict, side: str) -> list[dict]:
    if row[f"{side}_actor_id"] is None:
        return []
    return [
        {
            "code": row[f"{side}_country"],
            "sector": row[f"{side}_sector"],
            "actor_text": row[f"{side}_text"],
            "identifier_id": row[f"{side}_actor_id"],
            "identifier_text": row[f"{side}_name"],
        }
    ]


def plover_record(row: dict) -> dict:
    """A canonical event with the field names of the PLOVER manual's data fields."""
    return {
        "id": row["event_id"],
        "date": row["date"].isoformat() if row["date"] else None,
        "source": _plover_actor(row, "source"),
        "recipient": _plover_actor(row, "target"),
        "event": [row["event_type"]],
        "event_text": [row["quote"]],
        "quad_code": PLOVER_QUAD.get(row["event_type"]),
        "event_scale": row["plover_score"],
        "mode": [row["mode"]] if row["mode"] else [],
        "context": list(row["contexts"] or []),
        "text_info": {
            "sequence": row["sentence"],
            "start": row["char_start"],
            "end": row["char_end"],
            "text_story": row["doc_id"],
        },
        "cite_info": {
            "corpus": "parley",
            "citation": row["doc_id"],
            "url": row["url"],
            "title": row["title"],
            "language": row["lang"],
            "publication": row["publisher"],
            "codebook": "PLOVER",
            "version": __version__,
        },
        "coder": f"parley {__version__}",
        "coded_date": row["date_added"].date().isoformat() if row["date_added"] else None,
        "comment": f"{row['mentions']} mentions in {row['articles']} documents from {row['sources']} sources",
    }


def _plover(store: Store, handle, header: bool) -> int:
    count = 0
    for row in canonical_rows(store):
        handle.write(json.dumps(plover_record(row), ensure_ascii=False) + "\n")
        count += 1
    return count


def polecat_row(row: dict) -> list:
    def actor(side: str) -> list:
        if row[f"{side}_actor_id"] is None:
            return [""] * 8
        sector = row[f"{side}_sector"] or ""
        return [row[f"{side}_name"], row[f"{side}_country"], "", sector, sector, "", row[f"{side}_text"], ""]

    quad = PLOVER_QUAD.get(row["event_type"])
    return [
        row["event_id"],
        row["date"].isoformat() if row["date"] else "",
        row["event_type"],
        row["mode"] or "",
        row["plover_score"],
        QUAD_NAMES.get(quad, ""),
        ";".join(row["contexts"] or []),
        *actor("source"),
        *actor("target"),
        *[""] * 10,  # place fields: Parley does not geocode
        row["publisher"] or "",
        row["first_reported"].isoformat() if row["first_reported"] else "",
        "",
        "",
        "",
        row["lang"] or "en",
        f"parley-{__version__}",
    ]


def _polecat(store: Store, handle, header: bool) -> int:
    writer = _tsv(handle)
    writer.writerow(POLECAT_COLUMNS)  # POLECAT files always carry their header
    count = 0
    for row in canonical_rows(store):
        writer.writerow(polecat_row(row))
        count += 1
    return count


def _parquet(store: Store, out: Path) -> int:
    """Two hive-partitioned datasets, events/ and mentions/, by year and month of the event date."""
    temporary = out.with_name(f".{out.name}.{os.getpid()}.part")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    from parley.store.schema import MENTION_COLUMNS

    try:
        mention_columns = ", ".join(f"m.{c}" for c in MENTION_COLUMNS)
        queries = {
            "events": "SELECT e.* FROM events e",
            "mentions": f"SELECT {mention_columns}, m.event_id, m.link, m.background, d.url, d.title, "
            "d.publisher, d.published FROM mentions m JOIN documents d USING (doc_id)",
        }
        count = 0
        for name, query in queries.items():
            n = store.con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
            target = temporary / name
            dated = f"SELECT *, year(date) AS year, month(date) AS month FROM ({query}) ORDER BY date, 1"
            if n:
                store.con.execute(
                    f"COPY ({dated}) TO '{_sql_path(target)}' (FORMAT parquet, PARTITION_BY (year, month))"
                )
            else:  # an empty store: one empty file that still carries the schema
                target.mkdir()
                store.con.execute(
                    f"COPY ({dated}) TO '{_sql_path(target / 'empty.parquet')}' (FORMAT parquet)"
                )
            if name == "events":
                count = n
        if out.exists():
            backup = out.with_name(f".{out.name}.{os.getpid()}.old")
            os.replace(out, backup)
            os.replace(temporary, out)
            shutil.rmtree(backup, ignore_errors=True) if backup.is_dir() else backup.unlink()
        else:
            os.replace(temporary, out)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return count


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


# ------------------------------------------------------------------ GDELT import
def import_gdelt(store: Store, path: str | os.PathLike, on_error: Callable[[ParleyError], None]) -> int:
    """Load a GDELT 2.0 event file (tab-separated, 61 columns, no header) into `gdelt_events`.

    Bad rows are reported through `on_error` with their line and skipped; rows already imported
    (same GLOBALEVENTID) are left as they are. Returns the rows added."""
    path = Path(path)
    try:
        handle = open(path, encoding="utf-8", newline="")
    except OSError as error:
        raise ParleyError("P001", path=str(path), reason=error.strerror or str(error)) from None
    temporary = path.with_name(f".{path.name}.{os.getpid()}.clean.tsv")
    clean = Path(os.environ.get("TMPDIR", "/tmp")) / temporary.name
    before = store.con.execute("SELECT count(*) FROM gdelt_events").fetchone()[0]
    try:
        with handle, open(clean, "w", encoding="utf-8", newline="") as out:
            writer = _tsv(out)
            for number, line in enumerate(_lines(handle, path, on_error), 1):
                if line is None:
                    continue
                try:
                    writer.writerow(_gdelt_fields(line, path, number))
                except ParleyError as error:
                    on_error(error)
        columns = ", ".join(f"'{c}': '{gdelt.SQL_TYPES[c]}'" for c in gdelt.EVENT_COLUMNS)
        store.con.execute("BEGIN TRANSACTION")
        try:
            store.con.execute(
                f"INSERT OR IGNORE INTO gdelt_events SELECT *, ? FROM read_csv('{_sql_path(clean)}', "
                f"delim='\\t', header=false, quote='', escape='', columns={{{columns}}})",
                [str(path)],
            )
            store.con.execute("COMMIT")
        except Exception:
            store.con.execute("ROLLBACK")
            raise
    finally:
        clean.unlink(missing_ok=True)
    return store.con.execute("SELECT count(*) FROM gdelt_events").fetchone()[0] - before


def _lines(handle, path: Path, on_error) -> Iterator[str | None]:
    number = 0
    while True:
        try:
            line = handle.readline()
        except UnicodeDecodeError as error:
            number += 1
            on_error(ParleyError("P002", path=str(path), line=number, reason=str(error)))
            handle.buffer.readline() if hasattr(handle, "buffer") else None
            yield None
            continue
        if not line:
            return
        number += 1
        yield line.rstrip("\r\n")


def _gdelt_fields(line: str, path: Path, number: int) -> list[str]:
    fields = line.split("\t")
    if len(fields) != len(gdelt.EVENT_COLUMNS):
        raise ParleyError(
            "P018",
            path=str(path),
            line=number,
            reason=f"{len(fields)} columns, expected {len(gdelt.EVENT_COLUMNS)}",
        )
    for name, value in zip(gdelt.EVENT_COLUMNS, fields, strict=True):
        kind = gdelt.SQL_TYPES[name]
        if not value:
            continue
        try:
            int(value) if kind == "BIGINT" else float(value) if kind == "DOUBLE" else None
        except ValueError:
            raise ParleyError(
                "P018", path=str(path), line=number, reason=f"{name} is not a number: {value!r}"
            ) from None
    if not fields[0]:
        raise ParleyError("P018", path=str(path), line=number, reason="GLOBALEVENTID is empty")
    return fields
