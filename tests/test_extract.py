from __future__ import annotations

from datetime import date

import pytest

from harmwatch.model import Document, Mention, sha256_hex

PUBLISHED = date(2016, 12, 16)  # a Friday


def _doc(text: str, published: date | None = PUBLISHED) -> Document:
    return Document(id="t", sha256=sha256_hex(text.encode()), raw=text.encode(), text=text, source="Test Wire",
                    published=published)


def _mentions(extractor, text: str, published: date | None = PUBLISHED) -> tuple[Mention, ...]:
    return extractor.extract_one(_doc(text, published))


def _asserted(ms, etype):
    return [m for m in ms if m.type == etype and m.status == "asserted"]


@pytest.mark.parametrize(
    ("text", "etype"),
    [
        ("Russian warplanes struck a field hospital in Aleppo on Tuesday, killing four medics.", "air_strike"),
        ("Mortar shells landed on a school in Homs on 3 December, wounding six pupils.", "shelling"),
        ("About 2,000 residents were evacuated from Madaya by bus on Thursday.", "evacuation"),
        ("Hundreds of families fled the fighting in Manbij this week.", "displacement"),
        ("The town of Darayya has been under siege for four years.", "siege"),
        ("Gunmen abducted a local journalist in Saraqib on Monday.", "abduction"),
        ("Government troops recaptured the Aleppo district of Masaken Hanano on 27 November.",
         "territory_regained"),
        ("Crowds protested outside the Russian embassy in London on Tuesday.", "peaceful_protest"),
        # executions by their method, and one after a clash in the same headline
        ("Militants stoned a woman to death in Raqqa on Friday.", "attack_on_civilians"),
        ("The group beheaded two men in a square in Deir ez-Zor on Sunday.", "attack_on_civilians"),
        ("Clashes go on near the airport and the group executes a young man in Mayadin", "attack_on_civilians"),
        # aircraft that act are an air strike, whatever the verb
        ("Jets struck rebel positions near Idlib on Monday.", "air_strike"),
        ("Helicopters killed 12 people in Douma on Monday.", "air_strike"),
        ("US jets kill 12 civilians in Raqqa", "air_strike"),
        ("Militants hanged two men in Raqqa on Friday.", "attack_on_civilians"),
        ("A truck bomb killed four people in Kandahar.", "explosive_device"),
        ("At least 15 people were killed in twin bombings in Homs on Wednesday.", "explosive_device"),
        ("WFP said it had delivered food to 12,000 people in Madaya on Monday.", "aid_access"),
        ("Buses carried some 3,000 civilians out of the besieged east of Aleppo on Thursday.", "evacuation"),
        ("The UN Security Council voted unanimously to send monitors to Aleppo.", "diplomatic"),
        # a non-state group that retakes a town takes it; aid kept out is an access event
        ("ISIS recaptured Palmyra on Sunday.", "territory_taken"),
        ("No aid has reached Madaya since October, residents said.", "aid_access"),
        ("Since the road was cut, no food has come in to Madaya.", "aid_access"),
    ],
)
def test_event_type(extractor, text, etype):
    ms = _mentions(extractor, text)
    assert _asserted(ms, etype), [(m.type, m.status, m.rule) for m in ms]


@pytest.mark.parametrize(
    ("text", "etype", "absent"),
    [
        ("Police opened fire on a funeral march in Basra and two mourners were shot dead.",
         "excessive_force_against_protesters", "attack_on_civilians"),
        ("Army units took full control of the village of Tel Rifaat under heavy bombardment.",
         "territory_regained", "shelling"),
        ("Crowds in Idlib staged a rally against the bombing campaign on Sunday.", "peaceful_protest", "shelling"),
        ("The sick and wounded were taken out of Madaya by the Red Crescent.", "evacuation", "attack_on_civilians"),
        ("Insurgents liberated the town of Kafr Zita on Monday.", "territory_taken", None),
        ("Dozens of families left Saraqib, fearing a ground offensive.", "displacement", "armed_clash"),
        ("Hundreds of families fled the clashes in Jobar overnight.", "displacement", "armed_clash"),
        ("Residents of Kafr Nabl are fleeing from the air strikes.", "displacement", "air_strike"),
        # police who break up a protest: one event, the intervention
        ("Security forces arrested 40 demonstrators during a rally in Tehran.", "protest_with_intervention",
         "peaceful_protest"),
        ("Security forces arrested 40 demonstrators during a rally in Tehran.", "protest_with_intervention", "arrest"),
        ("Riot police beat protesters outside parliament, injuring 12.", "protest_with_intervention",
         "violent_demonstration"),
        ("Soldiers opened fire on demonstrators in Yangon, killing five.", "excessive_force_against_protesters",
         "peaceful_protest"),
    ],
)
def test_the_specific_event_speaks_for_the_words_that_describe_it(extractor, text, etype, absent):
    ms = _mentions(extractor, text)
    assert _asserted(ms, etype), [(m.type, m.status, m.rule) for m in ms]
    assert not _asserted(ms, absent), [(m.type, m.status, m.rule) for m in ms]


