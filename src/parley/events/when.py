"""Which date expression of a sentence belongs to which event."""

from __future__ import annotations

from parley.dates import DateExpression
from parley.models import Document


def date_for(trigger, dates: list[DateExpression], document: Document):
    """The date expression of the trigger's own clause, else the document date."""
    best = None
    for expression in dates:
        owner = _owner(trigger.doc.char_span(expression.start, expression.end, alignment_mode="expand"))
        if owner is not None and owner.i == trigger.i:
            best = expression
            break
        if owner is not None and best is None and _governs(owner, trigger):
            best = expression
    if best is not None and best.value is not None:
        return best.value.isoformat(), best.precision, best.text
    if document.published is None:
        return None, None, None
    return document.published.isoformat(), "day", None


def _owner(span):
    """The verb or trigger noun a date expression hangs from."""
    if span is None or len(span) == 0:
        return None
    node = span.root
    for _ in range(8):
        if node.pos_ in ("VERB", "AUX") or (node.i != span.root.i and node.pos_ == "NOUN"):
            return node
        if node.head.i == node.i:
            return node
        node = node.head
    return None


def _governs(ancestor, token) -> bool:
    node = token
    for _ in range(10):
        if node.head.i == node.i:
            return False
        node = node.head
        if node.i == ancestor.i:
            return True
    return False
