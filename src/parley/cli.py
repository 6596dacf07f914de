"""The command line: thin adapters over the library. Errors become messages and exit codes here."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from parley.errors import ParleyError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Parley: code diplomatic events (PLOVER/CAMEO) from news text.",
)

EXIT_DOCUMENT_ERRORS = 1
EXIT_USAGE = 2


class Format(StrEnum):
    jsonl = "jsonl"
    table = "table"
    csv = "csv"


DbOption = Annotated[
    Path | None, typer.Option("--db", help="DuckDB file (default $PARLEY_DB or ./parley.duckdb).")
]
DateOption = Annotated[
    str | None, typer.Option("--date", help="Publication date YYYY-MM-DD for documents without one.")
]
WorkersOption = Annotated[int, typer.Option("--workers", min=1, help="Processes for parsing.")]
KbExtra = Annotated[list[Path] | None, typer.Option("--kb-extra", help="Extra knowledge-base YAML files.")]
FramesExtra = Annotated[list[Path] | None, typer.Option("--frames-extra", help="Extra frame YAML files.")]
PrefilterOption = Annotated[
    bool, typer.Option("--prefilter", help="Parse only sentences with a trigger and an actor (faster).")
]


def _fail(error: ParleyError, code: int = EXIT_USAGE):
    typer.echo(f"parley: {error}", err=True)
    raise typer.Exit(code)


def _date(value: str | None) -> date | None:
    from parley.ingest import parse_date

    try:
        return parse_date(value, "--date") if value else None
    except ParleyError as error:
        _fail(error)


def _default_format() -> Format:
    return Format.table if sys.stdout.isatty() else Format.jsonl


def _parley(kb_extra, frames_extra, prefilter: bool = False):
    from parley.pipeline import Parley

    return Parley(kb_extra or [], frames_extra or [], prefilter)


def _report_error(error: ParleyError) -> None:
    typer.echo(f"parley: {error}", err=True)


@app.command()
def code(
    paths: Annotated[list[str] | None, typer.Argument(help="Files or folders; none reads stdin.")] = None,
    date_: DateOption = None,
    format_: Annotated[Format | None, typer.Option("--format", help="jsonl, table or csv.")] = None,
    workers: WorkersOption = 1,
    kb_extra: KbExtra = None,
    frames_extra: FramesExtra = None,
    prefilter: PrefilterOption = False,
):
    """Code documents and print their events (nothing is stored)."""
    from parley import service
    from parley.render import EventPrinter

    anchor = _date(date_)
    printer = EventPrinter(format_ or _default_format())
    failed = False
    try:
        for item in service.code(paths or [], anchor, workers, _parley(kb_extra, frames_extra, prefilter)):
            if isinstance(item, ParleyError):
                _report_error(item)
                failed = True
                continue
            printer.add(e.to_dict() for e in item.events)
    except ParleyError as error:
        _fail(error)
    printer.close()
    raise typer.Exit(EXIT_DOCUMENT_ERRORS if failed else 0)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files or folders ('-' for stdin).")],
    db: DbOption = None,
    date_: DateOption = None,
    workers: WorkersOption = 1,
    kb_extra: KbExtra = None,
    frames_extra: FramesExtra = None,
    prefilter: PrefilterOption = False,
    resume: Annotated[
        bool, typer.Option("--resume", help="Skip JSONL lines a stopped run already stored, unread.")
    ] = False,
    memory_limit: Annotated[
        str, typer.Option("--memory-limit", help="Cap on the store's cache during the ingest (DuckDB).")
    ] = "256MB",
):
    """Code documents and store them with their events (idempotent)."""
    from parley import service
    from parley.store import Store

    anchor = _date(date_)
    try:
        parley = _parley(kb_extra, frames_extra, prefilter)
        with Store(db, memory_limit=memory_limit) as store, _progress(paths) as on_progress:
            store.sync_actors(parley.kb.actors.values())
            report = service.ingest(
                paths, store, anchor, workers, parley, on_progress=on_progress, resume=resume
            )
    except ParleyError as error:
        _fail(error)
    for error in report.errors:
        _report_error(error)
    typer.echo(
        f"read {report.read} documents: stored {report.stored}, already stored "
        f"{report.skipped}, {report.events} events, {report.formulas} formula hits, "
        f"{len(report.errors)} errors",
        err=True,
    )
    raise typer.Exit(EXIT_DOCUMENT_ERRORS if report.errors else 0)


@contextmanager
def _progress(paths: list[str]):
    """A progress bar (documents/s and ETA by input size) on a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    total = sum(p.stat().st_size for path in paths for p in _files(Path(path)))
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn(), transient=True
    ) as bar:
        task = bar.add_task("ingest", total=total or None)

        def update(report):
            rate = report.read / max(time.perf_counter() - started, 1e-6)
            bar.update(
                task,
                completed=min(report.chars, total) if total else None,
                description=f"{report.read} documents, {rate:,.1f}/s, {report.events} events",
            )

        yield update


