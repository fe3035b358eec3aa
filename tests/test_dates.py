"""dates.py: date expressions resolved against the publication date."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harmwatch.extract.dates import WEEKDAYS, DateMention, date_line, find_dates
from harmwatch.model import DATE_PRECISIONS

FRI = date(2016, 7, 29)      # a Friday
NEW_YEAR = date(2017, 1, 3)  # a Tuesday, early in January
LEAP = date(2016, 3, 1)      # the day after a leap day


def _d(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


@pytest.mark.parametrize(("text", "published", "start", "end", "precision"), [
    # weekdays: the latest such day on or before publication
    ("The convoy left on Thursday.", FRI, "2016-07-28", "2016-07-28", "day"),
    ("Thursday night was calm.", FRI, "2016-07-28", "2016-07-28", "day"),
    ("It happened on Friday.", FRI, "2016-07-29", "2016-07-29", "day"),
    ("It happened last Friday.", FRI, "2016-07-22", "2016-07-22", "day"),
    ("Talks resume next Monday.", FRI, "2016-08-01", "2016-08-01", "day"),
    ("Shelling has continued since Monday.", FRI, "2016-07-25", "2016-07-29", "day"),
    # "after" a day opens a period that runs to publication; "the day after", "shortly after" do not
    ("Forty were killed after 20 July.", FRI, "2016-07-21", "2016-07-29", "day"),
    ("Shelling after July 20 killed six.", FRI, "2016-07-21", "2016-07-29", "day"),
    ("Talks opened the day after 20 July.", FRI, "2016-07-20", "2016-07-20", "day"),
    ("A strike came shortly after 20 July.", FRI, "2016-07-20", "2016-07-20", "day"),
    ("Forces detained 120 people since the start of the month.", FRI, "2016-07-01", "2016-07-29", "month"),
    ("The 2013 sarin attack in Ghouta killed hundreds.", FRI, "2013-01-01", "2013-12-31", "year"),
    # numeric dates: day first, as monitors write them, unless only month first makes a date
    ("The convoy was hit on 19/07/2016.", FRI, "2016-07-19", "2016-07-19", "day"),
    ("The convoy was hit on 05.04.2016.", FRI, "2016-04-05", "2016-04-05", "day"),
    ("The convoy was hit on 7/19/2016.", FRI, "2016-07-19", "2016-07-19", "day"),
    # ranges of days
    ("Raids between 18 and 22 July killed 30.", FRI, "2016-07-18", "2016-07-22", "day"),
    ("From 3 to 9 December 2016 the road was shut.", FRI, "2016-12-03", "2016-12-09", "day"),
    ("From 18 July to 22 July the road was shut.", FRI, "2016-07-18", "2016-07-22", "day"),
    ("from June 30 until July 4 no aid entered", FRI, "2016-06-30", "2016-07-04", "day"),
    ("between 18 July and 22 July 2016", FRI, "2016-07-18", "2016-07-22", "day"),
    ("They crossed on Saturday.", NEW_YEAR, "2016-12-31", "2016-12-31", "day"),
    # days relative to publication
    ("The bridge fell yesterday.", FRI, "2016-07-28", "2016-07-28", "day"),
    ("Fighting resumed today.", FRI, "2016-07-29", "2016-07-29", "day"),
    ("Jets struck this morning.", FRI, "2016-07-29", "2016-07-29", "day"),
    ("Jets struck last night.", FRI, "2016-07-28", "2016-07-29", "day"),
    ("The clinic was hit 4 days ago.", FRI, "2016-07-25", "2016-07-25", "day"),
    ("The clinic was hit four days ago.", FRI, "2016-07-25", "2016-07-25", "day"),
    ("It was hit 3 days ago.", LEAP, "2016-02-27", "2016-02-27", "day"),
    ("It was hit 2 days ago.", date(2015, 3, 1), "2015-02-27", "2015-02-27", "day"),
    ("It started a week ago.", FRI, "2016-07-18", "2016-07-24", "week"),
    ("It started a month ago.", FRI, "2016-06-01", "2016-06-30", "month"),
    ("It started a year ago.", FRI, "2015-01-01", "2015-12-31", "year"),
    ("It started a few days ago.", FRI, "2016-07-23", "2016-07-27", "week"),
    # calendar periods
    ("Aid stopped last week.", FRI, "2016-07-18", "2016-07-24", "week"),
    ("Aid stopped last week.", NEW_YEAR, "2016-12-26", "2017-01-01", "week"),
    ("The road was cut earlier this month.", FRI, "2016-07-01", "2016-07-29", "month"),
    ("The road was cut this month.", FRI, "2016-07-01", "2016-07-29", "month"),
    ("The road was cut last month.", FRI, "2016-06-01", "2016-06-30", "month"),
    ("The road was cut last month.", NEW_YEAR, "2016-12-01", "2016-12-31", "month"),
    ("The road was cut last month.", LEAP, "2016-02-01", "2016-02-29", "month"),
    ("The town fell last year.", FRI, "2015-01-01", "2015-12-31", "year"),
    ("Prices doubled this year.", FRI, "2016-01-01", "2016-07-29", "year"),
    # months without a year: the latest such month not after publication
    ("31 massacres in July alone.", date(2016, 8, 1), "2016-07-01", "2016-07-31", "month"),
    ("Ten raids in July.", date(2016, 7, 20), "2016-07-01", "2016-07-20", "month"),
    ("The siege began in December.", NEW_YEAR, "2016-12-01", "2016-12-31", "month"),
    ("The siege began in March last year.", FRI, "2015-03-01", "2015-03-31", "month"),
    ("Nothing has come in since July.", date(2016, 8, 10), "2016-07-01", "2016-08-10", "month"),
    ("It was hit in February.", LEAP, "2016-02-01", "2016-02-29", "month"),
    # day and month
    ("Four hospitals were hit on 24 July.", FRI, "2016-07-24", "2016-07-24", "day"),
    ("Four hospitals were hit 24 July.", FRI, "2016-07-24", "2016-07-24", "day"),
    ("Four hospitals were hit July 24.", FRI, "2016-07-24", "2016-07-24", "day"),
    ("It fell on 30 December.", NEW_YEAR, "2016-12-30", "2016-12-30", "day"),
    ("It fell on 2 January.", NEW_YEAR, "2017-01-02", "2017-01-02", "day"),
    ("It fell on 29 February.", date(2017, 3, 1), "2016-02-29", "2016-02-29", "day"),
    ("Fighting on 24-25 July.", FRI, "2016-07-24", "2016-07-25", "day"),
    ("On the 12th, the convoy left.", FRI, "2016-07-12", "2016-07-12", "day"),
    # full dates resolve with or without a publication date
    ("Residents arrive on December 13, 2016.", FRI, "2016-12-13", "2016-12-13", "day"),
    ("Residents arrive on 13 December 2016.", None, "2016-12-13", "2016-12-13", "day"),
    ("Dated 2016-12-13.", None, "2016-12-13", "2016-12-13", "day"),
    ("On Tuesday, December 13, 2016, buses left.", None, "2016-12-13", "2016-12-13", "day"),
    ("Posted 29th July 2016 at 6:59 pm", None, "2016-07-29", "2016-07-29", "day"),
    ("The intervention began in September 2015.", None, "2015-09-01", "2015-09-30", "month"),
    ("It began in February 2016.", None, "2016-02-01", "2016-02-29", "month"),
    # years and decades
    ("The uprising began in 2011.", FRI, "2011-01-01", "2011-12-31", "year"),
    ("The uprising began in 2011.", None, "2011-01-01", "2011-12-31", "year"),
    ("It has raged since 2011.", FRI, "2011-01-01", "2016-07-29", "year"),
    ("as in Halabja in the 1980s", FRI, "1980-01-01", "1989-12-31", "year"),
    ("as in the 1980's", None, "1980-01-01", "1989-12-31", "year"),
    ("as in the 1990s", FRI, "1990-01-01", "1999-12-31", "year"),
    ("in the early 1990s", FRI, "1990-01-01", "1993-12-31", "year"),
    ("between 2011 and 2013", FRI, "2011-01-01", "2013-12-31", "year"),
    # rolling windows end at publication
    ("Five clinics were hit in the last 10 days.", FRI, "2016-07-19", "2016-07-29", "day"),
    ("Over the last 4 years the city emptied.", FRI, "2012-07-29", "2016-07-29", "year"),
    ("in the past two weeks", FRI, "2016-07-15", "2016-07-29", "week"),
    ("over the past three months", FRI, "2016-04-29", "2016-07-29", "month"),
    ("in the last 24 hours", FRI, "2016-07-28", "2016-07-29", "day"),
    ("over the last year", LEAP, "2015-03-01", "2016-03-01", "year"),
    # without a publication date, relative expressions stay unresolved
    ("The convoy left on Thursday.", None, None, None, "unknown"),
    ("The bridge fell yesterday.", None, None, None, "unknown"),
    ("The clinic was hit 4 days ago.", None, None, None, "unknown"),
    ("31 massacres in July alone.", None, None, None, "unknown"),
    ("Hit on 24 July.", None, None, None, "unknown"),
    ("in the last 10 days", None, None, None, "unknown"),
    ("The road was cut earlier this month.", None, None, None, "unknown"),
    ("The town fell last year.", None, None, None, "unknown"),
])
def test_find_dates(text: str, published: date | None, start: str | None, end: str | None,
                    precision: str) -> None:
    found = find_dates(text, published)
    assert len(found) == 1, found
    when = found[0].when
    assert (when.start, when.end, when.precision) == (_d(start), _d(end), precision)
    assert when.precision in DATE_PRECISIONS


@pytest.mark.parametrize(("text", "rule"), [
    ("on Thursday", "weekday"), ("since Monday", "since_weekday"), ("4 days ago", "ago"),
    ("earlier this month", "this_period"), ("last month", "last_period"), ("in July alone", "month"),
    ("since July", "since_month"), ("after 24 July", "after_day_month"), ("between 2 and 4 July", "day_range_words"),
    ("from 2 July to 4 July", "span"), ("on 24 July", "day_month"), ("July 24", "month_day"),
    ("December 13, 2016", "month_day_year"), ("13 December 2016", "day_month_year"), ("2016-12-13", "iso"),
    ("in September 2015", "month_year"), ("in 2011", "year"), ("since 2011", "since_year"),
    ("in the 1990s", "decade"), ("over the last 10 days", "rolling"), ("yesterday", "relative_day"),
])
def test_rule_names_the_pattern(text: str, rule: str) -> None:
    found = find_dates(text, FRI)
    assert [d.when.rule for d in found] == [rule]
    assert found[0].when.text == text


@pytest.mark.parametrize("text", ["Strikes on 18 July and 22 July hit the market.", "From 22 July to 18 July.",
                                  "Since 18 July to 22 July"])
def test_two_days_not_opened_as_a_range_stay_two_days(text: str) -> None:
    assert len(find_dates(text, FRI)) == 2


def test_since_an_absolute_date_without_publication_keeps_its_start() -> None:
    when = find_dates("It has raged since 2011.", None)[0].when
    assert (when.start, when.end, when.precision) == (date(2011, 1, 1), None, "year")


def test_several_dates_in_text_order_with_offsets() -> None:
    text = "Jets struck on Thursday and again 4 days ago, as in the 1990s."
    found = find_dates(text, FRI, offset=1000)
    assert [d.text for d in found] == ["on Thursday", "4 days ago", "in the 1990s"]
    for d in found:
        assert isinstance(d, DateMention)
        assert text[d.start - 1000:d.end - 1000] == d.text


def test_the_longest_overlapping_expression_wins() -> None:
    found = find_dates("Buses left on Tuesday, December 13, 2016.", FRI)
    assert [d.text for d in found] == ["Tuesday, December 13, 2016"]


def test_a_datetime_publication_uses_its_date() -> None:
    found = find_dates("It fell yesterday.", datetime(2016, 7, 29, 23, 59))
    assert found[0].when.start == date(2016, 7, 28)


@pytest.mark.parametrize("text", [
    "He may go.", "They march at dawn.", "February 30, 2016", "on 31 June", "UN Resolution 2254",
    "the 4th brigade", "12 people died", "the 2000 people who fled the attack", "version 3/4/16",
])
def test_not_dates(text: str) -> None:
    assert find_dates(text, FRI) == []


_PUBS = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))


@given(_PUBS, st.integers(min_value=1, max_value=400))
def test_n_days_ago_is_n_days_before_publication(published: date, n: int) -> None:
    when = find_dates(f"It happened {n} days ago.", published)[0].when
    assert when.start == when.end == published - timedelta(days=n)


@given(_PUBS, st.sampled_from(sorted(WEEKDAYS)))
def test_a_weekday_is_the_latest_such_day_on_or_before_publication(published: date, name: str) -> None:
    when = find_dates(f"It happened on {name}.", published)[0].when
    assert when.start is not None and when.start == when.end
    assert when.start.weekday() == WEEKDAYS[name]
    assert timedelta(0) <= published - when.start < timedelta(days=7)


@given(_PUBS, st.sampled_from(["January", "February", "June", "December"]))
def test_a_month_is_never_after_publication(published: date, month: str) -> None:
    when = find_dates(f"Raids rose in {month}.", published)[0].when
    assert when.start is not None and when.end is not None
    assert when.start <= when.end <= published
    assert published - when.start < timedelta(days=366)


@pytest.mark.parametrize("text", [
    "Shelling resumed on Tuesday, December 13, 2016, and again on the 15th.",
    "Between 2011 and 2016 the town changed hands; in the 1980s it was quiet.",
    "The convoy left 3 days ago, before the end of March, and returned last weekend.",
    "No month or year here: 40 families left three weeks ago, and 12-13 more yesterday.",
    "Mon. 5 Sept., 2016 - the siege began in September, the week after 2016-09-01.",
])
def test_gated_rules_find_what_every_rule_finds(text):
    """Rules skipped for lack of a month, year or weekday would have matched nothing."""
    from harmwatch.extract import dates

    for name, (part, _) in dates._NEEDS.items():
        assert part in dict((n, src) for n, src, _ in dates._RULES_SRC)[name]
    every = [(name, m.span()) for name, rx in dates._RULES for m in rx.finditer(text)]
    assert [(name, m.span()) for name, rx in dates._rules_for(text) for m in rx.finditer(text)] == every
    assert every


@pytest.mark.parametrize(("text", "found"), [
    ("Daily report, 13 December 2016\n\n- Douma: 3 killed", "2016-12-13"),
    ("Syria: 12 killed\nPublished: 2016-12-14\nText", "2016-12-14"),
    ("13/12/2016\nreport", "2016-12-13"),
    # a date inside a sentence is an event's, not the report's
    ("On 21 August 2013, a sarin attack on Ghouta killed hundreds of people, according to many reports.", None),
    ("Shelling resumed.\nOne\nTwo\nThree\nFour\nDaily report, 13 December 2016", None),  # too far down
])
def test_date_line(text: str, found: str | None) -> None:
    assert date_line(text) == _d(found)
