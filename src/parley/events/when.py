"""Which date expression of a sentence belongs to which event."""

from __future__ import annotations

import re
from datetime import date, timedelta

from parley.dates import NUMBER_WORDS, DateExpression
from parley.models import Document

# "One year after ...", "Two years since ...", "A year has passed since ..."
_ELAPSED = re.compile(
    r"(?:^|\W)(?P<n>\d{1,2}|[a-z]+)\s+(?P<unit>year|month|week|decade)s?"
    r"(?:\s+(?:has|have|had)\s+(?:now\s+)?(?:passed|elapsed|gone\s+by))?\s*$",
    re.IGNORECASE,
)


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
        elapsed = _elapsed(trigger, document.published)
        if elapsed is not None:
            return elapsed
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


def _elapsed(trigger, published: date | None):
    """ "A year after China banned ...", "Two years have passed since Moscow expelled ...": the
    clause's event took place that long before the report. The date is approximate, so it
    stands for its month (its week for weeks)."""
    if published is None:
        return None
    marks = [c for c in trigger.children if c.dep_ in ("mark", "prep") and c.lower_ in ("after", "since")]
    if not marks:
        return None
    mark = marks[0]
    before = trigger.doc.text[trigger.sent.start_char : mark.idx]
    found = _ELAPSED.search(before)
    if found is None:
        return None
    word = found["n"].lower()
    count = int(word) if word.isdigit() else NUMBER_WORDS.get(word)
    if not count:
        return None
    unit = found["unit"].lower()
    if unit == "week":
        return (
            (published - timedelta(weeks=count)).isoformat(),
            "week",
            found.group(0).strip() + " " + mark.text,
        )
    months = count * {"month": 1, "year": 12, "decade": 120}[unit]
    year, month = divmod(published.year * 12 + published.month - 1 - months, 12)
    day = min(published.day, 28)
    return date(year, month + 1, day).isoformat(), "month", found.group(0).strip() + " " + mark.text


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
