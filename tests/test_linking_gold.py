"""The linking gold set (tests/data/linking/gold.jsonl) and its scorer (harmwatch.link.evaluate).

The gold set is ours: invented short reports, in our own words, of invented incidents at real
places. The end-to-end test runs the real pipeline on it (ingest, process, incidents).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from harmwatch.errors import ConfigError
from harmwatch.link.evaluate import bcubed, load_gold, pairwise, report_clusters
from harmwatch.model import Mention, Span

GOLD = Path(__file__).parent / "data" / "linking" / "gold.jsonl"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_gold_set_is_large_and_holds_the_hard_cases():
    gold = load_gold(GOLD)
    incidents = Counter(r.incident for r in gold)
    assert len(gold) >= 150 and len(incidents) >= 40
    assert sum(1 for n in incidents.values() if n >= 3) >= 40  # paraphrases by several outlets
    assert sum(1 for r in gold if r.copy_of) >= 2  # syndicated copies
    assert len({tuple(sorted((r.id, o))) for r in gold for o in r.conflicts_with}) >= 8
    by_id = {r.id: r for r in gold}
    for r in gold:  # every reference points into the report's own incident
        for other in (*r.conflicts_with, *([r.copy_of] if r.copy_of else [])):
            assert by_id[other].incident == r.incident, (r.id, other)


def test_gold_reports_are_short():
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        assert 1 <= text.count(". ") + 1 <= 4 and len(text) < 400, text


@pytest.mark.parametrize(("predicted", "pair_f1", "b3_f1"), [
    ({"a": "x", "b": "x", "c": "y", "d": "z"}, 1.0, 1.0),       # the gold clustering itself
    ({"a": "x", "b": "x", "c": "x", "d": "x"}, 0.2857, 0.5455),  # everything merged
    ({"a": "1", "b": "2", "c": "3", "d": "4"}, 0.0, 0.8571),     # everything split
    ({"a": "x", "b": "y", "c": "y", "d": "z"}, 0.0, 0.75),       # one report in the wrong incident
])
def test_scores_of_known_clusterings(predicted, pair_f1, b3_f1):
    gold = {"a": "g1", "b": "g1", "c": "g2", "d": "g3"}
    assert pairwise(gold, predicted).f1 == pytest.approx(pair_f1, abs=1e-4)
    assert bcubed(gold, predicted).f1 == pytest.approx(b3_f1, abs=1e-4)


def _m(index: int, status: str = "asserted", scope: str = "incident") -> Mention:
    return Mention(doc_sha256="0" * 64, doc_id="r1", index=index, type="shelling", evidence=Span(0, 1, "x"),
                   status=status, scope=scope)


def test_a_report_goes_to_the_incident_holding_most_of_its_mentions():
    rows = [("r1", _m(0), "inc-b"), ("r1", _m(1), "inc-a"), ("r1", _m(2), "inc-a"),
            ("r2", _m(0), "inc-c"), ("r2", _m(1), "inc-d"),            # a tie: the earliest mention wins
            ("r3", _m(0, status="negated"), "inc-e"), ("r3", _m(1, scope="aggregate"), "inc-f")]
    assert report_clusters(rows) == {"r1": "inc-a", "r2": "inc-c"}  # r3 has no incident of its own


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "a", "text": "x"}\n', "missing incident"),
    ('{"id": "a", "text": "x", "incident": "i"}\n{"id": "a", "text": "y", "incident": "i"}\n', "twice"),
    ("{not json\n", "not JSON"),
])
def test_bad_gold_files_are_config_errors(tmp_path, content, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_gold(path)


def test_linking_on_the_gold_set_through_the_real_pipeline(linking_gold_score):
    score = linking_gold_score
    assert score.reports >= 150
    assert score.pairwise.f1 >= 0.90, score
    assert score.bcubed.f1 >= 0.90, score
    assert score.syndicated_ok == score.syndicated_total >= 2, score
    assert score.conflicts_flagged == score.conflicts_total >= 8, score
    assert score.false_contradictions == 0, score


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds (the real articles) is not next to the repository")
def test_seeds_recapture_of_aleppo_and_the_remaining_claims(linking_seed_incidents):
    incidents = linking_seed_incidents
    recapture = [i for i in incidents if i["type"] == "territory_regained" and i["scope"] == "incident"
                 and i["where"] and abs(i["where"]["lat"] - 36.2) < 0.3 and abs(i["where"]["lon"] - 37.15) < 0.4
                 and i["when"] and i["when"]["end"] >= "2016-12-01" and len(i["sources"]) >= 2]
    assert recapture, [(i["type"], i["documents"]) for i in incidents if len(i["documents"]) > 1]
    remaining = [f for i in incidents for f in i["figures"] if f["kind"] == "remaining" and f["group"] == "people"
                 and {c["high"] for c in f["claims"]} >= {50000, 100000}]
    assert remaining and all(f["contradiction"] for f in remaining)
