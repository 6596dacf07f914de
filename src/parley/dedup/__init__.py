"""One record per real-world event: linking mentions into canonical events.

Every coded event found in a document is a *mention*. Mentions that describe the same real-world
event share a canonical *event*. The signals, in order:

1. **Block and sectors.** Only mentions with the same source and target countries and the same
   PLOVER type are compared (the block ``USA|PRK|CONSULT``), and only when their sectors agree:
   the same sector, or two organs of the state (government, military, police, intelligence,
   legislature, courts: "Israel struck Iran" and "the Israeli military struck Iran" are one event,
   while rebels and the government they fight are not).
2. **Date window.** Each mention's date becomes a window by its precision: a day is itself, a week
   seven days, a month or year the whole period. A mention dated only by its document (no date in
   its clause) happened on the day of publication or the day before. Meetings (CONSULT) get two
   days of slack on each side, since visits and summits run over several days. Two mentions can be linked
   only when their windows overlap; a cluster keeps the intersection of its members' windows, so
   two reports on different days never meet, while "in February 2019" in a later article finds the summit of
   27 February.
3. **Story.** Syndicated copies and light rewrites (near-duplicate documents, see ``neardup``) belong to
   one story; a mention from the same story as a cluster member links even when its date reads
   differently ("yesterday" in a copy printed a day later).
4. **Quote similarity** (Jaccard over content words) picks between candidates.

The grouping is a function of the set of mentions in a block, not of the order they arrived in:
mentions are visited precise ones first, then by date and publication, and each joins the best
compatible cluster or starts one. Each link records why it was made.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta

PRECISION_RANK = {"day": 0, "reported": 1, "week": 2, "month": 3, "year": 4, "earlier": 5, None: 6}
REPORTED_DAYS = 1  # an undated report describes the day of publication or the day before
MEETING_DAYS = timedelta(days=2)  # slack on each side of a dated meeting (CONSULT): visits run for days
# the longest span the reports of one meeting may cover, slack included: a week-long state visit
# reported on its arrival, talks and departure days
VISIT_SPAN = timedelta(days=10)
SAMPLE = 50  # wordings kept per cluster for quote similarity
BACKGROUND_DAYS = 7  # a mention whose window ends this long before publication looks back in time
LOOK_BACK = timedelta(days=3 * 366)  # how far back "after X did Y" and "had done Y" may reach
FOLLOW_UP = timedelta(days=92)  # how far back an undated act after a report's first sentence may reach
LEAD_BACK = timedelta(days=3)  # how far back an undated lead may reach: a weekly, a late report
# "two months after" may be ten weeks, "six weeks after" five: spans counted in weeks or months are
# round figures, a unit more each side
ROUND_SLACK = {PRECISION_RANK["week"]: timedelta(days=7), PRECISION_RANK["month"]: timedelta(days=31)}
LOOK_BACK_CANDIDATES = 64  # the latest events a look-back mention is compared with

_LATE = re.compile(r"\b(?:late|night|evening)\b", re.IGNORECASE)
_EARLY = re.compile(r"\b(?:early|morning|overnight)\b", re.IGNORECASE)
# "two months after", "six weeks after", "a year has passed since": a span with a round figure
_ROUND_SPAN = re.compile(
    r"\b(?:weeks?|months?|years?|decades?)\b.*\b(?:after|since|following)$", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]{3,}|\d{4}")
_STOP = frozenset(
    "the and for with that this from its their his her has have had was were are been will would "
    "said says say also after over into about than but not who which on".split()
)


STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "LEG", "JUD"})


def block_of(source_country, target_country, event_type) -> str:
    """The blocking key: both actors' countries and the event type."""
    return "|".join(p or "" for p in (source_country, target_country, event_type))


def sectors_agree(a: str | None, b: str | None) -> bool:
    """Who acted: the same sector, no sector on one side, or two organs of the state."""
    return a == b or not a or not b or (a in STATE_SECTORS and b in STATE_SECTORS)