@pytest.mark.parametrize("text", [
    "Jets hit a clinic in Kafr Nabl on Monday, killing two nurses, a day after the market attack.",
    "Two weeks after the bombing of the hospital in Saraqib, its clinic reopened.",
])
def test_an_earlier_event_named_as_a_reference_is_no_mention(extractor, text):
    ms = _mentions(extractor, text)
    assert not [m for m in ms if m.trigger and m.trigger.text in ("attack", "bombing")], [
        (m.type, m.trigger, m.rule) for m in ms]
    assert all(m.scope == "incident" for m in ms), [(m.type, m.scope, m.rule) for m in ms]


def test_a_death_toll_for_one_attack_is_that_incident(extractor):
    ms = _mentions(extractor, "The death toll from Tuesday's car bomb attack in Azaz has risen to 19 dead, "
                              "officials said.")
    assert ms and all(m.scope == "incident" for m in ms), [(m.type, m.scope, m.rule) for m in ms]
    tally = _mentions(extractor, "The death toll since the start of the war has passed 400,000, the monitor said.")
    assert tally and all(m.scope == "aggregate" for m in tally), [(m.type, m.scope, m.rule) for m in tally]


@pytest.mark.parametrize(("text", "field", "value"), [
    ("The evacuation of the wounded has not yet started.", "status", "negated"),
    ("There were no signs of an exodus from the town.", "status", "negated"),
    ("A renewed offensive could see thousands killed in the coming weeks.", "status", "hypothetical"),
    # planned, prepared or called off: it has not happened
    ("A planned evacuation of the wounded from Madaya was postponed on Tuesday.", "status", "hypothetical"),
    ("The evacuation of the wounded from Madaya was postponed on Tuesday.", "status", "hypothetical"),
    ("Rebels are preparing an offensive on Hama, commanders said.", "status", "hypothetical"),
    ("If the corridors open, thousands may flee towards the border.", "status", "hypothetical"),
    ("In 1982, government forces massacred thousands in Hama.", "status", "historical"),
    # a definition says what a word means, not that anything happened
    ("We define a massacre as an attack that kills five or more people at once.", "status", "hypothetical"),
    ("A massacre is defined as an attack that kills five or more people.", "status", "hypothetical"),
    ("The UN defined the attack on the aid convoy near Aleppo as a war crime.", "status", "asserted"),
    # a tally over a period or an area is an aggregate; one attack's toll so far is not
    ("A monitor has documented 40 massacres in Syria in November alone.", "scope", "aggregate"),
    ("The monitor documented the killing of 600 civilians in Syria in October 2016.", "scope", "aggregate"),
    ("Monitors recorded 30 attacks on hospitals during the month, including 12 in Idlib and 5 in Hama.",
     "scope", "aggregate"),
    ("Idlib province was the worst affected, with 200 civilian deaths.", "scope", "aggregate"),
    ("The group's monthly report lists 90 civilian deaths.", "scope", "aggregate"),
    ("In October, an air strike killed 12 people in Saraqib, the monitor said.", "scope", "incident"),
    ("Rescuers have recovered more than 20 bodies so far from the rubble of the market.", "scope", "incident"),
    ("Rescuers have recovered 20 bodies so far this year from bombed buildings.", "scope", "aggregate"),
    ("Air strikes have killed 300 civilians so far, a monitor says.", "scope", "aggregate"),
    ("Activists recorded the air strike on Saraqib in October 2016, which killed 12 people.", "scope", "incident"),
    # a count since a date runs over days; a comparison with that date does not
    ("The monitor said air strikes had killed 462 civilians in Aleppo since 15 November.", "scope", "aggregate"),
    ("Air strikes on Saraqib have killed 45 people since Tuesday, rescuers said.", "scope", "aggregate"),
    ("The heaviest shelling since 15 November killed 30 people in Aleppo on Monday.", "scope", "incident"),
    ("More than 130,000 people have fled the Tal Abyad area since Wednesday.", "scope", "incident"),  # one exodus
    # a monitor's daily toll across the country; one strike's toll is not
    ("206 were killed yesterday, including 48 regime forces and armed loyalists.", "scope", "aggregate"),
    ("143 killed yesterday 20/01/2015", "scope", "aggregate"),
    ("12 killed yesterday in an air strike on a market in Saraqib.", "scope", "incident"),
    # a count over a number of days or weeks
    ("Shelling killed 12 people in two days in Douma, activists said.", "scope", "aggregate"),
    ("The number of people killed in about 28 weeks of Russian strikes has risen to 500.", "scope", "aggregate"),
    ("A strike killed 12 people in Douma on Monday, two days after a truce began.", "scope", "incident"),
])
def test_every_mention_of_a_sentence_reads(extractor, text, field, value):
    ms = _mentions(extractor, text)
    assert ms and all(getattr(m, field) == value for m in ms), [(m.type, getattr(m, field), m.rule) for m in ms]


def test_announcement_and_modal_estimate_are_asserted(extractor):
    ms = _mentions(extractor, "The army dropped leaflets saying two routes will be opened for civilians.")
    assert _asserted(ms, "agreement")
    ms = _mentions(extractor, "A minister said as many as 80,000 people might have to be evacuated.")
    (m,) = _asserted(ms, "evacuation")
    assert m.certainty == "claimed" and "minister" in (m.claimed_by or "")
    assert any(f.kind == "remaining" and f.high == 80000 for f in m.figures)


