"""Which date expression of a sentence belongs to which event."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

from parley.dates import NUMBER_WORDS, DateExpression
from parley.models import Document

# the span between an event and the clause it came before: "two days after", "less than four
# weeks after", "a year has passed since", "days after", "hours after"
_GAP = re.compile(
    r"(?:^|\W)(?:(?P<more>more\s+than\s+|over\s+)|(?:less|fewer)\s+than\s+|about\s+|nearly\s+|almost\s+"
    r"|just\s+|only\s+|some\s+|barely\s+)?"
    r"(?:(?P<n>\d{1,2}|[a-z]+)\s+)?(?P<unit>hour|day|week|month|year|decade)(?P<plural>s)?"
    r"(?P<exact>\s+(?:almost\s+|nearly\s+)?to\s+the\s+day)?"
    r"(?:\s+(?:has|have|had)\s+(?:now\s+)?(?:passed|elapsed|gone\s+by))?\s*$",
    re.IGNORECASE,
)
UNIT_DAYS = {"day": 1, "week": 7}
UNIT_MONTHS = {"month": 1, "year": 12, "decade": 120}
TEMPORAL_MARKS = frozenset({"after", "when", "as", "once", "following"})
# prepositions whose object is an act the clause responds to: "protested against the sanctions"
REFERENCE_PREPS = frozenset({"against", "over", "for", "about", "to"})
EARLIER_MARKS = frozenset({"after", "following", "since"})


class When(NamedTuple):
    """An event's date, its precision, the text it was read from (None: not from the clause), and
    whether the clause says the event came before that date by an unknown span ("after ...",
    "since ...", "had expelled")."""

    date: str | None
    precision: str | None
    text: str | None
    earlier: bool = False


def date_for(trigger, dates: list[DateExpression], document: Document, reported=None) -> When:
    """The date of the trigger's event: its own clause's date expression, else one worked out from
    the clause it depends on, else the document date. `reported(verb)` says whether a clause is
    reported speech, where a past perfect is only the backshift of a past ("said it had fired")."""
    best = own = None
    owners = []
    nearest = None
    for expression in dates:
        owner = _owner(trigger.doc.char_span(expression.start, expression.end, alignment_mode="expand"))
        owners.append((expression, owner))
        if owner is not None and owner.i == trigger.i:
            best = own = expression
            break
        steps = _governs(owner, trigger) if owner is not None else 0
        if steps and (nearest is None or steps < nearest):  # the nearest clause above that has a date
            best, nearest = expression, steps
    if own is None:
        # "took to the streets in dozens of cities on Saturday": a date the parser hung on a
        # plain noun of the trigger's own clause is the clause's date
        own = next((e for e, owner in owners if owner is not None and _stray(e, owner, trigger)), None)
    if own is None and trigger.pos_ == "NOUN":
        # "Russia's sanctions, announced on Saturday, will hurt ...": a named act is dated by its
        # own phrase before the clause around it (not by a relative clause about what followed it)
        own = next((e for e, owner in owners if owner is not None and _in_phrase(owner, trigger)), None)
    if own is not None:
        return When(own.value.isoformat(), own.precision, own.text) if own.value else _published(document)
    clause = _clause_head(trigger)
    mark = _earlier_mark(clause)
    if mark is not None:
        return _before_anchor(clause, mark, best, document)
    if best is None:
        best = _when_clause_date(clause, dates)
    if best is None:
        # "Mexico cut ties after police raided its embassy in April 2024": an undated clause takes
        # the date of its temporal clause (after, when, as, once), a better guess than the report's
        best = next(
            (e for e, owner in owners if owner is not None and _temporal_clause_of(owner, trigger)), None
        )
    if _referred_to(trigger):
        # "Seoul protested on Monday against Tokyo's export curbs", "anger over the missile
        # launch": a named act that the clause answers came before it
        found = (
            When(best.value.isoformat(), best.precision, None)
            if best and best.value
            else _published(document)
        )
        return found._replace(earlier=found.date is not None)
    if best is not None and best.value is not None:
        if reported is not None and _perfect(clause) and reported(trigger):
            # "China said on Thursday it had detained two Canadians": the date is the statement's;
            # the act came before it (by a span the text does not give, for a past perfect)
            return When(best.value.isoformat(), best.precision, None, _past_perfect(clause))
        return When(best.value.isoformat(), best.precision, best.text)
    found = _published(document)
    if found.date and reported is not None and _past_perfect(clause) and not reported(trigger):
        return found._replace(earlier=True)  # "May had expelled 23 diplomats": before the report
    if found.date and trigger.pos_ == "NOUN" and any(c.dep_ == "poss" for c in trigger.children):
        return found._replace(earlier=True)  # "Merkel's demand", undated: an act already known
    return found


def _referred_to(trigger) -> bool:
    """A named act that its clause answers or talks about: "against Tokyo's export curbs"."""
    return trigger.pos_ == "NOUN" and trigger.dep_ == "pobj" and trigger.head.lower_ in REFERENCE_PREPS


def _published(document: Document) -> When:
    if document.published is None:
        return When(None, None, None)
    return When(document.published.isoformat(), "day", None)


def _before_anchor(clause, mark, best, document: Document) -> When:
    """ "Two days after X did Y", "since X did Y": Y's date counted back from the date of the
    clause it precedes (or the report's, when that clause has none)."""
    anchor = best if best is not None and best.value is not None else None
    start = anchor.value if anchor else document.published
    if start is None:
        return When(None, None, None)
    precision = anchor.precision if anchor else "day"
    found = _GAP.search(clause.doc.text[clause.sent.start_char : mark.idx])
    count = None
    if found is not None and not (found["n"] is None and found["plural"]):  # not "after", "days after"
        count = 1 if found["n"] is None else _count(found["n"].strip())
    if not count:  # before, by a span the text does not give
        return When(start.isoformat(), precision, None, True)
    unit = found["unit"].lower()
    if found["more"]:  # "more than a week after": at least that long before, how much more unknown
        start = _back(start, count, unit)
        return When(start.isoformat(), "day", None, True)
    text = found.group(0).strip() + " " + mark.text
    if unit == "hour":  # "hours after": the same day as the clause it precedes
        return When(start.isoformat(), precision, None)
    when = _back(start, count, unit)
    if found["exact"]:  # "a year to the day after"
        return When(when.isoformat(), "day", text)
    if unit == "day" and (anchor is None or anchor.precision != "day"):
        return When(when.isoformat(), "day", None)  # a day before an undated report: as undated
    return When(when.isoformat(), unit if unit in UNIT_DAYS else "month", text)


def _back(start: date, count: int, unit: str) -> date:
    """`count` units before `start` (months and years to the same day of the month, at most 28)."""
    if unit in UNIT_DAYS:
        return start - timedelta(days=count * UNIT_DAYS[unit])
    year, month = divmod(start.year * 12 + start.month - 1 - count * UNIT_MONTHS[unit], 12)
    return date(year, month + 1, min(start.day, 28))


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return 1 if word.lower() == "the" else NUMBER_WORDS.get(word.lower())  # "the day after"


def _clause_head(trigger):
    """The verb whose clause the trigger's event belongs to: "voted to ban" is one act, "killed in
    a border clash" and "carried out strikes" too, and "after Guaido declared ... and Washington
    recognised him" puts both conjuncts after "after"."""
    node = trigger
    if node.pos_ == "NOUN" and node.dep_ in ("pobj", "dobj"):
        up = node.head
        if node.dep_ == "pobj" and up.dep_ == "prep" and up.lower_ not in EARLIER_MARKS:
            up = up.head
        if up.pos_ == "VERB" and up.i != node.i:
            node = up
    for _ in range(4):
        if node.head.i == node.i or node.head.pos_ not in ("VERB", "AUX"):
            break
        if node.dep_ == "xcomp" or (node.dep_ == "conj" and _earlier_mark(node) is None):
            node = node.head
        else:
            break
    return node


def _earlier_mark(clause):
    """The "after", "following" or "since" that makes the clause an earlier event, if any."""
    if clause.dep_ != "ROOT":  # a mark on a main clause: the parse went wrong
        for child in clause.children:
            if child.lower_ in EARLIER_MARKS and (
                child.dep_ == "mark" or (child.dep_ == "prep" and clause.dep_ in ("advcl", "pcomp"))
            ):
                return child
    if clause.dep_ in ("pcomp", "pobj") and clause.head.lower_ in EARLIER_MARKS:
        return clause.head  # "after imposing sanctions", "two weeks after the clash"
    return None


def _when_clause_date(clause, dates: list[DateExpression]):
    """ "since the 2017 break, when Saudi Arabia cut ties": a when-clause that follows a dated
    phrase takes its date."""
    if clause.dep_ not in ("relcl", "advcl"):
        return None
    when = next((c for c in clause.children if c.dep_ == "advmod" and c.lower_ == "when"), None)
    if when is None or when.i > clause.i:
        return None
    doc = clause.doc
    for expression in reversed(dates):
        if expression.end > when.idx or expression.value is None:
            continue
        between = [t for t in doc[when.sent.start : when.i] if t.idx >= expression.end]
        if len(between) <= 3 and all(t.pos_ not in ("VERB", "AUX") for t in between):
            return expression
        break
    return None


def _past_perfect(verb) -> bool:
    """ "had expelled", "had been expelled" (`verb`: the clause head)."""
    return _perfect(verb, ("had", "'d"))


def _perfect(verb, auxiliaries=("has", "have", "had", "'s", "'ve", "'d")) -> bool:
    """ "has expelled", "have been expelled", "had expelled" (`verb`: the clause head)."""
    return verb.tag_ == "VBN" and any(c.dep_ == "aux" and c.lower_ in auxiliaries for c in verb.children)


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
    adverbial = node.dep_ in ("npadvmod", "tmod")  # "Moon Jae-in yesterday called": the verb's
    for _ in range(8):
        if node.pos_ in ("VERB", "AUX") or (node.i != span.root.i and node.pos_ == "NOUN" and not adverbial):
            return node
        if node.head.i == node.i:
            return node
        node = node.head
    return None


def _stray(expression, owner, trigger) -> bool:
    """Is the date on a plain noun of the trigger's clause ("in dozens of cities on Saturday", "at
    Tuesday's meeting")? Not on a noun after "since", "after", "against", "to" and the like, which
    name another act ("since the first closure on August 19", "in response to Saturday's
    expulsion"), and not a bare year ("under the 1997 treaty")."""
    if owner.pos_ != "NOUN" or owner.i == trigger.i or trigger.pos_ not in ("VERB", "AUX"):
        return False
    if expression.precision == "year":
        return False
    node = owner
    for _ in range(6):
        if node.head.i == node.i:
            return False
        if node.dep_ == "prep" and node.lower_ in EARLIER_MARKS | REFERENCE_PREPS | {"before", "until"}:
            return False
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node.i == trigger.i
    return False


def _in_phrase(node, noun) -> bool:
    """Does `node` modify `noun` through participles and prepositions, with no relative clause?"""
    for _ in range(8):
        if node.i == noun.i:
            return True
        if node.dep_ == "relcl" or node.head.i == node.i:
            return False
        node = node.head
    return False


def _governs(ancestor, token) -> int:
    """How many steps up the tree `ancestor` lies from `token` (0: it is not above it)."""
    node = token
    for step in range(1, 11):
        if node.head.i == node.i:
            return 0
        node = node.head
        if node.i == ancestor.i:
            return step
    return 0
