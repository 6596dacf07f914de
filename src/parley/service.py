"""Library entry points behind the CLI: code, ingest, query."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from parley.errors import ParleyError
from parley.ingest import read_inputs, read_stdin
from parley.models import Document
from parley.pipeline import Coded, Parley, code_documents
from parley.store import Store


@dataclass
class IngestReport:
    """What an ingest run did."""

    read: int = 0
    chars: int = 0  # characters of the documents read, for progress and ETA
    stored: int = 0
    skipped: int = 0
    events: int = 0
    formulas: int = 0
    errors: list[ParleyError] = field(default_factory=list)


def read(
    paths: list[str], default_date: date | None = None, resume: dict[str, int] | None = None
) -> Iterator:
    """Documents (and errors) from paths, or from stdin when there are none."""
    return read_inputs(paths, default_date, resume) if paths else read_stdin(default_date=default_date)


def code(
    paths: list[str], default_date: date | None = None, workers: int = 1, parley: Parley | None = None
) -> Iterator[Coded | ParleyError]:
    """Code documents from paths or stdin; errors come through in order."""
    return code_documents(read(paths, default_date), workers=workers, parley=parley)


def ingest(
    paths: list[str],
    store: Store,
    default_date: date | None = None,
    workers: int = 1,
    parley: Parley | None = None,
    batch: int = 64,
    on_progress: Callable[[IngestReport], None] | None = None,
    resume: bool = False,
) -> IngestReport:
    """Code documents and store them, skipping those already stored (without parsing them).
    With `resume`, JSONL lines that an earlier, stopped run already stored are not even read."""
    checkpoints = store.checkpoints() if resume else None
    return ingest_documents(
        read(paths, default_date, checkpoints), store, workers, parley, batch, on_progress
    )


def ingest_documents(
    items: Iterable,
    store: Store,
    workers: int = 1,
    parley: Parley | None = None,
    batch: int = 64,
    on_progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Code and store documents (and report the errors among them) from any iterable."""
    from parley.formulas import FormulaFinder

    report = IngestReport()
    pending: list[Coded] = []
    finder = FormulaFinder(kb=parley.kb if parley else None)

    def flush():
        hits = {c.document.id: finder.find(c.document) for c in pending}
        stored, skipped, events, formulas = store.add_batch([(c.document, c.events) for c in pending], hits)
        report.formulas += formulas
        report.stored += stored
        report.skipped += skipped
        report.events += events
        pending.clear()
        if on_progress:
            on_progress(report)

    fresh = _unknown_documents(items, store, report)
    for item in code_documents(fresh, workers=workers, parley=parley):
        if isinstance(item, ParleyError):
            report.errors.append(item)
            continue
        pending.append(item)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    store.regroup()  # link the new mentions to canonical events, once per run
    return report


def _unknown_documents(items: Iterable, store: Store, report: IngestReport) -> Iterator:
    for item in items:
        if isinstance(item, Document):
            report.read += 1
            report.chars += len(item.text)
            if store.is_current(item):
                report.skipped += 1
                continue
        yield item
