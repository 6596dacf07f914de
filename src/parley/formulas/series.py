"""A formula-by-document presence matrix, ordered by date, with first-seen and last-seen dates."""

from __future__ import annotations

from datetime import date

from parley.formulas import FormulaFinder
from parley.models import Document

# one mark per cell: what the document does with the formula (asserted wins over the others)
MARKS = {"asserted": "+", "negated": "n", "rejected": "r", "omitted": "o"}
PRECEDENCE = ("asserted", "rejected", "negated", "omitted")


def _order(document: Document) -> tuple:
    # undated documents go last, in the order they were read
    return (document.published is None, document.published or date.min)


def formula_series(documents: list[Document], finder: FormulaFinder | None = None) -> dict:
    """Which formulas each document uses, with first and last asserted use (`parley series`)."""
    finder = finder or FormulaFinder()
    found = [(d, [h.to_dict() for h in finder.find(d, speakers=False)]) for d in documents]
    return series_from_hits(found, finder.lexicon)


def series_from_hits(found: list[tuple[Document, list[dict]]], lexicon) -> dict:
    """The matrix from documents with their hits ({formula_id, status}), e.g. as stored by ingest."""
    found = sorted(found, key=lambda pair: _order(pair[0]))
    ordered = [document for document, _ in found]
    columns = [
        {"doc_id": d.id, "date": d.published.isoformat() if d.published else None, "source": d.source}
        for d in ordered
    ]
    cells: dict[str, list[str | None]] = {}
    for index, (_, hits) in enumerate(found):
        for hit in hits:
            row = cells.setdefault(hit["formula_id"], [None] * len(ordered))
            current = row[index]
            if current is None or PRECEDENCE.index(hit["status"]) < PRECEDENCE.index(current):
                row[index] = hit["status"]
    rows = []
    for formula_id, row in sorted(cells.items()):
        used = [i for i, status in enumerate(row) if status == "asserted"]
        seen = used or [i for i, status in enumerate(row) if status]
        rows.append(
            {
                "formula_id": formula_id,
                "label": lexicon.formulas[formula_id].label if formula_id in lexicon.formulas else formula_id,
                "statuses": row,
                "documents": len(used),
                "first_seen": columns[seen[0]]["date"] or columns[seen[0]]["source"],
                "last_seen": columns[seen[-1]]["date"] or columns[seen[-1]]["source"],
            }
        )
    return {"documents": columns, "formulas": rows}