def _files(path: Path):
    if path.is_dir():
        return [p for p in path.rglob("*") if p.is_file()]
    return [path] if path.is_file() else []


@app.command()
def events(
    db: DbOption = None,
    dyad: Annotated[str | None, typer.Option("--dyad", help="SRC-TGT country codes, e.g. PRK-USA.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="PLOVER event type.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Earliest event date.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Latest event date.")] = None,
    raw: Annotated[bool, typer.Option("--raw", help="List the mentions, not the canonical events.")] = False,
    gdelt: Annotated[
        bool, typer.Option("--with-gdelt", help="Parley's events and imported GDELT events together (jsonl).")
    ] = False,
    format_: Annotated[Format | None, typer.Option("--format", help="jsonl, table or csv.")] = None,
):
    """List stored events: one record per real-world event, with its mention and source counts."""
    from parley.render import EventPrinter

    pair = _dyad(dyad)
    first, last = _date(since), _date(until)
    if gdelt:
        try:
            with _open_store(db) as store:
                for record in store.all_events(None, pair, first, last):
                    typer.echo(json.dumps(record, ensure_ascii=False))
        except ParleyError as error:
            _fail(error)
        return
    printer = EventPrinter(format_ or _default_format(), extra=MENTION_EXTRA if raw else EVENT_EXTRA)
    try:
        with _open_store(db) as store:
            if raw:
                printer.add(store.mentions(None, pair, type_, first, last))
            else:
                printer.add(store.events(pair, type_, first, last))
    except ParleyError as error:
        _fail(error)
    printer.close()


EVENT_EXTRA = ["event_id", "mentions", "sources", "first_reported", "last_reported"]
MENTION_EXTRA = ["event_id", "url", "title", "publisher", "published"]


def _dyad(dyad: str | None) -> tuple[str, str] | None:
    if not dyad:
        return None
    parts = dyad.upper().split("-")
    if len(parts) != 2 or not all(parts):
        typer.echo("parley: --dyad must look like SRC-TGT, e.g. PRK-USA", err=True)
        raise typer.Exit(EXIT_USAGE)
    return parts[0], parts[1]


def _open_store(db: Path | None):
    """Read-only when the file exists and its canonical events are up to date; else writable."""
    from parley.store import Store

    if not _exists(db):
        return Store(db)
    store = Store(db, read_only=True)
    if store.schema_version() >= 3 and not store.dirty():
        return store
    store.close()
    return Store(db)


@app.command()
def mentions(
    event_id: Annotated[str, typer.Argument(help="A canonical event id, as `parley events` prints it.")],
    db: DbOption = None,
    format_: Annotated[Format | None, typer.Option("--format", help="jsonl, table or csv.")] = None,
):
    """List the mentions behind one event, with their quotes, documents and why they were linked."""
    from parley.render import EventPrinter

    printer = EventPrinter(format_ or _default_format(), extra=MENTION_EXTRA)
    try:
        with _open_store(db) as store:
            if store.event(event_id) is None:
                raise ParleyError("P020", event_id=event_id)
            printer.add(store.mentions(event_id))
    except ParleyError as error:
        _fail(error)
    printer.close()


class ExportFormat(StrEnum):
    gdelt = "gdelt"
    gdelt_mentions = "gdelt-mentions"
    plover = "plover"
    polecat = "polecat"
    parquet = "parquet"


@app.command()
def export(
    format_: Annotated[ExportFormat, typer.Option("--format", help="Export format.")],
    out: Annotated[Path, typer.Option("--out", help="Target file (a folder for parquet).")],
    db: DbOption = None,
    header: Annotated[bool, typer.Option("--header", help="GDELT: write a header row.")] = False,
):
    """Export canonical events as GDELT 2.0 (events or mentions), PLOVER JSONL, POLECAT TSV or Parquet."""
    from parley.exports import export as write
    from parley.store import Store

    try:
        with Store(db) as store:
            count = write(store, format_.value, out, header=header)
    except ParleyError as error:
        _fail(error)
    typer.echo(f"wrote {count} records to {out}", err=True)


class ImportFormat(StrEnum):
    gdelt = "gdelt"


@app.command(name="import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="GDELT 2.0 event files (tab-separated, no header).")],
    format_: Annotated[ImportFormat, typer.Option("--format", help="Input format.")] = ImportFormat.gdelt,
    db: DbOption = None,
):
    """Load GDELT 2.0 event files into the store's gdelt_events table, beside Parley's own events."""
    from parley.exports import import_gdelt
    from parley.store import Store

    errors: list[ParleyError] = []
    added = 0
    try:
        with Store(db) as store:
            for path in paths:
                added += import_gdelt(store, path, errors.append)
    except ParleyError as error:
        _fail(error)
    for error in errors:
        _report_error(error)
    typer.echo(f"imported {added} GDELT events, {len(errors)} bad rows skipped", err=True)
    raise typer.Exit(EXIT_DOCUMENT_ERRORS if errors else 0)


def _exists(db: Path | None) -> bool:
    from parley.store import default_path

    return default_path(db).exists()


@app.command(name="eval")
def eval_(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL file, or the PLOVER GSR JSON file.")],
    format_: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    errors: Annotated[
        Path | None, typer.Option("--errors", help="Write missed and spurious events here.")
    ] = None,
    kb_extra: KbExtra = None,
    frames_extra: FramesExtra = None,
):
    """Precision, recall and F1 against a gold file (events, the PLOVER GSR, or formulas)."""
    from parley.dedup.evaluate import is_dedup_gold
    from parley.evaluate import evaluate, format_report, load_gold
    from parley.formulas.evaluate import is_formula_gold

    if gold.is_file() and is_formula_gold(gold):
        _eval_formulas(gold, format_, errors)
        return
    if gold.is_file() and is_dedup_gold(gold):
        _eval_dedup(gold, format_, errors, _parley(kb_extra, frames_extra))
        return
    try:
        sentences = load_gold(gold)
    except (OSError, ParleyError) as error:
        _fail(
            error
            if isinstance(error, ParleyError)
            else ParleyError("P001", path=str(gold), reason=str(error))
        )
    is_gsr = gold.read_text(encoding="utf-8").lstrip().startswith("[")
    scores = evaluate(sentences, _parley(kb_extra, frames_extra), gsr=is_gsr)
    _print_scores(scores, format_report(scores, str(gold)), format_, errors)


def _eval_formulas(gold: Path, format_: str, errors: Path | None) -> None:
    from parley.formulas.evaluate import evaluate_formulas, format_formula_report, load_formula_gold

    finder = _finder(None)
    try:
        items = load_formula_gold(gold, set(finder.lexicon.formulas))
    except ParleyError as error:
        _fail(error)
    scores = evaluate_formulas(items, finder)
    _print_scores(scores, format_formula_report(scores, str(gold)), format_, errors)


def _eval_dedup(gold: Path, format_: str, errors: Path | None, parley) -> None:
    from parley.dedup.evaluate import evaluate_dedup, format_dedup_report

    try:
        scores = evaluate_dedup(gold, parley)
    except ParleyError as error:
        _fail(error)
    _print_scores(scores, format_dedup_report(scores, str(gold)), format_, errors)


def _print_scores(scores, report: str, format_: str, errors: Path | None) -> None:
    """Both kinds of gold: misses and spurious hits to --errors, then the report as text or JSON."""
    if errors:
        errors.write_text(
            "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in scores.errors), encoding="utf-8"
        )
    typer.echo(json.dumps(scores.to_dict(), indent=2) if format_ == "json" else report)


FormulaExtra = Annotated[
    list[Path] | None, typer.Option("--formulas-extra", help="Extra formula lexicon YAML files.")
]


def _finder(formulas_extra):
    from parley.formulas import FormulaFinder
    from parley.formulas.lexicon import load_lexicon

    try:
        return FormulaFinder(load_lexicon(formulas_extra or []))
    except ParleyError as error:
        _fail(error)


@app.command()
def formulas(
    paths: Annotated[list[str] | None, typer.Argument(help="Files or folders; none reads stdin.")] = None,
    format_: Annotated[Format | None, typer.Option("--format", help="jsonl or table.")] = None,
    formulas_extra: FormulaExtra = None,
):
    """List the diplomatic formulas each document uses, negates, rejects or reports as omitted."""
    from parley.ingest import read_inputs
    from parley.render import print_formula_table

    finder = _finder(formulas_extra)
    fmt = (format_ or _default_format()).value
    rows, failed = [], False
    for item in read_inputs(paths or ["-"]):
        if isinstance(item, ParleyError):
            _report_error(item)
            failed = True
            continue
        for hit in finder.find(item):
            record = hit.to_dict()
            if fmt == "table":
                rows.append(record)
            else:
                typer.echo(json.dumps(record, ensure_ascii=False))
    if fmt == "table":
        print_formula_table(rows)
    raise typer.Exit(EXIT_DOCUMENT_ERRORS if failed else 0)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier statement (text, HTML or one-line JSONL).")],
    new: Annotated[Path, typer.Argument(help="The later statement.")],
    format_: Annotated[Format | None, typer.Option("--format", help="jsonl or table.")] = None,
    formulas_extra: FormulaExtra = None,
):
    """Formulas added, dropped, kept and changed between two statements, with word diffs."""
    from parley.formulas.diff import diff_statements
    from parley.ingest import read_inputs
    from parley.render import print_formula_diff

    documents = []
    for path in (old, new):
        items = list(read_inputs([path]))
        for item in items:
            if isinstance(item, ParleyError):
                _fail(item, EXIT_DOCUMENT_ERRORS)
        if len(items) != 1:
            _fail(ParleyError("P016", path=str(path), count=len(items)))
        documents.append(items[0])
    report = diff_statements(documents[0], documents[1], _finder(formulas_extra))
    if (format_ or _default_format()) == Format.table:
        print_formula_diff(report)
    else:
        typer.echo(json.dumps(report, ensure_ascii=False))


@app.command()
def series(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files or folders of statements ('-' for stdin); none reads --db."),
    ] = None,
    db: DbOption = None,
    date_: DateOption = None,
    format_: Annotated[Format | None, typer.Option("--format", help="jsonl or table.")] = None,
    formulas_extra: FormulaExtra = None,
):
    """A formula-by-document matrix ordered by date, with first-seen and last-seen dates."""
    from parley.formulas.series import formula_series, series_from_hits
    from parley.ingest import read_inputs
    from parley.render import print_formula_series

    documents, failed = [], False
    if not paths:
        from parley.store import Store

        if not _exists(db):
            _fail(ParleyError("P010", path=str(db or "parley.duckdb"), reason="no such database; run ingest"))
        try:
            with Store(db, read_only=True) as store:
                found = store.formula_documents()
        except ParleyError as error:
            _fail(error)
        report = series_from_hits(found, _finder(formulas_extra).lexicon)
    else:
        for item in read_inputs(paths, _date(date_)):
            if isinstance(item, ParleyError):
                _report_error(item)
                failed = True
            else:
                documents.append(item)
        report = formula_series(documents, _finder(formulas_extra))
    if (format_ or _default_format()) == Format.table:
        print_formula_series(report)
    else:
        for row in report["formulas"]:
            typer.echo(json.dumps({**row, "columns": report["documents"]}, ensure_ascii=False))
    raise typer.Exit(EXIT_DOCUMENT_ERRORS if failed else 0)