def test_fields_of_a_claimed_strike(extractor):
    text = ("Air strikes hit a market in Idlib on Thursday, killing at least 12 civilians, "
            "the local council said.")
    (m,) = _asserted(_mentions(extractor, text), "air_strike")
    assert m.certainty == "claimed" and "local council" in (m.claimed_by or "")
    assert m.when is not None and m.when.start == date(2016, 12, 15) and m.when.precision == "day"
    assert any(f.kind == "killed" and f.low == 12 and f.high is None and f.qualifier == "at_least"
               for f in m.figures)
    assert "food" in m.targets
    assert m.where is not None and m.where.name.lower().startswith("idlib")
    assert text[m.evidence.start:m.evidence.end] == m.evidence.text
    assert "trigger:" in m.rule and "status:" in m.rule


def test_who_puts_the_toll_at_a_figure_claims_it(extractor):
    (m,) = _mentions(extractor, "The Observatory put the overall death toll from the week of bombing at 230.")
    assert (m.claimed_by, m.certainty, m.scope) == ("Observatory", "claimed", "aggregate")
    assert [(f.kind, f.low) for f in m.figures] == [("killed", 230)]


def test_a_claimant_keeps_its_name_without_its_relative_clause(extractor):
    text = ("The Britain-based Syrian Observatory for Human Rights, which relies on a network of sources on the "
            "ground, said 23 people were killed in Idlib on Monday.")
    (m,) = [m for m in _mentions(extractor, text) if m.status == "asserted"]
    assert m.claimed_by == "Britain-based Syrian Observatory for Human Rights"


@pytest.mark.parametrize(("text", "claimant"), [
    ("The death of 6 people was documented in Idlib on Tuesday.", None),  # the thing reported is no claimant
    ("The deaths of 6 people were documented by the Syrian Observatory for Human Rights on Tuesday.",
     "Syrian Observatory for Human Rights"),
    ("The Syrian Observatory for Human Rights documented the deaths of 6 people in Idlib on Tuesday.",
     "Syrian Observatory for Human Rights"),
])
def test_the_claimant_of_a_passive_report_is_its_agent(extractor, text, claimant):
    (m,) = [m for m in _mentions(extractor, text) if m.status == "asserted"]
    assert m.claimed_by == claimant and [(f.kind, f.low) for f in m.figures] == [("killed", 6)], m


@pytest.mark.parametrize(
    ("text", "certainty"),
    [
        ("Unverified reports say a man was shot at a checkpoint in Aleppo.", "unverified"),
        ("Government forces are reportedly executing detainees in Aleppo.", "alleged"),
        ("Shelling hit the old city of Aleppo on Monday.", "reported"),
        ("The UN has not been able to verify reports of executions in Aleppo.", "unverified"),
        ("The army said reports of a massacre in the village near Aleppo were fabricated.", "denied"),
    ],
)
def test_certainty(extractor, text, certainty):
    ms = [m for m in _mentions(extractor, text) if m.status == "asserted"]
    assert ms and ms[0].certainty == certainty, [(m.type, m.certainty, m.rule) for m in ms]


@pytest.mark.parametrize(("text", "perpetrators"), [
    ("Russia denied its aircraft bombed the aid convoy near Idlib on Monday.", ["Russia"]),
    ("The Syrian army denied that its forces shelled the hospital in Idlib on Monday.", ["Syrian government"]),
    ("Russia said rebels shelled a school in Idlib on Monday.", ["Syrian rebels"]),  # the voice alone is no actor
    ("Russia denied carrying out any air strikes on Idlib on Monday.", ["Russia"]),  # the accused denies
])
def test_a_claimant_speaking_of_its_own_forces_is_the_actor(extractor, text, perpetrators):
    ms = [m for m in _mentions(extractor, text) if m.status == "asserted"]
    assert ms and all([p.name for p in m.perpetrators] == perpetrators for m in ms), [
        (m.type, m.claimed_by, m.perpetrators) for m in ms]


@pytest.mark.parametrize(("text", "etype", "perpetrators"), [
    ("Rebels shot down a Syrian army helicopter near Saraqib on Monday.", "disrupted_weapons_use", ["Syrian rebels"]),
    ("Jets struck rebel positions near Idlib on Monday.", "air_strike", []),
    ("Activists accused pro-government militias of executing 13 civilians in Idlib on Monday.",
     "attack_on_civilians", ["Pro-government militias"]),
    ("Turkish-backed forces captured the village of Qabasin from Islamic State fighters on Wednesday.",
     "territory_taken", ["Turkish-backed rebels"]),
    ("Hundreds of residents protested in Idlib on Friday against the Nusra Front.", "peaceful_protest", ["Civilians"]),
    ("Islamic State claimed responsibility for the bombing, which killed 43 people at a bus station in Jableh.",
     "attack_on_civilians", ["Islamic State"]),  # the claimant claims the act
    ("Aid agencies said 15,000 people had crossed into Turkey since Sunday.", "displacement", []),  # a destination
    ("An estimated 1,200 families fled to the Turkish border on Monday.", "displacement", []),
    ("Protesters set fire to a police station in Sidi Bouzid.", "violent_demonstration", ["Protesters"]),
    ("A roadside bomb exploded near a police convoy in Kandahar, killing four officers.", "explosive_device", []),
    # in a clash both sides are actors
    ("Iraqi forces fought Islamic State fighters near Mosul on Monday.", "armed_clash", ["Iraq", "Islamic State"]),
])
def test_an_actor_acted_on_is_no_perpetrator(extractor, text, etype, perpetrators):
    (m,) = _asserted(_mentions(extractor, text), etype)
    assert [p.name for p in m.perpetrators] == perpetrators, m.perpetrators


