"""Dates: find date expressions in text and resolve them against the document date.

dateparser cannot resolve "this January" or "in March this year" against an anchor, and it is
slow, so the rules live here: a handful of regular expressions and calendar arithmetic.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_REL = r"(?P<rel>this|last|next|past|coming|previous)"

# Ordered: the first pattern that matches at a place wins, so longer forms come first.
PATTERNS = [
    # "on the first Saturday of the month", "the last Friday in March", "the second Monday of last month"
    (
        "nth_weekday",
        rf"\b(?:[Oo]n )?the (?P<nth>first|second|third|fourth|last) {_WEEKDAY} (?:of|in) "
        rf"(?:the month|(?P<rel>this|last|next) month|{_MONTH}(?:,? {_YEAR})?)\b",
    ),
    ("iso", rf"\b{_YEAR}-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    # "Tuesday, March 3": the date, not the latest Tuesday
    ("weekday_date", rf"\b(?:[Oo]n )?{_WEEKDAY},? {_MONTH} {_DAY}(?:,? {_YEAR})?\b"),
    ("weekday_date", rf"\b(?:[Oo]n )?{_WEEKDAY},? {_DAY} {_MONTH}(?:,? {_YEAR})?\b"),
    # told from another date of the text: "the next day", "two days later", "the previous day"
    (
        "anaphoric",
        r"\b(?:(?:[Tt]he|that) (?P<which>next|following|previous|same) day|(?:[Tt]hat|[Tt]he) same day"
        r"|(?P<n>(?i:a|one|two|three|four|five)|\d) days? (?P<way>later|earlier)|later that day)\b",
    ),
    ("month_day_year", rf"\b(?:[Oo]n )?{_MONTH} {_DAY},? {_YEAR}\b"),
    ("day_month_year", rf"\b(?:[Oo]n )?{_DAY} {_MONTH},? {_YEAR}\b"),
    ("month_rel_year", rf"\b{_MONTH} (?P<rel>this|last|next) year\b"),
    ("month_year", rf"\b(?:[Ii]n )?(?:(?:early|mid|late)[- ])?{_MONTH},? {_YEAR}\b"),
    ("month_day", rf"\b(?:[Oo]n )?{_MONTH} {_DAY}\b(?!,? (?:19|20)\d\d)"),
    ("day_month", rf"\b(?:[Oo]n )?{_DAY} {_MONTH}\b(?!,? (?:19|20)\d\d)"),
    ("rel_month_name", rf"\b{_REL} {_MONTH}(?:'s)?\b"),
    ("rel_weekday", rf"\b(?P<rel>last|next|this) {_WEEKDAY}\b"),
    # "late Monday", "early on Tuesday", "on Monday night": the part of the day matters to dedup
    (
        "weekday",
        rf"\b(?:(?:[Ll]ate|[Ee]arly)(?: on)? |[Oo]n )?{_WEEKDAY}(?: (?:night|evening|morning))?\b",
    ),
    # "three days ago", "a year ago", "a year ago this week": that week, a year back
    (
        "days_ago",
        r"\b(?P<n>\d+|(?i:an?|one|two|three|four|five|six|seven|eight|nine|ten|twenty)) "
        r"(?P<unit>day|week|month|year|decade)s? ago(?: (?:this )?(?P<period>today|week|month))?\b",
    ),
    ("rel_period", r"\b(?:(?:earlier|later) )?(?P<rel>this|last|next|past) (?P<unit>week|month|year)\b"),
    ("relative_day", r"\b(?P<word>yesterday|today|tomorrow|tonight|last night|overnight)\b"),
    ("this_part", r"\b(?:this|early this|late this) (?:morning|afternoon|evening)\b"),
    ("weekend", r"\b(?:(?:over|during|at) the|this past|last|this) weekend\b"),
    ("in_month", rf"\b(?:in|on|during|early|late|mid-?)\s+{_MONTH}\b(?! \d)"),
    ("in_year", rf"\b(?:in|during|of|early|late|mid-?)\s+{_YEAR}\b"),
    # a year used as a modifier: "the 2010 raid", "Russia's 2022 invasion"
    ("in_year", rf"(?:(?<=\b[Tt]he )|(?<=\b[Aa] )|(?<=\bits )|(?<=\btheir )|(?<='s )){_YEAR}(?= [A-Za-z])"),
]
WHEN_AFTER = re.compile(r",?\s+when\b")
BOUNDARY_WORDS = re.compile(r"\b(?:since|until|till|through|before|after|from|by)\s+$", re.IGNORECASE)
COMPILED = [(name, re.compile(pattern)) for name, pattern in PATTERNS]
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}  # fmt: skip


@dataclass(frozen=True)
class DateExpression:
    """A date expression found in text, with its offsets and resolution."""

    start: int
    end: int
    text: str
    value: date | None
    precision: str | None  # "day", "week", "month" or "year"


def find_dates(text: str, anchor: date | None, offset: int = 0, future: bool = False) -> list[DateExpression]:
    """Every date expression in `text`, resolved against `anchor` (None when it cannot be)."""
    found: list[DateExpression] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in COMPILED:
        for match in pattern.finditer(text):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            bounding = BOUNDARY_WORDS.search(text[max(0, match.start() - 9) : match.start()])
            attributive = match.group(0)[:1].isdigit()  # "after the 2010 raid": the raid's year
            if bounding and not attributive and not WHEN_AFTER.match(text, match.end()):
                # "since 2011" bounds a period: no event date ("since June 2017, when ..." dates the when)
                taken.append((match.start(), match.end()))
                continue
            value, precision = resolve(name, match, anchor, future)
            if precision is None:
                continue
            taken.append((match.start(), match.end()))
            found.append(
                DateExpression(offset + match.start(), offset + match.end(), match.group(0), value, precision)
            )
    return sorted(found, key=lambda d: d.start)


def resolve(name: str, match: re.Match, anchor: date | None, future: bool = False):
    """(date, precision) for one match; precision None means 'not a date after all'."""
    groups = match.groupdict()
    month = MONTHS.get((groups.get("month") or "").lower().rstrip("."))
    year = int(groups["year"]) if groups.get("year") else None
    try:
        if name == "iso":
            return date(year, int(groups["m"]), int(groups["d"])), "day"
        if name in ("month_day_year", "day_month_year"):
            return date(year, month, int(groups["day"])), "day"
        if name == "weekday_date" and year:
            return date(year, month, int(groups["day"])), "day"
        if name == "month_year":
            return date(year, month, 1), "month"
        if name == "in_year":
            return date(year, 1, 1), "year"
    except ValueError:
        return None, None
    if anchor is None or name == "anaphoric":  # an anaphoric date is filled in by its document
        return None, _precision_of(name, groups)
    return _relative(name, groups, month, anchor, future)


def _relative(name, groups, month, anchor: date, future: bool):
    if name in ("month_day", "day_month", "weekday_date"):
        return _nearest_day(anchor, month, int(groups["day"]), future)
    if name == "this_part":
        return anchor, "day"
    if name == "month_rel_year":
        shift = {"this": 0, "last": -1, "next": 1}[groups["rel"]]
        return date(anchor.year + shift, month, 1), "month"
    if name == "rel_month_name":
        return _month_named(anchor, month, groups["rel"]), "month"
    if name == "in_month":
        return _month_named(anchor, month, "future" if future else "bare"), "month"
    if name in ("weekday", "rel_weekday"):
        return _weekday(anchor, WEEKDAYS[groups["weekday"].lower()], groups.get("rel"), future), "day"
    if name == "nth_weekday":
        if month is None:
            shift = {None: 0, "this": 0, "last": -1, "next": 1}[groups.get("rel")]
            index = anchor.year * 12 + anchor.month - 1 + shift
            first = date(index // 12, index % 12 + 1, 1)
        elif groups.get("year"):
            first = date(int(groups["year"]), month, 1)
        else:
            first = _month_named(anchor, month, "future" if future else "bare")
        return _nth_weekday(first, WEEKDAYS[groups["weekday"].lower()], groups["nth"]), "day"
    if name == "rel_period":
        return _period(anchor, groups["rel"], groups["unit"])
    if name == "relative_day":
        shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "last night": -1, "overnight": 0}
        return anchor + timedelta(days=shift[groups["word"]]), "day"
    if name == "days_ago":
        count = NUMBER_WORDS.get(groups["n"].lower()) or int(groups["n"])
        return _ago(anchor, count, groups["unit"], groups.get("period"))
    if name == "weekend":  # the latest Saturday up to the anchor; a week window covers Sunday
        return anchor - timedelta(days=(anchor.weekday() - 5) % 7), "week"
    return None, None


def _precision_of(name, groups) -> str | None:
    if name in (
        "month_day", "day_month", "weekday", "rel_weekday", "relative_day", "nth_weekday", "weekday_date",
        "this_part", "anaphoric",
    ):  # fmt: skip
        return "day"
    if name in ("rel_month_name", "in_month", "month_rel_year"):
        return "month"
    if name == "rel_period":
        return groups["unit"] if groups["unit"] != "week" else "week"
    if name == "weekend":
        return "week"
    if name == "days_ago":
        period = groups.get("period")
        if period == "today":
            return "day"
        return period or {"decade": "year"}.get(groups["unit"], groups["unit"])
    return None


def _nearest_day(anchor: date, month: int, day: int, future: bool):
    """'May 21' without a year: this year's, unless that lies on the wrong side of the anchor."""
    try:
        candidate = date(anchor.year, month, day)
    except ValueError:
        return None, None
    if not future and candidate > anchor + timedelta(days=7):
        candidate = _replace_year(candidate, anchor.year - 1)
    elif future and candidate < anchor - timedelta(days=7):
        candidate = _replace_year(candidate, anchor.year + 1)
    return candidate, "day"


