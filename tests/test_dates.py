"""Dates: expressions resolved against the document date, with precision and text."""

from __future__ import annotations

from datetime import date

import pytest

from parley.dates import dateline_end, find_dates

ANCHOR = date(2021, 5, 27)  # a Thursday


@pytest.mark.parametrize(
    "text,value,precision",
    [
        ("on May 21", date(2021, 5, 21), "day"),
        ("on 21 May", date(2021, 5, 21), "day"),
        ("May 21, 2019", date(2019, 5, 21), "day"),
        ("in February 2019", date(2019, 2, 1), "month"),
        ("this January", date(2021, 1, 1), "month"),
        ("at this January's congress", date(2021, 1, 1), "month"),
        ("in March this year", date(2021, 3, 1), "month"),
        ("in March last year", date(2020, 3, 1), "month"),
        ("last year", date(2020, 1, 1), "year"),
        ("next year", date(2022, 1, 1), "year"),
        ("on Tuesday", date(2021, 5, 25), "day"),
        ("on Thursday", date(2021, 5, 27), "day"),
        ("yesterday", date(2021, 5, 26), "day"),
        ("earlier this month", date(2021, 5, 1), "month"),
        ("last month", date(2021, 4, 1), "month"),
        ("in 2018", date(2018, 1, 1), "year"),
        ("three days ago", date(2021, 5, 24), "day"),
        ("2021-04-28", date(2021, 4, 28), "day"),
        ("last week", date(2021, 5, 17), "week"),
        ("over the weekend", date(2021, 5, 22), "week"),
        ("after the 2010 raid", date(2010, 1, 1), "year"),
        ("Russia's 2022 invasion", date(2022, 1, 1), "year"),
        ("since June 2017, when the ties were cut", date(2017, 6, 1), "month"),
    ],
)
def test_dates_resolve_against_the_anchor(text, value, precision):
    found = find_dates(text, ANCHOR)
    assert len(found) == 1
    assert (found[0].value, found[0].precision) == (value, precision)
    assert found[0].text in text


def test_dates_month_day_in_the_future_of_the_anchor_is_last_year():
    found = find_dates("on December 3", date(2021, 2, 1))
    assert found[0].value == date(2020, 12, 3)


def test_dates_future_acts_look_forward():
    assert find_dates("on Tuesday", ANCHOR, future=True)[0].value == date(2021, 6, 1)
    assert find_dates("in March", date(2021, 5, 1), future=True)[0].value == date(2022, 3, 1)


def test_dates_offsets_index_the_text():
    text = "Talks resumed on May 21 and again in June 2021."
    found = find_dates(text, ANCHOR, offset=100)
    assert [text[d.start - 100 : d.end - 100] for d in found] == [d.text for d in found]


def test_dates_without_anchor_give_no_value_for_relative_expressions():
    found = find_dates("on Tuesday and in February 2019", None)
    assert [(d.text, d.value) for d in found] == [
        ("on Tuesday", None),
        ("in February 2019", date(2019, 2, 1)),
    ]


@pytest.mark.parametrize("text", ["2021-13-45", "February 30, 2020", "the 45th of May"])
def test_dates_invalid_calendar_dates_are_ignored(text):
    assert all(d.value is None or d.value.year > 1900 for d in find_dates(text, ANCHOR))
    assert not [d for d in find_dates(text, ANCHOR) if d.text.startswith(("2021-13", "February 30"))]


@pytest.mark.parametrize(
    "text", ["the first visit since 2011", "a deadline by May 2020", "from March 2019 on"]
)
def test_dates_period_boundaries_are_not_event_dates(text):
    assert find_dates(text, ANCHOR) == []


def test_dates_period_bounds_stay_bounds():
    assert find_dates("talks have stalled since June 2017 and", ANCHOR) == []
    assert find_dates("after 2019 the two sides", ANCHOR) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "It was his first trip since June 2017, when Saudi Arabia severed relations with Qatar.",
            "2017-06-01",
        ),
        (
            "Ties broke down after the 2010 raid in which Israeli commandos killed Turkish activists.",
            "2010-01-01",
        ),
        (
            "Mexico cut ties with Ecuador after Ecuadorian police raided its embassy in April 2024.",
            "2024-04-01",
        ),
    ],
)
def test_dates_background_events_keep_their_own_date(text, expected, parley):
    """A later article's look back dates the past event, not the article."""
    events = parley.code_text(text, published=date(2025, 11, 4))
    assert events and events[0].date == expected