def test_perpetrators_are_normalized(extractor):
    (m,) = _asserted(_mentions(extractor, "Assad's forces and Russian jets bombed a clinic in Aleppo."),
                     "air_strike")
    assert {a.name for a in m.perpetrators} == {"Syrian government", "Russia"}


def test_a_tally_breaks_one_count_down_and_keeps_its_country(extractor):
    text = ("Barrel bombs hit Aleppo again on Monday. The monitor documented the killing of 600 civilians in Syria "
            "in October. It recorded 30 attacks on facilities during the month, including 12 on hospitals and "
            "5 on schools.")
    ms = _mentions(extractor, text)
    (count,) = [m for m in ms if "600" in m.evidence.text]
    assert count.where is not None and count.where.precision == "country", count.where  # not the focus, Aleppo
    assert count.when is not None and count.when.precision == "month"
    broken_down = [m for m in ms if "30 attacks" in m.evidence.text]
    assert len(broken_down) == 1, [(m.type, m.evidence.text, m.rule) for m in broken_down]  # not one per sub-count
    when = broken_down[0].when  # "during the month": the month named before, not the year before publication
    assert when is not None and (when.start, when.precision) == (date(2016, 10, 1), "month"), when


def test_relative_dates_stay_unresolved_without_publication_date(extractor):
    ms = _mentions(extractor, "Shelling hit the old city of Aleppo on Monday.", published=None)
    assert ms and all(m.when is None or m.when.start is None for m in ms)


def test_a_report_without_publication_date_is_read_from_its_date_line(extractor):
    text = "Daily report, 13 December 2016\n\n- Harasta: 5 people were wounded by mortar fire yesterday."
    (m,) = _mentions(extractor, text, published=None)
    assert m.when is not None and (m.when.start, m.when.precision) == (date(2016, 12, 12), "day")
    assert "published:date-line" in m.rule
    (m,) = _mentions(extractor, text, published=date(2016, 12, 20))  # a publication date wins
    assert m.when is not None and m.when.start == date(2016, 12, 19) and "date-line" not in m.rule


def test_repeated_caption_counts_once_and_boilerplate_is_skipped(extractor):
    caption = "Residents flee shelling in the Sukkari district of Aleppo on December 12, 2016."
    text = f"{caption}\n{caption}\nShare this article\n"
    doc = _doc(text)
    ms = extractor.extract_one(doc)
    assert ms
    assert all(m.evidence.start < len(caption) + 1 for m in ms)


def test_mentions_follow_text_order_and_have_unique_ids(extractor):
    text = ("Shelling hit Homs on Monday. About 300 people were evacuated from Madaya on Tuesday. "
            "Clashes broke out in Daraa on Wednesday.")
    ms = _mentions(extractor, text)
    starts = [m.evidence.start for m in ms]
    assert starts == sorted(starts)
    assert len({m.id for m in ms}) == len(ms)


def test_extract_does_not_change_its_input(extractor):
    doc = _doc("Air strikes hit Aleppo on Monday.")
    before = (doc.text, doc.published)
    extractor.extract([doc])
    assert (doc.text, doc.published) == before


def test_a_clause_without_trigger_lends_its_figures(extractor):
    text = "A medical charity has at last count 6 clinics in Idlib – all have been hit by Russian jets."
    (m,) = _asserted(_mentions(extractor, text), "air_strike")
    assert any(f.kind == "facilities" and f.low == 6 for f in m.figures)
    assert "health" in m.targets and m.scope == "aggregate"
    assert "6 clinics" in m.evidence.text


@pytest.mark.parametrize(
    ("text", "etype", "perpetrator", "present"),
    [
        ("The town has been under siege from Assad's forces for months.", "siege", "Syrian government", True),
        ("Government troops recaptured the district from rebel fighters on Monday.", "territory_regained",
         "Syrian rebels", False),
    ],
)
def test_from_means_perpetrator_except_for_territory(extractor, text, etype, perpetrator, present):
    ms = _asserted(_mentions(extractor, text), etype)
    assert ms
    assert (perpetrator in {a.name for a in ms[0].perpetrators}) is present


@pytest.mark.parametrize("text", [
    "Capturing the city is the regime's largest gain since the uprising began in 2011.",
    "The army said it had captured the whole city for the first time since 2012.",
    "Rebels shelled the district, the heaviest shelling since 2013, residents said.",
])
def test_since_a_year_long_ago_is_not_historical(extractor, text):
    ms = _mentions(extractor, text)
    assert ms and all(m.status == "asserted" for m in ms), [(m.type, m.status) for m in ms]
    # The year is the anchor of the comparison, not the capture's date: that is the week before publication.
    assert all(m.when is not None and m.when.start and m.when.start.year == 2016 for m in ms), [m.when for m in ms]