def _replace_year(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def _month_named(anchor: date, month: int, rel: str) -> date:
    """'this January' is January of the anchor's year; 'last January' the latest one before."""
    if rel == "this":
        return date(anchor.year, month, 1)
    if rel in ("last", "past", "previous"):
        year = anchor.year if month < anchor.month else anchor.year - 1
        return date(year, month, 1)
    if rel in ("next", "coming"):
        year = anchor.year if month > anchor.month else anchor.year + 1
        return date(year, month, 1)
    # bare "in March": the latest March not after the anchor, or the next one for future acts
    if rel == "future":
        year = anchor.year if month >= anchor.month else anchor.year + 1
    else:
        year = anchor.year if month <= anchor.month else anchor.year - 1
    return date(year, month, 1)


_ANAPHORIC = COMPILED[[name for name, _ in PATTERNS].index("anaphoric")][1]
# a wire dateline: "RIYADH, Aug 6 (Gulf Wire Service) - ", "LONDON, Nov 30 (Reuters) - "
_DATELINE = re.compile(
    r"\A\s*(?:[A-Z][A-Z .'’-]{2,40}(?:,\s*[\w .'’-]{2,40}){0,2}(?:\s*\([^()\n]{1,60}\))?"
    # "Pyongyang, May 22 (KCNA) --": a place in title case needs a day and an agency
    r"|[A-Z][a-z][\w .'’-]{1,30}(?:,\s*[A-Z][\w .'’-]{1,30})?,\s*"
    r"(?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8})(?:,? \d{4})?\s*\([^()\n]{1,60}\))"
    r"\s*[-–—]{1,2}\s"
)


def dateline_end(text: str) -> int:
    """Where a wire dateline at the start of `text` ends (0 if there is none). Its date is the
    report's, not an event's."""
    found = _DATELINE.match(text)
    return found.end() if found else 0


def days_from_reference(text: str) -> int | None:
    """How many days an anaphoric date ("the next day", "two days earlier") lies from the date the
    text last gave; None if `text` is not one."""
    found = _ANAPHORIC.fullmatch(text)
    if found is None:
        return None
    if found["which"]:
        return {"next": 1, "following": 1, "previous": -1, "same": 0}[found["which"]]
    if found["way"]:
        count = NUMBER_WORDS.get(found["n"].lower()) or int(found["n"])
        return count if found["way"] == "later" else -count
    return 0  # "the same day", "later that day"


def _nth_weekday(first: date, weekday: int, nth: str) -> date:
    """The first, ..., fourth or last such weekday of the month that starts on `first`."""
    if nth == "last":
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    order = ["first", "second", "third", "fourth"].index(nth)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * order)


