"""Ingest: paths, folders and stdin into Documents.

Readers yield either a Document or a ParleyError, so that one bad document is reported and the
rest of the batch still goes through.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from parley.errors import ParleyError
from parley.models import Document

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

# spaCy refuses texts over one million characters; a longer "document" is almost always a
# concatenated corpus, which belongs in JSONL (one document per line).
MAX_DOC_CHARS = 1_000_000
MAX_LINE_BYTES = 4 * MAX_DOC_CHARS

Item = Document | ParleyError


def parse_date(value, path: str | None = None, line: int | None = None) -> date | None:
    """Parse YYYY-MM-DD (None stays None); anything else is error P007."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 and text[4] == "-" else _bad(text)
    except ValueError:
        pass
    where = f" in {path}" + (f", line {line}" if line else "") if path else ""
    raise ParleyError("P007", value=text, where=where, path=path, line=line)


def _bad(text: str):
    raise ValueError(text)


def read_inputs(
    paths: Iterable[str | os.PathLike], default_date: date | None = None, resume: dict[str, int] | None = None
) -> Iterator[Item]:
    """Read every path (files or folders, recursively); '-' reads stdin. `resume` maps JSONL paths
    to the last line already stored: those lines are skipped without being parsed."""
    resume = resume or {}
    for raw in paths:
        if str(raw) == "-":
            yield from read_stdin(default_date=default_date)
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED:
                    yield from read_file(child, default_date, resume.get(str(child), 0))
        elif path.exists():
            yield from read_file(path, default_date, resume.get(str(path), 0))
        else:
            yield ParleyError("P001", path=str(path), reason="no such file or folder")


def read_file(path: Path, default_date: date | None = None, done: int = 0) -> Iterator[Item]:
    """Read one file by its suffix; unknown suffixes are read as plain text. For JSONL, the first
    `done` lines (stored by an earlier run) are skipped unparsed."""
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            with open(path, "rb") as handle:
                yield from read_jsonl(handle, str(path), default_date, done)
        elif suffix in HTML_SUFFIXES:
            yield read_html(path, default_date)
        else:
            yield read_text_file(path, default_date)
    except ParleyError as error:
        yield error
    except OSError as error:
        yield ParleyError("P001", path=str(path), reason=error.strerror or str(error))


def read_text_file(path: Path, default_date: date | None = None) -> Document:
    """A .txt or .md file is one document."""
    size = path.stat().st_size
    if size > MAX_DOC_CHARS * 4:
        raise ParleyError("P012", path=str(path), size=size, limit=MAX_DOC_CHARS)
    text = decode_text(path.read_bytes(), str(path))
    return make_document(text, str(path), published=default_date)


def decode_text(raw: bytes, path: str, line: int | None = None) -> str:
    """Decode UTF-8 strictly; binary content and bad bytes are clear errors."""
    if b"\x00" in raw[:8192]:
        raise ParleyError("P003", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad_line = line or raw[: error.start].count(b"\n") + 1
        reason = f"byte 0x{raw[error.start]:02x} at offset {error.start}"
        raise ParleyError("P002", path=path, line=bad_line, reason=reason) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def make_document(text: str, source: str, line: int | None = None, **meta) -> Document:
    """Build a Document, refusing empty or oversized texts."""
    if not text.strip():
        raise ParleyError("P004", path=source, line=line)
    if len(text) > MAX_DOC_CHARS:
        raise ParleyError("P012", path=source, line=line, size=len(text), limit=MAX_DOC_CHARS)
    where = f"{source}:{line}" if line else source
    return Document(text=text, source=where, **meta)


def read_jsonl(
    handle: io.BufferedIOBase, path: str, default_date: date | None = None, done: int = 0
) -> Iterator[Item]:
    """Stream a JSONL file one line at a time, so memory stays bounded whatever its size."""
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if number <= done:  # stored by an earlier run that was stopped: skip unparsed
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                _skip_rest_of_line(handle)
            continue
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            _skip_rest_of_line(handle)
            yield ParleyError("P012", path=path, line=number, size=len(raw), limit=MAX_DOC_CHARS)
            continue
        if not raw.strip():
            continue
        try:
            yield parse_jsonl_line(raw, path, number, default_date)
        except ParleyError as error:
            yield error


def _skip_rest_of_line(handle: io.BufferedIOBase) -> None:
    while True:
        chunk = handle.readline(MAX_LINE_BYTES)
        if not chunk or chunk.endswith(b"\n"):
            return


def parse_jsonl_line(raw: bytes, path: str, number: int, default_date: date | None) -> Document:
    """One JSONL record: {"id", "text", "date"? (or "published"), "url"?, "title"?, "lang"?,
    "issuer"?, "publisher"?}."""
    text = decode_text(raw, path, line=number)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParleyError("P005", path=path, line=number, reason=error.msg) from None
    if not isinstance(record, dict):
        raise ParleyError("P005", path=path, line=number, reason="a line must be a JSON object")
    body = record.get("text")
    if not isinstance(body, str):
        raise ParleyError("P005", path=path, line=number, reason='missing string field "text"')
    when = record.get("date") if record.get("date") not in (None, "") else record.get("published")
    published = parse_date(when, path, number) or default_date
    doc_id = record.get("id")
    return make_document(
        body,
        path,
        number,
        id=str(doc_id) if doc_id not in (None, "") else "",
        title=record.get("title"),
        url=record.get("url"),
        lang=record.get("lang"),
        issuer=_string(record.get("issuer")),
        publisher=_string(record.get("publisher")),
        published=published,
    )


def _string(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def read_html(path: Path, default_date: date | None = None) -> Document:
    """Main text and metadata of an HTML page, through trafilatura."""
    import trafilatura

    html = decode_text(path.read_bytes(), str(path))
    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if extracted is not None and not isinstance(extracted, dict):
        extracted = extracted.as_dict()
    text = (extracted or {}).get("text") or ""
    if not text.strip():
        raise ParleyError("P006", path=str(path))
    published = _html_date((extracted or {}).get("date"), str(path)) or default_date
    return make_document(
        text,
        str(path),
        title=extracted.get("title"),
        url=extracted.get("url"),
        published=published,
        lang=extracted.get("language"),
        publisher=extracted.get("sitename") or extracted.get("hostname"),
    )


def _html_date(value, path: str) -> date | None:
    try:
        return parse_date(value, path)
    except ParleyError:
        return None  # page metadata is a hint, not input the user typed


def read_stdin(stream=None, default_date: date | None = None) -> Iterator[Item]:
    """stdin is JSONL when every non-blank line is a JSON object, otherwise one text document."""
    stream = stream if stream is not None else sys.stdin.buffer
    raw = stream.read()
    if not raw.strip():
        yield ParleyError("P004", path="<stdin>", line=None)
        return
    if _looks_like_jsonl(raw):
        yield from read_jsonl(io.BytesIO(raw), "<stdin>", default_date)
        return
    try:
        yield make_document(decode_text(raw, "<stdin>"), "<stdin>", published=default_date)
    except ParleyError as error:
        yield error


def _looks_like_jsonl(raw: bytes) -> bool:
    lines = [line for line in raw.splitlines() if line.strip()]
    return bool(lines) and all(line.lstrip().startswith(b"{") for line in lines)
