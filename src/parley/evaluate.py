"""Evaluation against gold sentences: precision, recall and F1 at the level of (type, dyad).

A predicted event matches a gold event when the type, source country and target country agree.
A symmetric gold event matches either direction and absorbs both; a gold target of null matches
any target. Predictions that match an `optional` gold event are neither credited nor penalised.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from parley.errors import ParleyError
from parley.events.frames import PLOVER_TYPES
from parley.models import Document
from parley.pipeline import Coded

# The PLOVER GSR file was coded in PLOVER 0.5b1; these are its old names for current types.
GSR_TYPES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
# It also uses a few CAMEO country codes where ISO3 differs.
GSR_CODES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}


@dataclass
class GoldEvent:
    type: str
    source: str | None
    target: str | None
    symmetric: bool = False


@dataclass
class GoldSentence:
    id: str
    text: str
    date: date | None
    events: list[GoldEvent]
    optional: list[GoldEvent] = field(default_factory=list)


@dataclass
class Scores:
    """Counts and the confusion table of one evaluation run."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    confusion: Counter = field(default_factory=Counter)  # (gold type or NONE, predicted or NONE)
    sentences: int = 0
    errors: list[dict] = field(default_factory=list)

    def prf(self, event_type: str | None = None) -> tuple[float, float, float]:
        tp = self.tp[event_type] if event_type else sum(self.tp.values())
        fp = self.fp[event_type] if event_type else sum(self.fp.values())
        fn = self.fn[event_type] if event_type else sum(self.fn.values())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def to_dict(self) -> dict:
        p, r, f = self.prf()
        per_type = {}
        for t in PLOVER_TYPES:
            tp, fp, fn = self.tp[t], self.fp[t], self.fn[t]
            if tp or fp or fn:
                tp_, tr_, tf_ = self.prf(t)
                per_type[t] = {
                    "precision": round(tp_, 3),
                    "recall": round(tr_, 3),
                    "f1": round(tf_, 3),
                    "tp": tp,
                    "fp": fp,
                    "fn": fn,
                }
        return {
            "sentences": self.sentences,
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "tp": sum(self.tp.values()),
            "fp": sum(self.fp.values()),
            "fn": sum(self.fn.values()),
            "per_type": per_type,
            "confusion": {f"{g}->{p_}": n for (g, p_), n in sorted(self.confusion.items())},
        }


