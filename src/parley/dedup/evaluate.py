"""Scoring the event grouping against a dedup gold corpus.

A dedup gold file is JSONL, one document per line, with its metadata and a ``gold`` list naming the
real-world events it reports: ``{"event": "E07", "source": "USA", "target": "PRK", "type":
"SANCTION"}``. The corpus is ingested into a fresh in-memory store. Each mention Parley finds is
matched to the gold event of its document with the same type and the same two countries (in either
direction; the direction is kept in the label, since canonical events are directed). Mentions that
match no gold event are coding errors, not grouping errors: they are counted and left out.

Over the matched mentions, every pair is a true link when both carry the same gold label. Pairwise
precision is the share of pairs Parley put in one event that are true links; pairwise recall the
share of true links Parley made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from parley.errors import ParleyError

# gold written against the older PLOVER names maps onto the current manual's types
TYPE_ALIASES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE"}


def is_dedup_gold(path: Path) -> bool:
    """True if the first record of a JSONL file carries a document-level "gold" event list."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    return False
                return isinstance(record, dict) and isinstance(record.get("gold"), list) and "text" in record
    return False


def load_dedup_gold(path: Path) -> dict[str, list[dict]]:
    """{document id: gold events}, validated."""
    gold: dict[str, list[dict]] = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                items = [
                    {
                        "event": str(item["event"]),
                        "source": item["source"],
                        "target": item["target"],
                        "type": TYPE_ALIASES.get(item["type"], item["type"]),
                    }
                    for item in record["gold"]
                ]
                gold[str(record["id"])] = items
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise ParleyError("P011", path=str(path), line=number, reason=repr(error)) from None
    return gold


@dataclass
class DedupScores:
    precision: float
    recall: float
    f1: float
    true_links: int
    predicted_links: int
    correct_links: int
    mentions: int
    matched: int
    gold_events: int
    gold_events_found: int
    predicted_events: int
    errors: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = dict(self.__dict__)
        data.pop("errors")
        return data


def label_of(mention: dict, items: list[dict]) -> tuple | None:
    """The gold event a mention reports: one of its type between its two countries, in its direction
    if the document has one ("Canada arrested ..." and "China detained ..." are two events), else
    in the other (a meeting coded from either side)."""
    source = mention["source"]["country"]
    target = mention["target"]["country"] if mention["target"] else None
    same_type = [item for item in items if item["type"] == mention["event_type"]]
    for pair in ((source, target), (target, source)):
        events = {item["event"] for item in same_type if (item["source"], item["target"]) == pair}
        if len(events) == 1:
            return (events.pop(), source, target)
        if events:
            return None  # two events of one type and pair in a document: which one is unknown
    return None


def score_grouping(mentions: list[dict], gold: dict[str, list[dict]]) -> DedupScores:
    """Pairwise precision and recall of the event ids on the mentions that match a gold event."""
    matched = []
    for m in mentions:
        label = label_of(m, gold.get(m["doc_id"], []))
        if label is not None:
            matched.append((label, m["event_id"], m))
    true = predicted = correct = 0
    split: dict[tuple, set] = {}
    merged: dict[str, set] = {}
    for (label_a, event_a, _), (label_b, event_b, _) in combinations(matched, 2):
        same_gold, same_event = label_a == label_b, event_a == event_b
        true += same_gold
        predicted += same_event
        correct += same_gold and same_event
        if same_gold and not same_event:
            split.setdefault(label_a, set()).update({event_a, event_b})
        if same_event and not same_gold:
            merged.setdefault(event_a, set()).update({label_a, label_b})
    precision = correct / predicted if predicted else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    gold_events = {(i["event"]) for items in gold.values() for i in items}
    errors = [
        {"kind": "split", "gold": list(label), "events": sorted(ids), "mentions": _show(matched, label=label)}
        for label, ids in sorted(split.items())
    ] + [
        {
            "kind": "merged",
            "event": event,
            "gold": sorted(map(list, labels)),
            "mentions": _show(matched, event=event),
        }
        for event, labels in sorted(merged.items())
    ]
    return DedupScores(
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        true_links=true,
        predicted_links=predicted,
        correct_links=correct,
        mentions=len(mentions),
        matched=len(matched),
        gold_events=len(gold_events),
        gold_events_found=len({label[0] for label, _, _ in matched}),
        predicted_events=len({event for _, event, _ in matched}),
        errors=errors,
    )


def _show(matched, label=None, event=None) -> list[dict]:
    return [
        {
            "doc_id": m["doc_id"],
            "event_id": e,
            "gold": lab[0],
            "date": m["date"],
            "date_text": m["date_text"],
            "quote": m["quote"],
            "link": m["link"],
        }
        for lab, e, m in matched
        if (label is None or lab == label) and (event is None or e == event)
    ]


def evaluate_dedup(path: Path, parley, store_path: str = ":memory:") -> DedupScores:
    """Ingest a dedup gold corpus into a fresh store and score the grouping."""
    from parley import service
    from parley.store import Store

    gold = load_dedup_gold(path)
    with Store(store_path) as store:
        report = service.ingest([str(path)], store, parley=parley)
        if report.errors:
            raise report.errors[0]
        mentions = list(store.mentions())
    return score_grouping(mentions, gold)


def format_dedup_report(scores: DedupScores, name: str) -> str:
    return "\n".join(
        [
            f"{name}: event grouping, pairwise over mentions that match a gold event",
            f"  precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}",
            f"  links: {scores.correct_links} correct of {scores.predicted_links} made, "
            f"{scores.true_links} true",
            f"  mentions: {scores.matched} of {scores.mentions} match a gold event; "
            f"{scores.gold_events_found} of {scores.gold_events} gold events found; "
            f"{scores.predicted_events} canonical events among the matched mentions",
            f"  errors: {sum(e['kind'] == 'split' for e in scores.errors)} split gold events, "
            f"{sum(e['kind'] == 'merged' for e in scores.errors)} merged events",
        ]
    )
