from __future__ import annotations

from collections import Counter

from harmwatch.extract.classify import classify_all
from harmwatch.extract.typemodel import default_model, training_examples
from harmwatch.model import EVENT_TYPES


def test_training_set_covers_every_type_evenly():
    counts = Counter(e.type for e in training_examples())
    assert set(counts) == set(EVENT_TYPES)
    assert min(counts.values()) >= 40
    texts = [e.text for e in training_examples()]
    assert len(texts) == len(set(texts))


# Our own sentences, never in the training file: the model must get most of them right.
UNSEEN = [
    ("Fighter jets bombed a fuel depot outside the provincial capital overnight, residents said.", "air_strike"),
    ("Police fired tear gas to disperse a crowd of students marching towards parliament.",
     "protest_with_intervention"),
    ("A roadside bomb struck a minibus on the highway, killing four passengers.", "explosive_device"),
    ("Soldiers found and defused two explosive devices planted under a bridge.", "disrupted_weapons_use"),
    ("Gunmen abducted a village chief and demanded a ransom from his family.", "abduction"),
    ("Floodwaters swept away hundreds of homes after days of torrential rain.", "natural_disaster"),
    ("Artillery shells slammed into the market district for a second day.", "shelling"),
    ("The two factions signed a truce in the capital after mediation by tribal elders.", "agreement"),
    ("Hundreds of families fled the villages as the front line moved closer.", "displacement"),
    ("Rioters smashed shop windows and set cars on fire after the verdict.", "violent_demonstration"),
]


def test_model_on_sentences_it_never_saw():
    predicted = classify_all([text for text, _ in UNSEEN])
    right = sum(p == expected for p, (_, expected) in zip(predicted, UNSEEN, strict=True))
    assert right >= 8, list(zip(predicted, [e for _, e in UNSEEN], strict=True))


def test_model_is_trained_once_and_is_deterministic():
    assert default_model() is default_model()
    texts = ["Clashes broke out between two armed groups near the border post."]
    assert classify_all(texts) == classify_all(texts)
    assert classify_all([]) == []
