from __future__ import annotations

import pytest

from harmwatch.extract.actors import load_actors
from harmwatch.extract.classify import classify_all, classify_one
from harmwatch.model import EVENT_TYPES


@pytest.fixture(scope="module")
def actors():
    return load_actors()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Warplanes struck a bakery in the town of Kafr Nabl on Monday, killing five people.", "air_strike"),
        ("Mortar shells fell on a residential street in the old city, wounding three.", "shelling"),
        ("Government troops recaptured the village of Tal Rifaat after a week of fighting.", "territory_regained"),
        ("Rebel factions seized the hilltop town and took control of its main checkpoint.", "territory_taken"),
        ("A suicide bomber blew himself up at a checkpoint near the border crossing.", "suicide_bombing"),
        ("Gunmen kidnapped two aid workers on the road to the camp.", "abduction"),
        ("Police arrested twelve men accused of smuggling weapons.", "arrest"),
        ("Hundreds of students held a peaceful vigil outside the embassy.", "peaceful_protest"),
        ("The two sides signed a ceasefire agreement brokered by the UN envoy.", "agreement"),
        ("A 6.1 magnitude earthquake shook the province overnight.", "natural_disaster"),
        ("Clashes between the army and insurgents continued for a third day.", "armed_clash"),
        ("Residents fled the neighbourhood as fighting drew closer.", "displacement"),
        ("Thousands of families fled their homes in the north of the district.", "displacement"),
        ("Unidentified gunmen detained three teachers on the road to the market.", "abduction"),
        ("Security forces abducted two activists from their homes at dawn.", "arrest"),
    ],
)
def test_classify_one(actors, text, expected):
    assert classify_one(text, actors) == expected


def test_every_snippet_gets_a_taxonomy_code():
    labels = classify_all(["", "The weather was fine.", "Shelling resumed at dawn."])
    assert len(labels) == 3
    assert all(label in EVENT_TYPES for label in labels)
    assert labels[0] == "other"
