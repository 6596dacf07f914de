"""Printing events as JSONL, CSV or a terminal table."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable

CSV_COLUMNS = [
    "doc_id",
    "sentence",
    "char_start",
    "char_end",
    "event_type",
    "mode",
    "cameo",
    "goldstein",
    "quad_class",
    "plover_score",
    "source_country",
    "source_name",
    "target_country",
    "target_name",
    "date",
    "date_precision",
    "date_text",
    "confidence",
    "rule",
    "quote",
]


class EventPrinter:
    """Writes event dicts in one format; tables are buffered and printed at close."""

    def __init__(self, format_, stream=None, extra: list[str] | None = None):
        self.format = getattr(format_, "value", format_)
        self.stream = stream or sys.stdout
        self.rows: list[dict] = []
        self.writer = None
        self.columns = CSV_COLUMNS + list(extra or [])
        if self.format == "csv":
            self.writer = csv.writer(self.stream)
            self.writer.writerow(self.columns)

    def add(self, records: Iterable[dict]) -> None:
        for record in records:
            if self.format == "jsonl":
                self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            elif self.format == "csv":
                self.writer.writerow([_flat(record, c) for c in self.columns])
            else:
                self.rows.append(record)

    def close(self) -> None:
        if self.format == "table":
            print_table(self.rows)
        self.stream.flush()


def _flat(record: dict, column: str):
    if column.startswith(("source_", "target_")):
        side, field = column.split("_", 1)
        return (record[side] or {}).get(field)
    return record[column]


def print_table(records: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    counted = bool(records) and "mentions" in records[0]
    linked = bool(records) and "event_id" in records[0] and not counted
    names = ["date", "type", "cameo", "source", "target", "quote"]
    names += ["event", "reports"] if counted else ["event", "published"] if linked else []
    for name in names:
        table.add_column(name, overflow="fold")
    for r in records:
        cells = [
            r["date"] or "",
            r["event_type"],
            r["cameo"],
            f"{r['source']['name']} ({r['source']['country']})",
            f"{r['target']['name']} ({r['target']['country']})" if r["target"] else "",
            r["quote"],
        ]
        if counted:
            cells += [r["event_id"], f"{r['mentions']} mentions, {r['sources']} sources"]
        elif linked:
            cells += [r["event_id"], f"{r['published'] or ''} {r['publisher'] or ''}".strip()]
        table.add_row(*cells)
    Console().print(table)
    Console().print(f"{len(records)} " + ("mentions" if linked else "events"))


def print_formula_table(records: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for name in ("doc", "formula", "status", "quoted", "lang", "speaker", "text"):
        table.add_column(name, overflow="fold")
    for r in records:
        speaker = r["speaker"]["name"] if r["speaker"] else ""
        table.add_row(
            r["doc_id"][:12],
            r["formula_id"],
            r["status"],
            "yes" if r["quoted"] else "",
            r["lang"],
            speaker,
            r["text"],
        )
    Console().print(table)
    Console().print(f"{len(records)} formula hits")


def print_formula_diff(report: dict) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    summary = report["summary"]
    console.print(", ".join(f"{n} {kind}" for kind, n in summary.items()))
    marks = {"added": "+", "dropped": "-", "changed": "~", "kept": "="}
    for change in report["changes"]:
        words = change["new"] or change["old"]
        wording = "; ".join(sorted({w["text"] for w in words}))
        note = f"  ({change['note']})" if change["note"] else ""
        head = f"{marks[change['kind']]} {change['kind']:<8}{change['formula_id']}"
        console.print(f"{head}: {escape(wording)}{escape(note)}")
    for pair in report["word_diff"]:
        console.print("")
        console.print(escape(pair["diff"]))


def print_formula_series(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    from parley.formulas.series import MARKS

    table = Table(show_lines=False)
    table.add_column("formula", overflow="fold")
    for index, column in enumerate(report["documents"], 1):
        table.add_column(column["date"] or f"#{index}", justify="center")
    table.add_column("first seen")
    table.add_column("last seen")
    for row in report["formulas"]:
        marks = [MARKS[s] if s else "" for s in row["statuses"]]
        table.add_row(row["formula_id"], *marks, str(row["first_seen"]), str(row["last_seen"]))
    console = Console()
    console.print(table)
    console.print("+ asserted, r rejected, n not mentioned, o reported as omitted")
