"""figures.py: counts attached to a kind and a group, clause by clause."""

from __future__ import annotations

import pytest

from harmwatch.extract.figures import find_figures
from harmwatch.model import FIGURE_KINDS, QUALIFIERS, Figure

Row = tuple[str, str, int | None, int | None, str]


def _rows(text: str) -> list[Row]:
    return [(f.kind, f.group, f.low, f.high, f.qualifier) for f in find_figures(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # the kind from a passive predicate, an object verb, or the noun itself
    ("Mortar fire killed 17 people in the old market.", [("killed", "people", 17, 17, "exact")]),
    ("At least 9 civilians were killed overnight.", [("killed", "civilians", 9, None, "at_least")]),
    ("The death toll has risen to 44.", [("killed", "people", 44, 44, "exact")]),
    ("Four people were killed and the mill, which fed thousands, was destroyed.",
     [("killed", "people", 4, 4, "exact")]),
    ("The death toll from Monday's raid on a bakery in Azaz climbed to 21.",
     [("killed", "people", 21, 21, "exact")]),
    ("The casualty toll from the twin blasts at a Homs checkpoint stood at 40.",
     [("killed_or_injured", "people", 40, 40, "exact")]),
    ("The number of dead rose to 30 on Sunday.", [("killed", "people", 30, 30, "exact")]),
    ("The bodies of 12 men were found near the river.", [("killed", "civilians", 12, 12, "exact")]),
    ("Two women and a child were among the dead.",
     [("killed", "women", 2, 2, "exact"), ("killed", "children", 1, 1, "exact")]),
    ("There were 40 casualties, including 12 dead.",
     [("killed_or_injured", "people", 40, 40, "exact"), ("killed", "people", 12, 12, "exact")]),
    ("Shelling killed 12 residents and wounded more than 40 others.",
     [("killed", "people", 12, 12, "exact"), ("injured", "people", 40, None, "at_least")]),
    ("Gunmen killed 3 soldiers and wounded 5.",
     [("killed", "fighters", 3, 3, "exact"), ("injured", "fighters", 5, 5, "exact")]),
    ("12 people were killed and 30 were wounded.",
     [("killed", "people", 12, 12, "exact"), ("injured", "people", 30, 30, "exact")]),
    ("6 doctors and nurses were detained at the border.", [("detained", "medical_staff", 6, 6, "exact")]),
    ("Police arrested 25 protesters on the bridge.", [("detained", "people", 25, 25, "exact")]),
    ("At least 9 people were kidnapped from the village.", [("abducted", "people", 9, None, "at_least")]),
    ("Eight aid workers remain missing.", [("missing", "civilians", 8, 8, "exact")]),
    ("More than 300 families have fled the town since Monday.",
     [("displaced", "families", 300, None, "at_least")]),
    ("Hundreds of thousands of people have been displaced by the fighting.",
     [("displaced", "people", 100000, 100000, "vague")]),
    ("About 5,000 refugees arrived at the camp.", [("displaced", "people", 5000, 5000, "approx")]),
    # a noun for what happened, then "of" and the count
    ("Monitors documented the deaths of at least 30 people in the town.", [("killed", "people", 30, None, "at_least")]),
    ("The execution of 82 civilians drew protests.", [("killed", "civilians", 82, 82, "exact")]),
    ("Activists reported the arrests of 20 men at the checkpoint.", [("detained", "civilians", 20, 20, "exact")]),
    ("The abduction of 3 aid workers was condemned.", [("abducted", "civilians", 3, 3, "exact")]),
    ("The displacement of 50,000 people strained the camps.", [("displaced", "people", 50000, 50000, "exact")]),
    # "killing N" after a facility counts people; "N in <place>" after a count repeats its noun
    ("Jets hit a market in Maarat al-Numan, killing 9.",
     [("facilities", "markets", 1, 1, "exact"), ("killed", "people", 9, 9, "exact")]),
    ("Shelling hit 4 schools in Douma and 2 in Harasta.",
     [("facilities", "schools", 4, 4, "exact"), ("facilities", "schools", 2, 2, "exact")]),
    ("Shelling hit the hospital, killing 11 staff and patients.", [("killed", "people", 11, 11, "exact")]),
    ("Aid agencies said 15,000 people had crossed into Turkey.", [("displaced", "people", 15000, 15000, "exact")]),
    ("Buses carried some 3,000 civilians out of the east.", [("evacuated", "civilians", 3000, 3000, "approx")]),
    # headlines in the present tense
    ("US jets kill 12 civilians in Raqqa", [("killed", "civilians", 12, 12, "exact")]),
    ("ISIS executes 2 men in Mayadin", [("killed", "civilians", 2, 2, "exact")]),
    ("Regime forces arrest 20 people in Hama", [("detained", "people", 20, 20, "exact")]),
    ("Shelling wounds 7 people in Douma", [("injured", "people", 7, 7, "exact")]),
    ("Gunmen abducted 276 schoolgirls from the town.", [("abducted", "children", 276, 276, "exact")]),
    ("A roadside bomb killed four officers.", [("killed", "fighters", 4, 4, "exact")]),
    ("The government is accused of hanging up to 13,000 prisoners.", [("killed", "people", None, 13000, "at_most")]),
    # a passive of speech is said of the counted, who are not speakers
    ("Twelve people were reported killed in the raid.", [("killed", "people", 12, 12, "exact")]),
    ("About 40 residents were said to have been wounded.", [("injured", "people", 40, 40, "approx")]),
    ("12 people reported killed in Aleppo shelling", [("killed", "people", 12, 12, "exact")]),  # a headline
    ("Air strike on a bakery, no casualties reported", [("killed_or_injured", "people", 0, 0, "exact")]),
    ("An estimated 8,000 residents are still trapped in the area.",
     [("remaining", "people", 8000, 8000, "approx")]),
    # "N civilians, including M children": both figures share the kind
    ("Jets killed 1,900 civilians, including 410 children, over the winter.",
     [("killed", "civilians", 1900, 1900, "exact"), ("killed", "children", 410, 410, "exact")]),
    ("Nearly 60 civilians including 14 children died in the blast.",
     [("killed", "civilians", 60, 60, "approx"), ("killed", "children", 14, 14, "exact")]),
    # coordinated quantities take the verb that follows both
    ("Some 2,000 civilians and more than 70 wounded people, among them children, were evacuated on Monday.",
     [("evacuated", "civilians", 2000, 2000, "approx"), ("evacuated", "wounded", 70, None, "at_least")]),
    # "up to N ... remained, including about A fighters and about B family members of fighters"
    ("Monitors say up to 20,000 people stayed behind after the convoys left, including about 1,500 fighters"
     " and about 6,000 family members of fighters.",
     [("remaining", "people", None, 20000, "at_most"), ("remaining", "fighters", 1500, 1500, "approx"),
      ("remaining", "families", 6000, 6000, "approx")]),
    ("A minister said up to 70,000 residents might have to be evacuated.",
     [("remaining", "people", None, 70000, "at_most")]),
    # one person or one facility
    ("A boy was shot near the checkpoint.", [("killed_or_injured", "children", 1, 1, "exact")]),
    ("A woman was shot on her way to the bakery.", [("killed_or_injured", "civilians", 1, 1, "exact")]),
    ("A child was killed when the roof fell in.", [("killed", "children", 1, 1, "exact")]),
    ("One civilian was killed and two were injured.",
     [("killed", "civilians", 1, 1, "exact"), ("injured", "civilians", 2, 2, "exact")]),
    # protests
    ("Thousands in several cities took to the streets to protest the bombing.",
     [("protesters", "people", 1000, 1000, "vague")]),
    ("Tens of thousands of demonstrators marched on the capital.",
     [("protesters", "people", 10000, 10000, "vague")]),
    # incidents
    ("The monitoring group counted as many as 31 'massacres' in June alone.",
     [("incidents", "massacres", None, 31, "at_most")]),
    ("The group recorded 5 bomb attacks in Spain and 3 in Italy last week.",
     [("incidents", "attacks", 5, 5, "exact"), ("incidents", "attacks", 3, 3, "exact")]),
    ("More than 20 air strikes hit the district.", [("incidents", "airstrikes", 20, None, "at_least")]),
    # facilities
    ("The charity lists 7 hospitals/clinics in the province - all have been hit by jets.",
     [("facilities", "hospitals", 7, 7, "exact")]),
    ("Over 3 medical facilities and hospitals have been hit in the past week.",
     [("facilities", "hospitals", 3, None, "at_least")]),
    ("A children's hospital in the town, run by a charity, was bombed 2 days ago.",
     [("facilities", "hospitals", 1, 1, "exact")]),
    ("Three field hospitals in the city were hit on 12 May.", [("facilities", "hospitals", 3, 3, "exact")]),
    ("Four schools and two bakeries were destroyed in the raids.",
     [("facilities", "schools", 4, 4, "exact"), ("facilities", "bakeries", 2, 2, "exact")]),
    ("Warplanes struck 3 clinics on Tuesday.", [("facilities", "hospitals", 3, 3, "exact")]),
    # besieged, mixed groups
    ("Troops are starving the 120,000 civilians and fighters they have laid siege to.",
     [("besieged", "people", 120000, 120000, "exact")]),
    ("Some 40,000 people live under siege in the valley.", [("besieged", "people", 40000, 40000, "approx")]),
    # denials count as zero
    ("The army said no civilians were killed.", [("killed", "civilians", 0, 0, "exact")]),
    ("The ministry denied that anyone was killed in the raid.", [("killed", "people", 0, 0, "exact")]),
    ("No one was hurt.", [("injured", "people", 0, 0, "exact")]),
    ("Officials reported no casualties.", [("killed_or_injured", "people", 0, 0, "exact")]),
    # who speaks is not counted among the victims
    ("Strikes killed 10 people, including two nurses, a doctor at the hospital said.",
     [("killed", "people", 10, 10, "exact"), ("killed", "medical_staff", 2, 2, "exact")]),
    ("A doctor was killed and two nurses were wounded.",
     [("killed", "medical_staff", 1, 1, "exact"), ("injured", "medical_staff", 2, 2, "exact")]),
    # a family: possessives join the counts, and "the driver" or "his wife" counts one beside a count
    ("A strike on the farm killed a shepherd and his three sons.",
     [("killed", "civilians", 1, 1, "exact"), ("killed", "children", 3, 3, "exact")]),
    ("The rocket killed a baker, his wife and their two daughters.",
     [("killed", "civilians", 1, 1, "exact"), ("killed", "civilians", 1, 1, "exact"),
      ("killed", "children", 2, 2, "exact")]),
    ("The mine killed the driver and five passengers of the minibus.",
     [("killed", "civilians", 1, 1, "exact"), ("killed", "people", 5, 5, "exact")]),
    ("The driver was wounded by the blast.", []),  # alone, "the driver" is no count
    # a part of a whole counts the part; not when the whole is the count
    ("A sniper killed one of the four nurses left in the ward.", [("killed", "medical_staff", 1, 1, "exact")]),
    ("At least 6 of the 40 patients inside were injured.", [("injured", "civilians", 6, None, "at_least")]),
    ("Three of the 25 people killed on Friday were medics.", [("killed", "people", 25, 25, "exact")]),
])
def test_find_figures(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize("text", [
    "He said 150 trucks had entered the city.",
    "The regime dropped leaflets saying 3 corridors will open for residents and 1 for gunmen.",
    "12 gunmen stormed the building.",
    "The hospital, one of 3 still working in the city, was bombed twice this week.",
    "The war began in 2011 and the town fell on 24 July.",
    "Nobody knows how many died.",
    "No civilians were in the building.",
    "4 hospitals remain open in the north.",
    "In the first 200 days, little changed.",
])
def test_no_figure(text: str) -> None:
    assert find_figures(text) == []


def test_spans_cover_quantity_and_noun_with_offset() -> None:
    text = "Some 2,000 civilians and more than 70 wounded people were evacuated."
    figures = find_figures(text, offset=500)
    assert [f.span.text for f in figures if f.span] == ["Some 2,000 civilians", "more than 70 wounded people"]
    for f in figures:
        assert f.span is not None
        assert text[f.span.start - 500:f.span.end - 500] == f.span.text


def test_figures_are_model_records_in_text_order() -> None:
    text = "Airstrikes killed 9 civilians in a town where 30,000 besieged people still live."
    figures = find_figures(text)
    assert all(isinstance(f, Figure) for f in figures)
    assert [(f.kind, f.group, f.low) for f in figures] == [
        ("killed", "civilians", 9), ("besieged", "people", 30000)]
    assert [f.span.start for f in figures if f.span] == sorted(f.span.start for f in figures if f.span)
    for f in figures:
        assert f.kind in FIGURE_KINDS and f.qualifier in QUALIFIERS


def test_an_active_verb_makes_its_subject_the_agent() -> None:
    assert _rows("12 gunmen killed 3 soldiers.") == [("killed", "fighters", 3, 3, "exact")]


def test_predicate_overrides_a_noun_that_names_a_kind() -> None:
    killed = _rows("12 protesters were killed when troops opened fire.")
    assert killed == [("killed", "people", 12, 12, "exact")]
    assert _rows("200 refugees were evacuated by bus.") == [("evacuated", "people", 200, 200, "exact")]