def targets_agree(a: str | None, b: str | None) -> bool:
    """Who it was done to is looser: a state and something in it ("sanctions on Venezuela" and
    "sanctions on PDVSA" on the same day are one package); only two different non-state sectors
    (rebels, businesses, civilians...) keep mentions apart."""
    return sectors_agree(a, b) or a in STATE_SECTORS or b in STATE_SECTORS


@dataclass
class Mention:
    """What the grouping needs to know about one mention."""

    key: str
    block: str
    doc_id: str
    char_start: int
    quote: str
    date: date | None
    precision: str | None
    dated_in_text: bool
    published: date | None
    story: str | None
    source_sector: str | None = None
    target_sector: str | None = None
    date_text: str | None = None
    earlier: bool = False  # the clause puts the event before its date, by a span it does not give
    sentence: int = 0
    window: tuple[date, date] | None = None
    reach: tuple[date, date] | None = None  # where its event may lie: the window, or further back
    rank: int = PRECISION_RANK[None]
    words: frozenset = frozenset()

    def __post_init__(self):
        self.window, self.rank = window_of(self.date, self.precision, self.dated_in_text)
        if self.window and self.published and self.window[0] <= self.published < self.window[1]:
            self.window = (self.window[0], self.published)  # "this week", "this month": not after the report
        if self.window and self.rank == 0 and self.date_text:
            # "late Monday" in Washington is Tuesday in Seoul, "early Tuesday" in Seoul still Monday
            # in Washington: reports from other time zones give the neighbouring day
            if _LATE.search(self.date_text):
                self.window = (self.window[0], self.window[1] + timedelta(days=1))
            elif _EARLY.search(self.date_text):
                self.window = (self.window[0] - timedelta(days=1), self.window[1])
        if self.window and self.rank in ROUND_SLACK and self.date_text and _ROUND_SPAN.search(self.date_text):
            slack = ROUND_SLACK[self.rank]
            self.window = (self.window[0] - slack, self.window[1] + slack)
        if self.window and self.rank <= 1 and self.block.endswith("|CONSULT"):
            # visits and summits run over days: Tuesday's arrival and Wednesday's talks are one visit
            self.window = (self.window[0] - MEETING_DAYS, self.window[1] + MEETING_DAYS)
        self.words = frozenset(w for w in _WORD.findall(self.quote.lower()) if w not in _STOP)
        self.reach = self.window
        if self.window and not self.dated_in_text and (self.earlier or self.sentence > 0):
            # "days after the Council imposed sanctions", "May had expelled 23 diplomats": an
            # earlier event, found among the events before; so may be an undated act after the
            # report's first sentence, which tells the news ("The handover took place as
            # Washington threatened tariffs"). Alone, it keeps the report's window
            self.rank = PRECISION_RANK["earlier"]
            self.reach = (self.window[1] - (LOOK_BACK if self.earlier else FOLLOW_UP), self.window[1])
        elif self.window and self.rank == PRECISION_RANK["reported"]:
            # "Algeria has broken off relations with Morocco", two days on: an event of the last
            # days is taken when none of the report's own days is there
            self.reach = (self.window[0] - LEAD_BACK, self.window[1])

    def background(self, window: tuple[date, date] | None) -> bool:
        """Reported well after it happened (in `window`, its event's): "the Hanoi summit in February
        2019" in a 2021 article."""
        if window is None or self.published is None:
            return False
        return window[1] < self.published - timedelta(days=BACKGROUND_DAYS)