def load_gold(path: Path) -> list[GoldSentence]:
    """Our JSONL gold format, or the PLOVER GSR JSON list (detected by its first character)."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        return _load_gsr(path, json.loads(text))
    sentences = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            sentences.append(
                GoldSentence(
                    id=record["id"],
                    text=record["text"],
                    date=date.fromisoformat(record["date"]) if record.get("date") else None,
                    events=[_gold_event(e) for e in record.get("events", [])],
                    optional=[_gold_event(e) for e in record.get("optional", [])],
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ParleyError("P011", path=str(path), line=number, reason=str(error)) from None
    return sentences


def _gold_event(record: dict) -> GoldEvent:
    if record["type"] not in PLOVER_TYPES:
        raise ValueError(f"unknown event type {record['type']!r}")
    return GoldEvent(
        record["type"], record.get("source"), record.get("target"), bool(record.get("symmetric", False))
    )


def _load_gsr(path: Path, records: list) -> list[GoldSentence]:
    sentences = []
    for record in records:
        if record.get("event") == "DOCUMENT" or "text" not in record:
            continue
        event_type = GSR_TYPES.get(record["event"], record["event"])
        sources = _gsr_codes(record.get("source")) or [None]
        targets = _gsr_codes(record.get("target")) or [None]
        events = [GoldEvent(event_type, s, t) for s in sources for t in targets if s != t or s is None]
        sentences.append(GoldSentence(id=record["id"], text=record["text"], date=None, events=events))
    return sentences


def _gsr_codes(value) -> list[str]:
    if not isinstance(value, list):
        return []
    codes = []
    for actor in value:
        code = (actor or {}).get("code")
        if isinstance(code, str) and len(code) == 3 and code.isupper():
            code = GSR_CODES.get(code, code)
            if code not in codes:
                codes.append(code)
    return codes


def evaluate(gold: list[GoldSentence], parley, gsr: bool = False) -> Scores:
    """Code every gold sentence and score the predictions."""
    scores = Scores()
    documents = [Document(text=g.text, id=g.id, published=g.date) for g in gold]
    for sentence, coded in zip(gold, parley.code_batch(documents), strict=True):
        if isinstance(coded, ParleyError):
            scores.errors.append({"id": sentence.id, "text": sentence.text, "error": str(coded)})
            coded = Coded(coded, [])
        predicted = {
            (
                e.event_type,
                _country(e.source.country, gsr),
                _country(e.target.country, gsr) if e.target else None,
            )
            for e in coded.events
        }
        score_sentence(sentence, predicted, scores)
        scores.sentences += 1
    return scores


def _country(code: str, gsr: bool) -> str:
    # the GSR codes the UN and the EU as IGO, as PLOVER did before UNO and EUR
    return "IGO" if gsr and code in ("UNO", "EUR") else code


def score_sentence(sentence: GoldSentence, predicted: set[tuple], scores: Scores) -> None:
    """Match one sentence's predictions against its gold events, updating the counts."""
    unmatched = set(predicted)
    missed = []
    for gold in sentence.events:
        hit = _match(gold, unmatched)
        if hit:
            scores.tp[gold.type] += 1
            unmatched -= hit
            scores.confusion[(gold.type, gold.type)] += 1
        else:
            scores.fn[gold.type] += 1
            missed.append(gold)
    for gold in sentence.optional:
        unmatched -= _match(gold, unmatched)
    confused = set()
    for gold in missed:
        same_dyad = [p for p in unmatched if _dyad_matches(gold, p)]
        predicted_type = same_dyad[0][0] if same_dyad else "NONE"
        confused.update(same_dyad[:1])
        scores.confusion[(gold.type, predicted_type)] += 1
    for prediction in unmatched:
        scores.fp[prediction[0]] += 1
        if prediction not in confused:
            scores.confusion[("NONE", prediction[0])] += 1
    if missed or unmatched:
        scores.errors.append(
            {
                "id": sentence.id,
                "text": sentence.text,
                "missed": [g.__dict__ for g in missed],
                "spurious": sorted(map(list, unmatched), key=str),
            }
        )


def _dyad_matches(gold: GoldEvent, prediction: tuple) -> bool:
    _, source, target = prediction
    forward = source == gold.source and (gold.target is None or target == gold.target)
    backward = gold.symmetric and source == gold.target and target == gold.source
    return forward or backward


def _match(gold: GoldEvent, candidates: set[tuple]) -> set[tuple]:
    """The predictions this gold event absorbs (empty when none matches)."""
    hits = {p for p in candidates if p[0] == gold.type and _dyad_matches(gold, p)}
    if not hits:
        return set()
    if gold.symmetric:
        return hits
    return {sorted(hits, key=str)[0]} if gold.target is not None else hits


def format_report(scores: Scores, title: str) -> str:
    """A plain-text report: overall, per type, and the confusion table."""
    p, r, f = scores.prf()
    lines = [
        f"{title}: {scores.sentences} sentences",
        f"overall  P={p:.3f}  R={r:.3f}  F1={f:.3f}  (tp={sum(scores.tp.values())} "
        f"fp={sum(scores.fp.values())} fn={sum(scores.fn.values())})",
        "",
        f"{'type':<10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}",
    ]
    for t in PLOVER_TYPES:
        if scores.tp[t] or scores.fp[t] or scores.fn[t]:
            tp_, tr_, tf_ = scores.prf(t)
            lines.append(
                f"{t:<10} {tp_:6.3f} {tr_:6.3f} {tf_:6.3f} "
                f"{scores.tp[t]:4d} {scores.fp[t]:4d} {scores.fn[t]:4d}"
            )
    lines += ["", "confusion (gold -> predicted, off-diagonal only):"]
    table = defaultdict(list)
    for (g, pred), n in sorted(scores.confusion.items()):
        if g != pred:
            table[g].append(f"{pred}:{n}")
    for g in sorted(table):
        lines.append(f"  {g:<10} {' '.join(table[g])}")
    return "\n".join(lines)
