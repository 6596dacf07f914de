"""Scoring formula hits against a gold file: {"text", "formulas": [{"id", "status"}]} per line."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from parley.errors import ParleyError
from parley.formulas import STATUSES, FormulaFinder
from parley.models import Document


@dataclass
class FormulaGold:
    text: str
    formulas: list[tuple[str, str]]
    line: int


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class FormulaScores:
    sentences: int = 0
    with_status: Tally = field(default_factory=Tally)
    formula_only: Tally = field(default_factory=Tally)
    by_status: dict[str, Tally] = field(default_factory=lambda: {s: Tally() for s in STATUSES})
    errors: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "sentences": self.sentences,
            "formula_and_status": self.with_status.scores(),
            "formula_only": self.formula_only.scores(),
            "by_status": {s: t.scores() for s, t in self.by_status.items()},
        }


def is_formula_gold(path: Path) -> bool:
    """A formula gold file's first record has a "formulas" list."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                try:
                    return isinstance(json.loads(line).get("formulas"), list)
                except (ValueError, AttributeError):
                    return False
    return False


def load_formula_gold(path: Path, known: set[str]) -> list[FormulaGold]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            pairs = [(f["id"], f["status"]) for f in record["formulas"]]
            text = record["text"]
        except (KeyError, TypeError, ValueError) as error:
            raise ParleyError("P011", path=str(path), line=number, reason=str(error)) from None
        bad = [p for p in pairs if p[0] not in known or p[1] not in STATUSES]
        if bad or not isinstance(text, str):
            raise ParleyError("P011", path=str(path), line=number, reason=f"unknown formula or status {bad}")
        items.append(FormulaGold(text, pairs, number))
    return items


def _match(tally: Tally, gold: list, found: list) -> None:
    expected, got = Counter(gold), Counter(found)
    tally.tp += sum((expected & got).values())
    tally.fp += sum((got - expected).values())
    tally.fn += sum((expected - got).values())


def evaluate_formulas(items: list[FormulaGold], finder: FormulaFinder | None = None) -> FormulaScores:
    """Precision and recall of (formula, status) pairs per text, and of formulas alone."""
    finder = finder or FormulaFinder()
    scores = FormulaScores(sentences=len(items))
    for item in items:
        found = [(h.formula_id, h.status) for h in finder.find(Document(text=item.text), speakers=False)]
        _match(scores.with_status, item.formulas, found)
        _match(scores.formula_only, [f for f, _ in item.formulas], [f for f, _ in found])
        for status in STATUSES:
            _match(
                scores.by_status[status],
                [p for p in item.formulas if p[1] == status],
                [p for p in found if p[1] == status],
            )
        if Counter(found) != Counter(item.formulas):
            scores.errors.append(
                {"line": item.line, "text": item.text, "gold": item.formulas, "found": found}
            )
    return scores


def format_formula_report(scores: FormulaScores, name: str) -> str:
    def line(label: str, t: Tally) -> str:
        s = t.scores()
        counts = f"(tp={t.tp} fp={t.fp} fn={t.fn})"
        return f"{label:<20} P={s['precision']:.3f}  R={s['recall']:.3f}  F1={s['f1']:.3f}  {counts}"

    lines = [
        f"{name}: {scores.sentences} texts (formula gold)",
        line("formula and status", scores.with_status),
        line("formula only", scores.formula_only),
        "",
    ]
    lines += [line(status, tally) for status, tally in scores.by_status.items()]
    return "\n".join(lines)