@pytest.mark.slow
def test_dates_an_after_clause_does_not_borrow_the_main_clause_date(parley):
    """The storming came before the break in ties: it gets that date without a date text of its own."""
    events = parley.code_text(
        "Saudi Arabia cut ties with Iran on Jan 3 after Iranian protesters stormed its embassy in Tehran.",
        published=date(2016, 1, 4),
    )
    by_type = {e.event_type: e for e in events}
    assert by_type["SANCTION"].date_text == "on Jan 3"
    assert by_type["PROTEST"].date == "2016-01-03" and by_type["PROTEST"].date_text is None


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        (
            "Two years after Moscow expelled the Dutch ambassador, the embassy remains empty.",
            "2023-11-04",
            "month",
        ),
        (
            "A year has passed since Kenya recalled its envoy from Somalia, and ties are still cold.",
            "2024-11-04",
            "month",
        ),
        ("Six weeks after Peru expelled the Bolivian ambassador, trade has slowed.", "2025-09-23", "week"),
    ],
)
def test_dates_elapsed_time_before_an_undated_clause(text, expected, precision, parley):
    """'Two years after X did Y', in a report of 2025-11-04: Y took place about two years earlier."""
    events = parley.code_text(text, published=date(2025, 11, 4))
    assert events and events[0].date == expected and events[0].date_precision == precision
    assert events[0].date_text.endswith(("after", "since"))


@pytest.mark.parametrize(
    ("text", "expected", "precision", "date_text", "earlier"),
    [
        # counted back from the date of the clause it precedes
        (
            "Britain shut Iran's embassy on Wednesday, a day after protesters stormed "
            "the British embassy in Tehran.",
            "2025-10-28",
            "day",
            "a day after",
            False,
        ),
        (
            "The launch came less than four weeks after the Security Council voted to ban "
            "North Korean coal exports.",
            "2025-10-07",
            "week",
            "less than four weeks after",
            False,
        ),
        # an earlier event by a span the text does not give: dedup looks back for it
        (
            "Pyongyang fired a missile on Friday, days after the Security Council imposed "
            "new sanctions on North Korea.",
            "2025-10-31",
            "day",
            None,
            True,
        ),
        ("By then Theresa May had expelled 23 Russian diplomats.", "2025-11-04", "day", None, True),
        # backshifted reported speech is not a look back
        ("Officials said Britain had expelled 23 Russian diplomats.", "2025-11-04", "day", None, False),
        # a when-clause after a dated phrase takes its date
        (
            "It was his first visit since the 2017 rift, when Saudi Arabia cut ties with Qatar.",
            "2017-01-01",
            "year",
            "2017",
            False,
        ),
    ],
)
def test_dates_of_earlier_clauses(text, expected, precision, date_text, earlier, parley):
    """Clauses that came before the one they hang from, in a report of Tuesday 2025-11-04."""
    events = [
        e
        for e in parley.code_text(text, published=date(2025, 11, 4))
        if e.target and e.target.country != "UNO"
    ]
    event = next(e for e in events if e.event_type in ("SANCTION", "PROTEST") and "shut" not in e.quote)
    assert (event.date, event.date_precision, event.date_text, event.earlier) == (
        expected,
        precision,
        date_text,
        earlier,
    )


def test_dates_ordinal_weekdays_and_ago_with_a_period():
    anchor = date(2019, 8, 10)
    cases = [
        ("a rally in Seoul on the first Saturday of the month", date(2019, 8, 3), "day"),
        ("on the last Friday in March", date(2019, 3, 29), "day"),
        ("the second Monday of last month", date(2019, 7, 8), "day"),
        ("the first Tuesday of November 2020", date(2020, 11, 3), "day"),
        ("A year ago this week, talks collapsed.", date(2018, 8, 6), "week"),
        ("Ten years ago this month the war began.", date(2009, 8, 1), "month"),
        ("three days ago", date(2019, 8, 7), "day"),
        ("on Tuesday, March 3, 2020", date(2020, 3, 3), "day"),
        ("Friday 2 August", date(2019, 8, 2), "day"),
        ("this morning", date(2019, 8, 10), "day"),
        ("overnight", date(2019, 8, 10), "day"),
        ("A decade ago today, he flew to Pyongyang.", date(2009, 8, 10), "day"),
    ]
    for text, expected, precision in cases:
        [found] = find_dates(text, anchor)
        assert (found.value, found.precision) == (expected, precision), text


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        # a perfect under a dated statement: the statement's day is the latest the act can be
        (
            "China said on Thursday that it had detained two Canadian citizens.",
            "detained",
            ("2025-10-30", "day", None, True),
        ),
        (
            "China has suspended beef imports from Australia, the trade minister said on Thursday.",
            "suspended",
            ("2025-10-30", "day", None, False),
        ),
        # a named act is dated by its own phrase, not by the clause around it
        (
            "Russia's sanctions on Turkey, announced on Saturday, will hurt tourism, "
            "analysts said on Sunday.",
            "sanctions",
            ("2025-11-01", "day", "on Saturday", False),
        ),
        # the act a clause answers came before it
        (
            "Seoul voiced anger on Monday over Japan's sanctions against South Korea.",
            "sanctions against",
            ("2025-11-03", "day", None, True),
        ),
        # "more than a week after": at least a week before, how much more unknown
        (
            "More than a week after Britain expelled 23 Russian diplomats, the embassy is quiet.",
            "expelled",
            ("2025-10-28", "day", None, True),
        ),
        # a noun after "after" and a conjunct after a mark
        (
            "The app ban came two weeks after a border clash between Chinese and Indian troops.",
            "border clash",
            ("2025-10-21", "week", "two weeks after", False),
        ),
    ],
)
def test_dates_follow_the_clause_an_act_depends_on(text, quote, expected, parley):
    """In a report of Tuesday 2025-11-04."""
    events = parley.code_text(text, published=date(2025, 11, 4))
    event = next(e for e in events if quote in e.quote)
    assert (event.date, event.date_precision, event.date_text, event.earlier) == expected