def overlaps(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def window_of(when: date | None, precision: str | None, dated_in_text: bool) -> tuple:
    """((first day, last day), rank) of the period a mention's date stands for."""
    if when is None:
        return None, PRECISION_RANK[None]
    if not dated_in_text and precision in ("day", None):
        return (when - timedelta(days=REPORTED_DAYS), when), PRECISION_RANK["reported"]
    if precision == "year":
        return (date(when.year, 1, 1), date(when.year, 12, 31)), PRECISION_RANK["year"]
    if precision == "month":
        last = monthrange(when.year, when.month)[1]
        return (date(when.year, when.month, 1), date(when.year, when.month, last)), PRECISION_RANK["month"]
    if precision == "week":
        return (when, when + timedelta(days=6)), PRECISION_RANK["week"]
    return (when, when), PRECISION_RANK["day"]


@dataclass
class Link:
    """The event a mention belongs to, and why."""

    event_id: str
    reason: str
    background: bool


@dataclass
class Cluster:
    members: list[Mention] = field(default_factory=list)
    window: tuple[date, date] | None = None
    stories: set = field(default_factory=set)
    wordings: list = field(default_factory=list)  # distinct quote word sets, the first SAMPLE of them
    spans: bool = False  # a meeting: reports of its different days widen it, up to VISIT_SPAN
    sentences: set = field(default_factory=set)  # (document, sentence) of its members
    indexed: date | None = None  # the window start it is filed under for range look-up

    @property
    def anchor(self) -> Mention:
        return self.members[0]

    def widens(self, mention: Mention) -> bool:
        """A report of another day of a meeting (a day or an undated report) stretches its span."""
        return self.spans and mention.rank <= PRECISION_RANK["reported"]

    def fits(self, mention: Mention) -> bool:
        if not (self.window and mention.window and self.widens(mention)):
            return True
        return max(self.window[1], mention.window[1]) - min(self.window[0], mention.window[0]) <= VISIT_SPAN

    def add(self, mention: Mention) -> None:
        self.members.append(mention)
        self.sentences.add((mention.doc_id, mention.sentence))
        if mention.story:
            self.stories.add(mention.story)
        if len(self.wordings) < SAMPLE and mention.words not in self.wordings:
            self.wordings.append(mention.words)
        if mention.window is None:
            return
        if self.window is None:
            self.window = mention.window
            return
        if not overlaps(self.window, mention.window):
            return  # a same-story member may sit outside the window; it does not move it
        pick = (min, max) if self.widens(mention) and self.fits(mention) else (max, min)
        self.window = (pick[0](self.window[0], mention.window[0]), pick[1](self.window[1], mention.window[1]))

    def similarity(self, words: frozenset) -> float:
        """The best quote similarity of a mention to any member's wording."""
        return max((similarity(words, w) for w in self.wordings), default=0.0)


def similarity(a: frozenset | set, b: frozenset | set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def event_id_of(anchor_key: str) -> str:
    return "ev" + hashlib.sha256(anchor_key.encode()).hexdigest()[:16]


def _order(m: Mention):
    start = m.window[0] if m.window else date.max
    return (m.rank, start, m.published or date.max, m.doc_id, m.char_start, m.key)


def group(mentions: list[Mention]) -> dict[str, Link]:
    """Link the mentions of one block (or several) to canonical events: {mention key: Link}."""
    by_block: dict[str, list[Mention]] = {}
    for m in mentions:
        by_block.setdefault(m.block, []).append(m)
    links: dict[str, Link] = {}
    for block in sorted(by_block):
        for cluster in _cluster(sorted(by_block[block], key=_order)):
            _explain(cluster, links)
    return links


def _cluster(ordered: list[Mention]) -> list[Cluster]:
    clusters: list[Cluster] = []
    starts: list[date] = []  # clusters with a window, kept sorted by window start for range look-up
    dated: list[Cluster] = []
    by_story: dict[str, list[Cluster]] = {}
    widest = timedelta(days=0)
    for m in ordered:
        candidates: dict[int, Cluster] = {}
        for story_cluster in by_story.get(m.story or "", []):
            candidates[id(story_cluster)] = story_cluster
        if m.reach is not None:
            lo = bisect_left(starts, m.reach[0] - widest)
            hi = bisect_right(starts, m.reach[1])
            found = [c for c in dated[lo:hi] if overlaps(c.window, m.reach)]
            if m.reach != m.window and len(found) > LOOK_BACK_CANDIDATES:
                found = sorted(found, key=lambda c: c.window[1])[-LOOK_BACK_CANDIDATES:]
            for c in found:
                candidates[id(c)] = c
        best = _best(m, candidates.values())
        if best is None:
            best = Cluster(spans=m.block.endswith("|CONSULT"))
            clusters.append(best)
        best.add(m)
        if best.window is not None and best.indexed != best.window[0]:  # file it under its start
            if best.indexed is not None:
                at = bisect_left(starts, best.indexed)
                while dated[at] is not best:
                    at += 1
                del starts[at], dated[at]
            at = bisect_right(starts, best.window[0])
            starts.insert(at, best.window[0])
            dated.insert(at, best)
            best.indexed = best.window[0]
        if best.window is not None:
            widest = max(widest, best.window[1] - best.window[0])
        if m.story:
            stories = by_story.setdefault(m.story, [])
            if best not in stories:
                stories.append(best)
    return clusters


def _best(m: Mention, candidates) -> Cluster | None:
    scored = []
    for c in candidates:
        anchor = c.anchor
        # one sentence tells one act per block, whatever sector each reading of its actors gave
        same_sentence = (m.doc_id, m.sentence) in c.sentences
        if not same_sentence and not (
            sectors_agree(m.source_sector, anchor.source_sector)
            and targets_agree(m.target_sector, anchor.target_sector)
        ):
            continue
        same_story = bool(m.story and m.story in c.stories)
        if m.window is None and not same_story:
            continue  # no date at all: only a copy of the same story can be placed
        if not same_story and not c.fits(m):
            continue  # a meeting's reports span a week at most
        score = round(c.similarity(m.words) + (1.0 if same_story else 0.0), 6)
        distance = abs((c.window[1] - m.window[1]).days) if c.window and m.window else 0
        # a look-back mention takes an event of its own days over any earlier one
        near = m.reach == m.window or (c.window is not None and overlaps(c.window, m.window))
        # best wording first; then the more reported event (a look back names the notable one);
        # then the nearer date
        scored.append((not near, -score, -len(c.members), distance, _order(c.anchor), c))
    if not scored:
        return None
    scored.sort(key=lambda item: item[:5])
    return scored[0][5]


def _explain(cluster: Cluster, links: dict[str, Link]) -> None:
    anchor = cluster.anchor
    event_id = event_id_of(anchor.key)
    for m in cluster.members:
        if m is anchor:
            reason = f"first report: {_when(m)}"
        else:
            sectors = f"{m.source_sector or '-'}/{m.target_sector or '-'}"
            parts = [f"same countries and type ({m.block}), sectors {sectors}"]
            if m.window and cluster.window:
                parts.append(f"date {_when(m)} overlaps the event's {_span(cluster.window)}")
            twin = next((o for o in cluster.members if o is not m and o.story == m.story and m.story), None)
            if twin is not None:
                parts.append(f"same story as document {twin.doc_id}")
            best = max((similarity(m.words, o.words) for o in cluster.members if o is not m), default=0.0)
            parts.append(f"quote similarity {best:.2f}")
            reason = "; ".join(parts)
        links[m.key] = Link(event_id, reason, m.background(cluster.window or m.window))


def _when(m: Mention) -> str:
    if m.window is None:
        return "undated"
    if m.rank == PRECISION_RANK["earlier"]:
        return f"before {m.window[1].isoformat()} ({'earlier' if m.earlier else 'undated, after the lead'})"
    label = {0: "day", 1: "reported", 2: "week", 3: "month", 4: "year"}[m.rank]
    return f"{_span(m.window)} ({label})"


def _span(window: tuple[date, date]) -> str:
    a, b = window
    return a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}"