def test_a_date_after_a_comparison_with_an_earlier_one_is_the_events(extractor):
    (m,) = _asserted(_mentions(extractor, "The heaviest shelling since 15 November killed 30 people in Aleppo on "
                                          "Monday."), "shelling")
    assert m.when is not None and (m.when.start, m.when.end) == (date(2016, 12, 12), date(2016, 12, 12)), m.when


def test_tally_without_a_date_spans_the_year_before_publication(extractor):
    (m, *_) = _mentions(extractor, "Air strikes have killed 300 civilians so far, a monitor says.")
    assert m.scope == "aggregate"
    assert m.when is not None and m.when.end == PUBLISHED and m.when.precision == "year"


def test_two_counts_in_one_clause_are_two_mentions_with_their_own_evidence(extractor):
    text = "Amid 3 bomb attacks in Belgium and 5 in Spain this month, the crisis deepened."
    ms = _asserted(_mentions(extractor, text), "attack_on_civilians")
    assert [f.low for m in ms for f in m.figures if f.kind == "incidents"] == [3, 5]
    assert "Spain" not in ms[0].evidence.text and "Belgium" not in ms[1].evidence.text


def test_a_repeated_count_is_placed_where_its_own_words_say(extractor):
    text = "There were 4 bomb attacks in Germany and 2 in France this month as a massacre unfolded in Aleppo."
    ms = [m for m in _asserted(_mentions(extractor, text), "attack_on_civilians") if m.figures]
    assert [(m.figures[0].low, m.where and m.where.country) for m in ms] == [(4, "DE"), (2, "FR")], [
        (m.evidence.text, m.where) for m in ms]


@pytest.mark.parametrize(("text", "agreement"), [
    ("Troops launched a ground offensive last week, after the collapse of the US-Russian ceasefire.", False),
    ("Shelling went on in Daraa despite the truce.", False),
    ("Violations of the ceasefire were reported in Hama.", False),
    ("The army declared that the week-long ceasefire was over.", False),
    ("The truce in Homs collapsed on Monday as shelling resumed.", False),
    ("Russia and Turkey agreed a ceasefire for Aleppo on Thursday.", True),
])
def test_an_agreement_in_the_background_is_no_mention(extractor, text, agreement):
    ms = _mentions(extractor, text)
    assert bool(_asserted(ms, "agreement")) is agreement, [(m.type, m.trigger, m.rule) for m in ms]


def test_a_quarter_the_gazetteer_lacks_keeps_its_name_at_its_town(extractor):
    text = ("Barrel bombs hit Aleppo on Monday. The army said rebel shelling of the government-held district of "
            "al-Hamdaniyeh on Tuesday wounded five civilians.")
    ms = _asserted(_mentions(extractor, text), "shelling")
    assert ms and ms[0].where is not None, [(m.evidence.text, m.where) for m in ms]
    where = ms[0].where
    assert (where.name, where.precision, where.geonameid) == ("al-Hamdaniyeh", "city", None), where
    assert where.country == "SY" and "placed at 'Aleppo'" in where.reason, where


@pytest.mark.parametrize(("text", "quarter"), [
    ("ALEPPO, Syria - Jets struck the al-Kalasa neighbourhood of eastern Aleppo on Monday, killing 9 people.",
     "al-Kalasa"),
    ("Government shelling hit the Kurdish-controlled Sheikh Maqsoud district of Aleppo, killing 3.", "Sheikh Maqsoud"),
    ("Barrel bombs hit Aleppo on Monday. On Tuesday, shells fell on the al-Midan district, wounding 4.", "al-Midan"),
    ("Barrel bombs hit Aleppo on Monday. Shelling of the Ansari quarter killed 2 children.", "Ansari"),
    ("Barrel bombs hit the al-Kalasa and al-Sukkari neighbourhoods of Aleppo on Saturday. Residents said chlorine "
     "gas was used in one attack in al-Sukkari, injuring 6 people.", "al-Sukkari"),  # named a quarter before
    ("Helicopters dropped barrel bombs on the al-Kalasa and al-Sukkari neighbourhoods of Aleppo on Saturday, "
     "killing 18 people.", "Aleppo"),  # two quarters: the town
])
def test_a_quarter_the_ner_misses_is_found_by_its_cue(extractor, text, quarter):
    ms = [m for m in _mentions(extractor, text) if m.status == "asserted" and m.figures]
    assert ms and ms[-1].where is not None, [(m.evidence.text, m.where) for m in ms]
    assert (ms[-1].where.name, ms[-1].where.country) == (quarter, "SY"), ms[-1].where


