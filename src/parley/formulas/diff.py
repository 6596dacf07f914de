"""Compare the formulas of two statements: added, dropped, kept and changed, with word diffs."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from parley.formulas import FormulaFinder, FormulaHit, _sentence_around
from parley.models import Document

WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)


@dataclass
class FormulaChange:
    """One formula (or one ladder) as it stands in the old and the new statement."""

    kind: str  # added | dropped | kept | changed
    formula_id: str
    old: list[dict] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)
    ladder: str | None = None
    note: str = ""

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "formula_id": self.formula_id,
            "ladder": self.ladder,
            "note": self.note,
            "old": self.old,
            "new": self.new,
        }


def _state(hits: list[FormulaHit]) -> dict[str, list[FormulaHit]]:
    """Asserted hits by formula; negated, rejected or omitted mentions are not the text's own wording."""
    state: dict[str, list[FormulaHit]] = {}
    for hit in hits:
        if hit.status == "asserted":
            state.setdefault(hit.formula_id, []).append(hit)
    return state


def _brief(hit: FormulaHit, text: str) -> dict:
    start, end = _sentence_around(text, hit.char_start, hit.char_end)
    return {
        "text": hit.text,
        "char_start": hit.char_start,
        "char_end": hit.char_end,
        "status": hit.status,
        "lang": hit.lang,
        "sentence": text[start:end].strip(),
    }


def word_diff(old: str, new: str) -> str:
    """A word-level diff: [-removed-] and {+added+} marks, like `git diff --word-diff`."""
    a, b = WORD.findall(old), WORD.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(" ".join(a[i1:i2]))
        if op in ("delete", "replace"):
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if op in ("insert", "replace"):
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(part for part in out if part)


def diff_statements(old: Document, new: Document, finder: FormulaFinder | None = None) -> dict:
    """Formulas added, dropped, kept and changed between two statements (`parley diff`)."""
    finder = finder or FormulaFinder()
    lexicon = finder.lexicon
    before = _state(finder.find(old, speakers=False))
    after = _state(finder.find(new, speakers=False))
    changes: list[FormulaChange] = []

    def brief(hits, doc):
        return [_brief(h, doc.text) for h in hits]

    # another step on the same ladder counts as a change, not a drop and an add
    paired: set[str] = set()
    for fid in sorted(set(before) - set(after)):
        ladder = lexicon.formulas[fid].ladder
        if ladder is None:
            continue
        for other in sorted(set(after) - set(before) - paired):
            step = lexicon.formulas[other].ladder
            if step is not None and step.name == ladder.name:
                direction = "up" if step.step > ladder.step else "down"
                changes.append(
                    FormulaChange(
                        "changed",
                        other,
                        brief(before[fid], old),
                        brief(after[other], new),
                        ladder=ladder.name,
                        note=f"{fid} -> {other} ({direction} the {ladder.name})",
                    )
                )
                paired.update({fid, other})
                break
    for fid in sorted(set(before) | set(after)):
        if fid in paired:
            continue
        if fid not in after:
            changes.append(FormulaChange("dropped", fid, brief(before[fid], old)))
        elif fid not in before:
            changes.append(FormulaChange("added", fid, [], brief(after[fid], new)))
        else:
            old_words = sorted({h.text.lower() for h in before[fid]})
            new_words = sorted({h.text.lower() for h in after[fid]})
            kind = "kept" if old_words == new_words else "changed"
            note = (
                ""
                if kind == "kept"
                else "other wording: " + "; ".join(old_words) + " -> " + "; ".join(new_words)
            )
            changes.append(
                FormulaChange(kind, fid, brief(before[fid], old), brief(after[fid], new), note=note)
            )
    order = {"added": 0, "dropped": 1, "changed": 2, "kept": 3}
    changes.sort(key=lambda c: (order[c.kind], c.formula_id))
    old_sentences = {b["sentence"] for c in changes for b in c.old}
    new_sentences = {b["sentence"] for c in changes for b in c.new}
    return {
        "old": old.id,
        "new": new.id,
        "summary": {kind: sum(c.kind == kind for c in changes) for kind in order},
        "changes": [c.to_dict() for c in changes],
        "word_diff": _sentence_diffs(sorted(old_sentences), sorted(new_sentences)),
    }


def _sentence_diffs(old: list[str], new: list[str]) -> list[dict]:
    """Pair each changed sentence with its closest counterpart and diff their words."""
    pairs, unused = [], list(new)
    for sentence in old:
        if sentence in new:
            if sentence in unused:
                unused.remove(sentence)
            continue
        best = max(unused, key=lambda s: difflib.SequenceMatcher(a=sentence, b=s).ratio(), default=None)
        if best is not None and difflib.SequenceMatcher(a=sentence, b=best).ratio() >= 0.4:
            unused.remove(best)
            pairs.append({"old": sentence, "new": best, "diff": word_diff(sentence, best)})
        else:
            pairs.append({"old": sentence, "new": None, "diff": word_diff(sentence, "")})
    pairs.extend({"old": None, "new": s, "diff": word_diff("", s)} for s in unused if s not in old)
    return pairs