@app.command()
def dyad(
    pair: Annotated[str, typer.Argument(help="SRC-TGT country codes, e.g. USA-PRK.")],
    db: DbOption = None,
    by: Annotated[str, typer.Option("--by", help="day, week or month.")] = "month",
    normalise: Annotated[bool, typer.Option("--normalise", help="Also per 100 stored documents.")] = False,
    since: Annotated[str | None, typer.Option("--since", help="Earliest event date.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Latest event date.")] = None,
):
    """A directed dyad by period: counts by quad class, Goldstein and PLOVER scores (JSON lines)."""
    from parley import analytics

    source, target = _dyad(pair)
    if by not in analytics.PERIODS:
        _fail(ParleyError("P013", path="--by", reason="use day, week or month"))
    with _open_store(db) as store:
        for row in analytics.dyad_series(
            store.con, source, target, by, normalise, _date(since), _date(until)
        ):
            typer.echo(json.dumps(row))


@app.command()
def alerts(
    db: DbOption = None,
    dyad_: Annotated[str | None, typer.Option("--dyad", help="Only this SRC-TGT dyad.")] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="Robust z-score to flag.")] = 3.0,
    weeks: Annotated[int, typer.Option("--weeks", min=4, help="Weeks in the rolling baseline.")] = 12,
):
    """Weeks where a dyad's mean PLOVER score left its own rolling baseline, with the events behind them."""
    from parley import analytics

    with _open_store(db) as store:
        for alert in analytics.shifts(store.con, _dyad(dyad_), weeks, threshold):
            typer.echo(json.dumps(alert.to_dict(), ensure_ascii=False))