@pytest.mark.parametrize(("text", "name", "placed"), [
    ("Shells hit the Damascus suburb of Douma on Monday.", "Damascus", "Damascus"),  # the town, not in Douma
    ("Jets struck the al-Zahraa neighborhood in Homs.", "al-Zahraa", "Homs"),
    ("A man was killed at Al-Masharqa neighborhood, calm continues in Aleppo city.", "Al-Masharqa", None),
    # Not Ez Zahra in Tunisia, here nor where the name comes again.
    ("Rockets hit the New Aleppo and al-Zahraa districts of Aleppo on Sunday. Related: Calm returns to al-Zahraa",
     "al-Zahraa", None),
])
def test_a_quarter_is_placed_in_its_town(extractor, text, name, placed):
    """A quarter's fuzzy match elsewhere is no reading of it; a bigger town is never inside a smaller one."""
    doc = extractor.nlp(text)
    found = {s.text: s._.place for s in doc.spans["hw_places"]}
    place = found[name]
    assert (place.reason.split("'")[1] if place and "placed at" in place.reason else place and place.name) == placed


@pytest.mark.parametrize("text", [
    "Car bomb kills at least 60 in Syria's Azaz",  # a name the NER does not see
    "Blast kills three in Syria's Jarablus",  # one it takes for an organisation
])
def test_a_town_after_its_countrys_possessive_is_the_place(extractor, text):
    ms = [m for m in _mentions(extractor, text) if m.status == "asserted"]
    assert ms and all(m.where is not None and m.where.precision == "city" and m.where.country == "SY" for m in ms), [
        m.where for m in ms]


@pytest.mark.parametrize(("text", "name", "precision"), [
    ("ALEPPO, Syria - Jets struck a market in Idlib province on Sunday, killing 12 civilians.", "Idlib", "region"),
    ("BEIRUT (Reuters) - Jets struck a market in Saraqib on Sunday, killing 12 civilians.", "Saraqib", "city"),
    # a village the gazetteer lacks, in a governorate named after the city the report was filed from
    ("ALEPPO, Syria - Shells hit a village in Aleppo governorate on Sunday, killing 3.", "Aleppo", "region"),
    ("ALEPPO, Syria - Jets struck a market on Sunday, killing 12 civilians.", "Aleppo", "city"),  # the focus city
])
def test_a_dateline_says_where_the_report_was_filed_not_where_the_event_was(extractor, text, name, precision):
    ms = [m for m in _mentions(extractor, text) if m.status == "asserted"]
    assert ms and all(m.where is not None and (m.where.name, m.where.precision) == (name, precision)
                      for m in ms), [m.where for m in ms]


@pytest.mark.parametrize(("text", "place"), [
    ("This raises the number of people killed in the Aleppo offensive since 15 November to 310.", "Aleppo"),
    ("Syrian and Russian jets struck a market on Sunday, killing 12 civilians.", None),  # peoples, not places
    # the label of a field report's line
    ("Daily report\n- Harasta: 5 injured after mortar fire", "Harasta"),
    # a town taken or struck, which the small model takes for a person
    ("Islamic State fighters seized Palmyra in May.", "Palmyra"),
    ("Police arrested Ahmad on Monday.", None),
])
def test_a_big_towns_name_before_an_event_word_is_that_town(extractor, text, place):
    doc = extractor.nlp(text)
    located = [s.text for s in doc.spans["hw_places"] if s.label_ != "NORP"]
    assert located == ([place] if place else []), [(s.text, s.label_) for s in doc.spans["hw_places"]]


@pytest.mark.parametrize(("text", "first", "second"), [
    ("Up to 100,000 people remain trapped in the besieged east, the UN said, while Moscow put the figure at 50,000.",
     ("UN", None, 100000, "at_most"), ("Moscow", 50000, 50000, "exact")),
    ("Rebels said 40 civilians died in the raid on Douma; the government put the death toll at 12.",
     ("Rebels", 40, 40, "exact"), ("the government", 12, 12, "exact")),
    ("Jets struck Saraqib on Monday, killing 9 civilians, the Observatory said; the health ministry gave the number "
     "as up to 15.", ("Observatory", 9, 9, "exact"), ("the health ministry", None, 15, "at_most")),
    # the voice opens the next sentence, or the next paragraph
    ("Activists said 30 civilians were killed in air strikes on Douma on Monday. The government put the toll at five.",
     (None, 30, 30, "exact"), ("the government", 5, 5, "exact")),
    ("Up to 100,000 people remain trapped in the besieged east, the UN said.\n\nMoscow put the figure at 50,000.",
     ("UN", None, 100000, "at_most"), ("Moscow", 50000, 50000, "exact")),
    ("Jets killed 12 people in Idlib on Monday, rescuers said. Later, the army put the toll at five.",
     ("rescuers", 12, 12, "exact"), ("the army", 5, 5, "exact")),
    ("Jets killed 12 people in Idlib on Monday, rescuers said. The army, however, put the toll at five.",
     ("rescuers", 12, 12, "exact"), ("the army", 5, 5, "exact")),
])
def test_a_second_voice_putting_the_figure_elsewhere_is_a_claim_of_its_own(extractor, text, first, second):
    ms = [m for m in _mentions(extractor, text) if m.status == "asserted"]
    claims = [(m.claimed_by, m.figures[0].low, m.figures[0].high, m.figures[0].qualifier) for m in ms if m.figures]
    assert claims == [first, second], [(m.type, m.claimed_by, m.figures) for m in ms]
    a, b = (m for m in ms if m.figures)
    assert (a.type, a.where, a.when, a.figures[0].kind) == (b.type, b.where, b.when, b.figures[0].kind)
    assert len(a.figures) == 1 and "restated" in b.rule
    assert a.scope == b.scope == "incident"  # "put the death toll at 12" is the second voice's, not a tally cue
    assert not any(p.text == "Moscow" for m in ms for p in m.perpetrators)  # the voice is no perpetrator
    assert text[b.evidence.start:b.evidence.end] == b.evidence.text and b.evidence.start > a.figures[0].span.start


