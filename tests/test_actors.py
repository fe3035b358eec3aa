from __future__ import annotations

import pytest

from harmwatch.errors import ConfigError
from harmwatch.extract.actors import load_actors


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Hospitals were targeted by the Assad regime and Russian jets.", ["Syrian government", "Russia"]),
        ("Daesh fighters withdrew; the SDF advanced.", ["Islamic State", "Syrian Democratic Forces"]),
        ("Pro-government forces and Hezbollah fighters entered the district.", ["Syrian government", "Hezbollah"]),
        ("Government helicopters dropped barrel bombs; regime warplanes followed.",
         ["Syrian government", "Syrian government"]),
        ("This is a small island with no actors.", []),
        # a generic word right after a named actor is that actor, not Syria's rebels
        ("Houthi rebels fired missiles; Al-Shabaab militants attacked a hotel.", ["Houthis", "Al-Shabaab"]),
        ("The rebels and the RSF clashed; Hamas fighters fired rockets.",
         ["Syrian rebels", "Rapid Support Forces", "Hamas"]),
    ],
)
def test_find_normalizes_aliases(text, names):
    assert [m.actor.name for m in load_actors().find(text)] == names


def test_offsets_point_at_the_alias():
    text = "Witnesses blamed ISIS for the blast."
    (match,) = load_actors().find(text, offset=100)
    assert text[match.start - 100:match.end - 100] == "ISIS"
    assert match.actor.inter == 2


def test_user_dictionary_extends_and_overrides(tmp_path):
    extra = tmp_path / "mine.csv"
    extra.write_text("name,inter,aliases\nLiwa al-Quds,3,Quds Brigade|Liwa al-Quds\nRussia,1,Russian jets\n",
                     encoding="utf-8")
    found = {m.actor.text: m.actor for m in load_actors([extra]).find("The Quds Brigade and Russian jets")}
    assert found["Quds Brigade"].name == "Liwa al-Quds"
    assert found["Russian jets"].inter == 1


def test_bad_user_dictionary_says_how_to_fix(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,inter,aliases\nSomeone,notanumber,x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2"):
        load_actors([bad])