@app.command()
def network(
    out: Annotated[Path, typer.Option("--out", help="GEXF file to write (for Gephi).")],
    db: DbOption = None,
    since: Annotated[str | None, typer.Option("--since", help="Earliest event date.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Latest event date.")] = None,
    min_events: Annotated[int, typer.Option("--min-events", min=1, help="Drop lighter edges.")] = 1,
):
    """The actor network of a period as GEXF: edges weighted by events, coloured by mean score."""
    from parley import analytics

    with _open_store(db) as store:
        graph = analytics.network(store.con, _date(since), _date(until), min_events)
    analytics.write_gexf(graph, out)
    typer.echo(
        f"wrote {graph.number_of_nodes()} actors and {graph.number_of_edges()} edges to {out}", err=True
    )


@app.command()
def timeline(
    db: DbOption = None,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Country code, actor id or issuer.")
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help="Formula category.")] = None,
    formula: Annotated[str | None, typer.Option("--formula", help="One formula id.")] = None,
):
    """Which formulas a speaker used in which stored documents, in date order (JSON lines)."""
    from parley import analytics

    with _open_store(db) as store:
        for row in analytics.formula_timeline(store.con, speaker, category, formula):
            typer.echo(json.dumps(row, ensure_ascii=False))


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind (default localhost).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
):
    """Serve the HTTP API and the dashboard (read-only unless $PARLEY_TOKEN is set)."""
    import uvicorn

    from parley.server import create_app

    try:
        application = create_app(db)
    except ParleyError as error:
        _fail(error)
    typer.echo(f"Parley on http://{host}:{port}/ (API docs at /docs); Ctrl-C stops it", err=True)
    uvicorn.run(application, host=host, port=port, log_level="warning")