@pytest.mark.parametrize("text", [
    "Jets killed 12 people in Idlib on Monday. The army put the toll at five and said shelling killed 2 soldiers.",
    "Jets killed 12 people in Idlib on Monday. Rescuers searched the rubble. The army put the toll at five.",
    "The army put the toll at five.",
])
def test_a_sentence_is_a_second_voice_only_when_it_opens_right_after_the_event(extractor, text):
    ms = _mentions(extractor, text)
    assert not any("restated" in m.rule for m in ms), [(m.type, m.claimed_by, m.rule) for m in ms]


def test_comparison_with_a_past_atrocity_is_historical(extractor):
    ms = _mentions(extractor, "Can the world stand by again, as it did while men were massacred at Srebrenica?")
    assert ms and all(m.status == "historical" for m in ms)


def test_a_number_after_a_modal_is_not_a_count(extractor):
    text = "Shelling continued in Aleppo on Monday, and a new offensive could see up to 5,000 people killed."
    ms = _mentions(extractor, text)
    assert all(f.low != 5000 and f.high != 5000 for m in ms if m.status == "asserted" for f in m.figures)


# --- sentence triage (extract/triage.py, issue 9) ---

_QUIET = "The old souk drew visitors from across the region for centuries. Its stone arches are famous."
_TRIAGE_DOCS = (
    "Warplanes bombed a bakery in Idlib on Sunday, killing 9 people, rescuers said. " + _QUIET + "\n"
    "Mr. Haddad, a shopkeeper, remembers quieter days. Gunmen abducted two teachers near Homs on Saturday.",
    "DAMASCUS\n" + _QUIET + "\nThe army denied that its troops shelled the camp.\n"
    "Dozens of families fled the town on Friday. Nobody knows when the U.S. envoy will visit again.",
    "Protesters gathered in Homs on Friday. " + _QUIET + " " + _QUIET + "\n"
    "Officials said 40 people were evacuated from the old city, according to the Red Crescent.",
)


@pytest.mark.parametrize("text", _TRIAGE_DOCS)
def test_triage_gives_the_mentions_of_a_full_parse(extractor, text):
    from harmwatch.extract import Extractor
    from harmwatch.extract.triage import Triage

    [doc] = Triage(extractor.nlp).docs([text], batch_size=4)
    assert doc.text == text and any(not t.pos_ for t in doc)  # offsets kept, the quiet text not tagged
    plain = Extractor(extractor.nlp, triage=False).extract([_doc(text)])
    triaged = Extractor(extractor.nlp, triage=True).extract([_doc(text)])
    assert triaged == plain and plain[0]


_OVERLAPS = "Air strikes hit a hospital; the airstrike killed 3 and wounded five. Shelled, shelled."


@pytest.mark.parametrize("text", [*_TRIAGE_DOCS, _QUIET, _OVERLAPS])
@pytest.mark.parametrize("cut", [None, 0.3])
def test_find_triggers_finds_what_each_pattern_finds(text, cut):
    """One scan for word starts, then each pattern tried there: the same matches as each pattern's finditer."""
    from harmwatch.extract import lexicon as lx

    ranges = [(0, len(text))] if cut is None else [(0, int(len(text) * cut)), (int(len(text) * 0.5), len(text))]
    expected = [(p.name, m.span()) for p in lx.EXTRACT_TRIGGERS for lo, hi in ranges
                for m in p.regex.finditer(text, lo, hi)]
    assert [(p.name, m.span()) for p, m in lx.find_triggers(text, ranges)] == expected
    assert bool(expected) is (text != _QUIET) and bool(lx.TRIGGER_STARTS.search(text)) is bool(expected)


@pytest.mark.parametrize(
    ("line", "pieces"),
    [
        ("Shelling hit Homs. Rescuers said 5 died.", ["Shelling hit Homs. ", "Rescuers said 5 died."]),
        ("Mr. Assad spoke. Gen. Smith did not.", ["Mr. Assad spoke. ", "Gen. Smith did not."]),
        ("The U.S. Army left. J. Doe stayed!  Then 3 came.", ["The U.S. Army left. ", "J. Doe stayed!  ",
                                                              "Then 3 came."]),
        ('"They fled." Others stayed.', ['"They fled." ', "Others stayed."]),
        ("no capital. after this", ["no capital. after this"]),
    ],
)
def test_triage_sentences(line, pieces):
    from harmwatch.extract.triage import sentences

    assert [line[a:b] for a, b in sentences(line)] == pieces