def _weekday(anchor: date, weekday: int, rel: str | None, future: bool) -> date:
    """'on Tuesday': the latest Tuesday on or before the anchor (or the next, for future acts)."""
    back = (anchor.weekday() - weekday) % 7
    if rel == "last":
        return anchor - timedelta(days=back or 7) if back else anchor - timedelta(days=7)
    if rel == "next" or (future and rel is None):
        ahead = (weekday - anchor.weekday()) % 7
        return anchor + timedelta(days=ahead or 7) if rel == "next" else anchor + timedelta(days=ahead)
    return anchor - timedelta(days=back)


def _period(anchor: date, rel: str, unit: str):
    shift = {"this": 0, "last": -1, "past": -1, "next": 1}[rel]
    if unit == "year":
        return date(anchor.year + shift, 1, 1), "year"
    if unit == "month":
        month_index = anchor.year * 12 + anchor.month - 1 + shift
        return date(month_index // 12, month_index % 12 + 1, 1), "month"
    monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=shift)
    return monday, "week"


def _ago(anchor: date, count: int, unit: str, period: str | None = None):
    """`count` units before the anchor; with a period ("a year ago this week"), that period of the
    day `count` units back."""
    if unit == "day":
        return anchor - timedelta(days=count), "day"
    if unit == "week":
        return anchor - timedelta(weeks=count), "week"
    months = count * {"month": 1, "year": 12, "decade": 120}[unit]
    month_index = anchor.year * 12 + anchor.month - 1 - months
    if period == "today":  # "ten years ago today": that very day
        year, month = month_index // 12, month_index % 12 + 1
        return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1])), "day"
    back = date(month_index // 12, month_index % 12 + 1, min(anchor.day, 28))
    if period == "week":
        return back - timedelta(days=back.weekday()), "week"
    if unit == "month" or period == "month":
        return back.replace(day=1), "month"
    return date(back.year, 1, 1), "year"