spark_app = typer.Typer(help="Run the coder on Spark.", no_args_is_help=True)
app.add_typer(spark_app, name="spark")


@spark_app.command(name="code")
def spark_code(
    paths: Annotated[list[str], typer.Argument(help="JSONL files (or Parquet documents), then OUTPUT.")],
    master: Annotated[str, typer.Option("--master", help="Spark master.")] = "local[2]",
    partitions: Annotated[int | None, typer.Option("--partitions", min=1, help="Repartition input.")] = None,
):
    """Code documents on Spark; write mentions as Parquet partitioned by year and month."""
    from parley.spark import run

    if len(paths) < 2:
        typer.echo("parley: give at least one input and the OUTPUT folder", err=True)
        raise typer.Exit(EXIT_USAGE)
    *inputs, output = paths
    report = run(inputs, output, master, partitions)
    for error in report.errors:
        typer.echo(f"parley: skipped {error}", err=True)
    typer.echo(
        f"coded {report.documents} documents: {report.mentions} mentions written to {output}, "
        f"{len(report.errors)} bad rows skipped",
        err=True,
    )
    raise typer.Exit(EXIT_DOCUMENT_ERRORS if report.errors else 0)


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="Where to store the demo database.")] = Path(
        "parley-demo.duckdb"
    ),
    workers: WorkersOption = 1,
):
    """Ingest the bundled demo corpus and print a summary."""
    from parley.demo import run_demo

    try:
        typer.echo(run_demo(db, workers))
    except ParleyError as error:
        _fail(error)


@app.command()
def bench(
    sentences: Annotated[int, typer.Option("--sentences", help="Size of the generated corpus.")] = 50000,
    workers: Annotated[str, typer.Option("--workers", help="Comma-separated process counts.")] = "1,2",
    memory_gb: Annotated[
        float, typer.Option("--memory-gb", help="Generate a JSONL file this large and measure ingest RSS.")
    ] = 0.0,
    memory_minutes: Annotated[
        float, typer.Option("--memory-minutes", help="Stop (kill) that ingest after this long.")
    ] = 10.0,
):
    """Throughput, peak memory and the ratio to a bare spaCy parse, measured in this run. With
    --memory-gb, instead: peak RSS of an ingest of a generated JSONL file that size."""
    if memory_gb:
        from parley.bench import run_memory

        typer.echo(run_memory(memory_gb, memory_minutes, max(int(w) for w in workers.split(","))))
        return
    from parley.bench import run_bench

    typer.echo(run_bench(sentences, [int(w) for w in workers.split(",")]))


def main():  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