def test_triage_parts_mark_event_sentences_and_cover_the_text():
    from harmwatch.extract.triage import parts

    text = _TRIAGE_DOCS[0]
    found = parts(text)
    assert found[0].start == 0 and found[-1].end == len(text)
    assert all(a.end == b.start and a.parse != b.parse for a, b in zip(found, found[1:], strict=False))
    assert [text[p.start:p.end].strip()[:12] for p in found if p.parse] == ["Warplanes bo", "Gunmen abduc"]


@pytest.mark.parametrize(("value", "on"), [(None, True), ("1", True), ("0", False)])
def test_triage_is_on_unless_turned_off(monkeypatch, value, on):
    from harmwatch.extract import Extractor

    if value is None:
        monkeypatch.delenv("HARMWATCH_TRIAGE", raising=False)
    else:
        monkeypatch.setenv("HARMWATCH_TRIAGE", value)
    assert Extractor().triage is on
    assert Extractor(triage=not on).triage is not on


def test_only_verbs_are_lemmatized(extractor):
    nlp = extractor.nlp
    assert "lemmatizer" not in nlp.pipe_names and "harmwatch_verb_lemmas" in nlp.pipe_names
    doc = nlp.make_doc("Officials reported that rebels shelled the villages.")
    for name, proc in nlp.pipeline:
        if not name.startswith("harmwatch_") or name in ("harmwatch_lines", "harmwatch_tag_attrs",
                                                         "harmwatch_verb_lemmas"):
            doc = proc(doc)
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["reported"] == "report" and lemmas["shelled"] == "shell"
    assert lemmas["villages"] == ""  # nouns are not lemmatized: no rule reads them


TAGGED_TEXTS = [
    "Officials said the shelling killed at least 12 people in the old city on Monday.",
    "There is no way out. There were 40 families left, and that is all we know.",
    "Y'all gonna see it; we gotta leave, let's go. Ain't nothin' left but rubble.",
    "He gets what he got.  But then \n\n it was over, and those who stayed were detained.",
    "REBELS SAID THEY HAD SHOT DOWN A HELICOPTER - which the army denied.",
]


@pytest.mark.parametrize("text", TAGGED_TEXTS)
def test_tag_attributes_match_the_attribute_ruler(extractor, text):
    """harmwatch_tag_attrs sets what the model's attribute ruler would, token for token."""
    from spacy.tokens import Doc

    nlp = extractor.nlp
    assert "attribute_ruler" not in nlp.pipe_names and "harmwatch_tag_attrs" in nlp.pipe_names
    with nlp.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        parsed = nlp(text)
    ours = nlp.get_pipe("harmwatch_tag_attrs")(Doc(nlp.vocab).from_bytes(parsed.to_bytes()))
    model = nlp.get_pipe("attribute_ruler")(Doc(nlp.vocab).from_bytes(parsed.to_bytes()))

    def attrs(doc):
        return [(t.text, t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in doc]

    assert attrs(ours) == attrs(model)
    assert any(t.pos_ == "VERB" for t in ours) and all(t.pos_ for t in ours)


@pytest.mark.parametrize(("text", "places"), [
    ("Hundreds of people protested in Kilis on Friday, calling for an end to the bombardment of Idlib.",
     {"peaceful_protest": "Kilis", "shelling": "Idlib"}),
    ("Rebels clashed with troops near Saraqib, and shelling continued on Idlib.",
     {"armed_clash": "Saraqib", "shelling": "Idlib"}),
])
def test_each_event_of_a_clause_takes_the_place_nearest_its_trigger(extractor, text, places):
    ms = _mentions(extractor, text)
    found = {m.type: m.where.name if m.where else None for m in ms if m.type in places}
    assert found == places, [(m.type, m.where) for m in ms]


@pytest.mark.parametrize(("text", "place"), [
    ("Jordan and Lebanon agreed a ceasefire on Thursday.", None),  # the parties, not the place
    ("Jordan and Lebanon agreed a ceasefire in Idlib on Thursday.", "Idlib"),
    ("A ceasefire in Syria began on Thursday.", "Syria"),
])
def test_an_agreement_is_not_placed_in_its_parties(extractor, text, place):
    ms = [m for m in _mentions(extractor, text) if m.type == "agreement"]
    assert ms and (ms[0].where.name if ms[0].where else None) == place, [m.where for m in ms]


@pytest.mark.parametrize(("patterns", "ok"), [
    ([{"patterns": [[{"TAG": "NN", "LOWER": {"IN": ["anyone"]}}]], "attrs": {"POS": "PRON"}, "index": 0}], True),
    ([{"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": 1}], True),
    ([{"patterns": [[{"LOWER": "very", "OP": "+"}]], "attrs": {"POS": "ADV"}, "index": 0}], False),
    ([{"patterns": [[{"IS_DIGIT": True}]], "attrs": {"POS": "NUM"}, "index": 0}], False),
])
def test_tag_attributes_take_only_rules_they_can_apply(extractor, patterns, ok):
    """A ruler with other rules stays the model's own (build_nlp checks ``readable``)."""
    from harmwatch.extract.tagattrs import TagAttributes, readable

    assert readable(patterns) is ok
    if ok:
        assert TagAttributes(extractor.nlp.vocab).load(patterns).attrs
    else:
        with pytest.raises(ValueError, match="keep the model's"):
            TagAttributes(extractor.nlp.vocab).load(patterns)
