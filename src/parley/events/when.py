"""Which date expression of a sentence belongs to which event."""

from __future__ import annotations

from parley.dates import DateExpression
from parley.models import Document


def date_for(trigger, dates: list[DateExpression], document: Document):
    """The date expression of the trigger's own clause, else the document date."""
    best = own = None
    owners = []
    for expression in dates:
        owner = _owner(trigger.doc.char_span(expression.start, expression.end, alignment_mode="expand"))
        owners.append((expression, owner))
        if owner is not None and owner.i == trigger.i:
            best = own = expression
            break
        if owner is not None and best is None and _governs(owner, trigger):
            best = expression
    if best is None:
        # "Mexico cut ties after police raided its embassy in April 2024": an undated clause takes
        # the date of its temporal clause (after, when, as, once), a better guess than the report's
        best = next(
            (e for e, owner in owners if owner is not None and _temporal_clause_of(owner, trigger)), None
        )
    if best is not None and best.value is not None:
        if best is not own and _before(trigger):
            # "Riyadh cut ties on Jan 3 after protesters stormed its embassy": the storming took
            # place before that date, on a day the text does not give
            return best.value.isoformat(), best.precision, None
        return best.value.isoformat(), best.precision, best.text
    if document.published is None:
        return None, None, None
    return document.published.isoformat(), "day", None


TEMPORAL_MARKS = frozenset({"after", "when", "as", "once", "following"})
EARLIER_MARKS = frozenset({"after", "following", "since"})


def _before(trigger) -> bool:
    """The trigger heads a clause that says it came first: "after X stormed ..."."""
    return (
        trigger.dep_ in ("advcl", "pcomp")
        and any(
            child.dep_ in ("mark", "prep") and child.lower_ in EARLIER_MARKS for child in trigger.children
        )
        or (trigger.dep_ == "pcomp" and trigger.head.lower_ in EARLIER_MARKS)
    )


def _temporal_clause_of(clause, trigger) -> bool:
    return (
        clause.dep_ == "advcl"
        and clause.head.i == trigger.i
        and any(child.dep_ == "mark" and child.lower_ in TEMPORAL_MARKS for child in clause.children)
    )


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
