"""numbers.py: one parser for numbers, and the counts (with qualifiers) found in a text."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harmwatch.extract.numbers import Quantity, find_quantities, parse_number, tokenize


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), ("3,000", 3000), ("3 000", 3000), ("3\u202f000", 3000), ("1,250,000", 1250000),
    ("1.5 million", 1_500_000), ("2.3m", 2_300_000), ("4 thousand", 4000), ("3k", 3000),
    ("1.2bn", 1_200_000_000),
    ("four", 4), ("Eleven", 11), ("twenty-one", 21), ("twenty one", 21), ("ninety-nine", 99),
    ("a dozen", 12), ("two dozen", 24), ("half a dozen", 6), ("two hundred", 200), ("a hundred", 100),
    ("two hundred and fifty", 250), ("a thousand", 1000), ("three thousand five hundred", 3500),
    ("half a million", 500_000), ("one and a half million", 1_500_000), ("one", 1),
    ("dozens", 12), ("scores of", None), ("hundreds", 100), ("thousands", 1000),
    ("tens of thousands", 10_000),
    ("hundreds of thousands", 100_000), ("millions", 1_000_000),
    ("1.5", None), ("7th", None), ("1990s", None), ("40km", None), ("at least 5", None), ("10-20", None),
    ("a man", None), ("", None), ("many", None), ("four-year-old", None), ("12 people", None),
])
def test_parse_number(text: str, expected: int | None) -> None:
    assert parse_number(text) == expected


def _q(text: str) -> list[tuple[str, int, int | None, int | None, str]]:
    return [(q.text, q.value, q.low, q.high, q.qualifier) for q in find_quantities(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Mortars killed 17 people.", [("17", 17, 17, 17, "exact")]),
    ("some 2,500 residents", [("some 2,500", 2500, 2500, 2500, "approx")]),
    ("about 80, around 90, nearly 100, almost 110, roughly 120",
     [("about 80", 80, 80, 80, "approx"), ("around 90", 90, 90, 90, "approx"),
      ("nearly 100", 100, 100, 100, "approx"), ("almost 110", 110, 110, 110, "approx"),
      ("roughly 120", 120, 120, 120, "approx")]),
    ("approximately 30, an estimated 2,000 and ~15",
     [("approximately 30", 30, 30, 30, "approx"), ("an estimated 2,000", 2000, 2000, 2000, "approx"),
      ("~15", 15, 15, 15, "approx")]),
    ("at least 9 and more than 70 and over 5", [("at least 9", 9, 9, None, "at_least"),
                                               ("more than 70", 70, 70, None, "at_least"),
                                               ("over 5", 5, 5, None, "at_least")]),
    ("upwards of 60, no fewer than 8, in excess of 500, 40+ dead",
     [("upwards of 60", 60, 60, None, "at_least"), ("no fewer than 8", 8, 8, None, "at_least"),
      ("in excess of 500", 500, 500, None, "at_least"), ("40+", 40, 40, None, "at_least")]),
    ("up to 70,000 and as many as 31", [("up to 70,000", 70000, None, 70000, "at_most"),
                                        ("as many as 31", 31, None, 31, "at_most")]),
    ("at most 6, no more than 11, fewer than 8, less than 20",
     [("at most 6", 6, None, 6, "at_most"), ("no more than 11", 11, None, 11, "at_most"),
      ("fewer than 8", 8, None, 8, "at_most"), ("less than 20", 20, None, 20, "at_most")]),
    ("between 10 and 20 died", [("between 10 and 20", 15, 10, 20, "range")]),
    ("10-20 were hurt, 30–40 fled, 5 to 9 vanished, two or three stayed",
     [("10-20", 15, 10, 20, "range"), ("30–40", 35, 30, 40, "range"), ("5 to 9", 7, 5, 9, "range"),
      ("two or three", 2, 2, 3, "range")]),
    ("between 2 and 3 million people",
     [("between 2 and 3 million", 2_500_000, 2_000_000, 3_000_000, "range")]),
    ("10,000-15,000 troops", [("10,000-15,000", 12500, 10000, 15000, "range")]),
    ("dozens, scores of homes, tens of soldiers, hundreds, thousands, tens of thousands, millions",
     [("dozens", 12, 12, 12, "vague"), ("scores", 20, 20, 20, "vague"), ("tens", 10, 10, 10, "vague"),
      ("hundreds", 100, 100, 100, "vague"), ("thousands", 1000, 1000, 1000, "vague"),
      ("tens of thousands", 10000, 10000, 10000, "vague"), ("millions", 10**6, 10**6, 10**6, "vague")]),
    ("hundreds of thousands fled", [("hundreds of thousands", 100000, 100000, 100000, "vague")]),
    ("several hundred and a few thousand", [("several hundred", 100, 100, 100, "vague"),
                                            ("a few thousand", 1000, 1000, 1000, "vague")]),
    ("at least dozens", [("at least dozens", 12, 12, None, "at_least")]),
    ("four trucks and a dozen fighters", [("four", 4, 4, 4, "exact"), ("a dozen", 12, 12, 12, "exact")]),
    ("at least a dozen, nearly two hundred, more than a hundred",
     [("at least a dozen", 12, 12, None, "at_least"), ("nearly two hundred", 200, 200, 200, "approx"),
      ("more than a hundred", 100, 100, None, "at_least")]),
    ("40-odd men and 60-plus women",
     [("40-odd", 40, 40, 40, "approx"), ("60-plus", 60, 60, None, "at_least")]),
    ("12 or more, 30 or so", [("12 or more", 12, 12, None, "at_least"), ("30 or so", 30, 30, 30, "approx")]),
    ("1.5 million refugees, 2.3m displaced, 3 000 000 people",
     [("1.5 million", 1_500_000, 1_500_000, 1_500_000, "exact"),
      ("2.3m", 2_300_000, 2_300_000, 2_300_000, "exact"),
      ("3 000 000", 3_000_000, 3_000_000, 3_000_000, "exact")]),
    ("a boy was shot", [("a", 1, 1, 1, "exact")]),
    ("A clinic on the edge of town was struck", [("A", 1, 1, 1, "exact")]),
    ("a 9-year-old girl", [("a", 1, 1, 1, "exact")]),
    ("one person died", [("one", 1, 1, 1, "exact")]),
    ("one was killed", [("one", 1, 1, 1, "exact")]),
    ("at least one soldier", [("at least one", 1, 1, None, "at_least")]),
    ("by 2019, 2000 civilians had died", [("2000", 2000, 2000, 2000, "exact")]),
    ("in 2012 400 people fled", [("400", 400, 400, 400, "exact")]),
    ("children under 5 and over 60 adults", [("over 60", 60, 60, None, "at_least")]),
])
def test_find_quantities(text: str, expected: list[tuple[str, int, int | None, int | None, str]]) -> None:
    assert _q(text) == expected


@pytest.mark.parametrize("text", [
    "The uprising began in 2011.", "It was 2016, a bad year.", "from 2011 to 2014", "between 1990 and 2000",
    "On 24 July the town fell.", "July 24 was quiet.", "December 13, 2016", "2016-12-13", "the 3rd of May",
    "At 10:30 the sirens went off.", "at 5 pm", "at 7 a.m. local time", "4 days ago", "for 305 days",
    "10 days", "four years", "24 hours later", "a 12-hour truce", "a four-day siege", "in the 1990s",
    "the 1980's", "in his 20s", "the 4th brigade", "he came 1st", "the second time", "40% of homes",
    "12 percent", "forty per cent", "$5 million", "£20", "€3", "US$ 400", "5 dollars", "millions of dollars",
    "a 7-year-old", "aged 12", "at the age of 9", "children under 5", "1. First point", "2) Second point",
    "(3) Third", "Call +44 20 7946 0958 now", "or 555-1234 today", "UN Resolution 2254",
    "Article 51 of the charter", "flight 17", "COVID-19", "the G20 summit", "the M5 highway", "one of them",
    "no one", "one another", "two-thirds", "12.5 tons", "5 km away", "20 miles", "3 times", "9/11", "24/7",
    "a ratio of 3:1", "version 2.1", "No. 5", "page 12", "S-300 missiles", "in 1977 and 1980",
])
def test_not_quantities(text: str) -> None:
    assert _q(text) == []


def test_offsets_and_text_match_the_input() -> None:
    text = "Officials said up to 4,000 people and some 300 fighters remained."
    found = find_quantities(text, offset=100)
    assert [q.text for q in found] == ["up to 4,000", "some 300"]
    for q in found:
        assert text[q.start - 100:q.end - 100] == q.text


def test_quantity_is_frozen() -> None:
    q = find_quantities("7 killed")[0]
    assert isinstance(q, Quantity)
    with pytest.raises(FrozenInstanceError):
        q.value = 8


def test_tokenize_keeps_compounds_whole() -> None:
    assert [t.text for t in tokenize("a 7-year-old, 10–20 make-shift beds")] == [
        "a", "7-year-old", ",", "10–20", "make-shift", "beds"]


@given(st.integers(min_value=0, max_value=10**9))
def test_parse_number_reads_comma_grouped_integers(n: int) -> None:
    assert parse_number(f"{n:,}") == n


@given(st.integers(min_value=1, max_value=99))
def test_parse_number_reads_spelled_numbers_below_a_hundred(n: int) -> None:
    units = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
             "sixteen seventeen eighteen nineteen").split()
    tens = "twenty thirty forty fifty sixty seventy eighty ninety".split()
    word = units[n - 1] if n < 20 else tens[n // 10 - 2] + (f"-{units[n % 10 - 1]}" if n % 10 else "")
    assert parse_number(word) == n
    assert parse_number(f"{word} hundred") == n * 100


@given(st.text(max_size=200))
def test_find_quantities_spans_are_consistent_on_any_text(text: str) -> None:
    for q in find_quantities(text, offset=7):
        assert text[q.start - 7:q.end - 7] == q.text
        assert q.qualifier in ("exact", "approx", "at_least", "at_most", "range", "vague")
        if q.qualifier == "at_least":
            assert q.high is None and q.low == q.value
        elif q.qualifier == "at_most":
            assert q.low is None and q.high == q.value
        else:
            assert q.low is not None and q.high is not None and q.low <= q.value <= q.high