def test_dates_told_from_another_date_of_the_text(parley):
    """'the next day', 'two days later', 'a day earlier': from the day the sentence gives first,
    else the day the sentences before gave; alone, they give no date."""
    [found] = find_dates("Moscow replied the next day.", date(2021, 4, 27))
    assert found.value is None and found.precision == "day"
    text = (
        "Prague expelled 18 Russian diplomats on April 17. Two days later, Moscow expelled 20 Czech "
        "diplomats. Bulgaria on Sunday expelled three Russian diplomats, whom Moscow wants out of the "
        "region by Monday, and Russia expelled two Bulgarian diplomats a day earlier."
    )
    events = parley.code_text(text, published=date(2021, 4, 27))
    dates = {(e.source.country, e.target.country): (e.date, e.date_text) for e in events}
    assert dates[("CZE", "RUS")] == ("2021-04-17", "on April 17")
    assert dates[("RUS", "CZE")] == ("2021-04-19", "Two days later")
    assert dates[("BGR", "RUS")][0] == "2021-04-25"
    assert dates[("RUS", "BGR")] == ("2021-04-24", "a day earlier")
    # a week is no day to count from, and a relative clause does not date the act it follows
    text = (
        "The row began last weekend with the Czech expulsion of 18 Russian diplomats, which was "
        "followed a day later by Moscow's expulsion of 20 Czech diplomats."
    )
    for event in parley.code_text(text, published=date(2021, 4, 21)):
        assert event.date_text != "a day later", event


def test_dates_a_dateline_gives_no_event_date(parley):
    """'RIYADH, Aug 6 (Wire) - Saudi Arabia has expelled ...': the dateline is the report's day; the
    undated lead stays undated (the day of the report or the one before). Its place and agency
    are no actors."""
    assert dateline_end("RIYADH, Aug 6 (Gulf Wire) - Saudi Arabia has") == len("RIYADH, Aug 6 (Gulf Wire) - ")
    assert dateline_end("Pyongyang, May 22 (KCNA) -- Kim") == len("Pyongyang, May 22 (KCNA) -- ")
    assert dateline_end("NATO said on Monday - a day after") == 0
    assert dateline_end("Seoul and Tokyo - a new era") == 0
    text = "PYONGYANG, May 22 (Kyodo) - Prime Minister Junichiro Koizumi met Kim Jong Il on Saturday."
    events = parley.code_text(text, published=date(2004, 5, 22))
    assert events and all(e.source.sector != "JRN" for e in events)
    text = "RIYADH, Aug 6 (Gulf Wire) - Saudi Arabia has expelled Canada's ambassador."
    [event] = parley.code_text(text, published=date(2018, 8, 6))
    assert (event.date, event.date_text) == ("2018-08-06", None)


def test_dates_hung_on_a_noun_of_the_clause(parley):
    """The parser hangs dates on nouns: 'in dozens of cities on Saturday' dates the clause, and
    'Moon Jae-in yesterday called' the verb; 'in response to Saturday's expulsion' and 'under the
    1997 treaty' name other things."""
    published = date(2021, 4, 20)
    cases = [
        ("Thousands of people took to the streets in dozens of Chinese cities on Saturday "
         "in protest against Japan.", "PROTEST", "2021-04-17"),
        ("South Korean President Moon Jae-in yesterday called on Japan to retract its export curbs.",
         "REQUEST", "2021-04-19"),
        ("Russia was expelling 20 Czech diplomats in response to Saturday's expulsion of 18 Russians.",
         "SANCTION", "2021-04-20"),
        ("Armenia has decided to request military help from Russia under the 1997 treaty.",
         "REQUEST", "2021-04-20"),
    ]  # fmt: skip
    for text, kind, expected in cases:
        [event] = [e for e in parley.code_text(text, published=published) if e.event_type == kind]
        assert event.date == expected, text


def test_dates_keep_the_part_of_the_day():
    """'late Monday' and 'Monday night' keep their words: dedup widens them to the next day."""
    anchor = date(2024, 4, 3)
    for text, expected in [
        ("The missile was fired late Monday.", "late Monday"),
        ("Strikes hit the port early on Tuesday.", "early on Tuesday"),
        ("Talks broke down on Monday night.", "on Monday night"),
    ]:
        [found] = find_dates(text, anchor)
        assert found.text == expected and found.precision == "day" and found.value.weekday() in (0, 1)
