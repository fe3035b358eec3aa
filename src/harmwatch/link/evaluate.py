"""Score linking against a gold clustering of reports: pairwise and B-cubed F1, sources, contradictions.

A gold file is JSON Lines, one report a line: ``id``, ``text``, ``published``, ``source`` and
``incident`` (the gold cluster), optionally ``copy_of`` (the id of the report it reprints) and
``conflicts_with`` (ids of reports of the same incident whose figures cannot both be true with its
own). :func:`evaluate` runs the real pipeline on it (ingest into a store, process, read incidents).

Each report is put in one predicted cluster: the incident that holds most of its asserted,
incident-scope mentions (a tie goes to the incident of its earliest such mention). A report with no
such mention is a cluster of its own.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import ConfigError
from ..model import Incident, Mention
from ..store import Store

if TYPE_CHECKING:
    from ..pipeline import MentionExtractor

_REQUIRED = ("id", "text", "incident")


@dataclass(frozen=True)
class GoldReport:
    id: str
    incident: str
    source: str | None
    copy_of: str | None = None
    conflicts_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class GoldScore:
    reports: int
    gold_incidents: int
    predicted_clusters: int
    pairwise: PRF
    bcubed: PRF
    syndicated_ok: int  # gold incidents with a reprint whose independent_sources came out right
    syndicated_total: int
    conflicts_flagged: int  # conflicting pairs that sit in one incident with a contradiction
    conflicts_total: int
    false_contradictions: int  # predicted incidents flagged although no gold pair in them conflicts
    unplaced: tuple[str, ...]  # reports with no asserted incident-scope mention


def load_gold(path: Path) -> tuple[GoldReport, ...]:
    """The gold reports of a JSONL file; raises ConfigError naming the first bad line."""
    reports: list[GoldReport] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the gold file {path}: {exc}; give a UTF-8 JSONL file.") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path} line {n}: not JSON ({exc.msg}); fix that line.") from None
        missing = [k for k in _REQUIRED if not isinstance(rec, dict) or not rec.get(k)]
        if missing:
            raise ConfigError(f"{path} line {n}: missing {', '.join(missing)}; every gold report needs "
                              "id, text and incident.")
        reports.append(GoldReport(str(rec["id"]), str(rec["incident"]), rec.get("source"),
                                  rec.get("copy_of"), tuple(rec.get("conflicts_with") or ())))
    ids = [r.id for r in reports]
    if len(set(ids)) != len(ids):
        dup = next(i for i, c in Counter(ids).items() if c > 1)
        raise ConfigError(f"{path}: report id {dup!r} appears twice; gold ids must be unique.")
    return tuple(reports)


def pairwise(gold: Mapping[str, str], predicted: Mapping[str, str]) -> PRF:
    """Precision and recall over the pairs of items put in one cluster."""
    items = sorted(gold)
    same_gold = {(a, b) for a, b in combinations(items, 2) if gold[a] == gold[b]}
    same_pred = {(a, b) for a, b in combinations(items, 2) if predicted[a] == predicted[b]}
    return _prf(len(same_gold & same_pred), len(same_pred), len(same_gold))


def bcubed(gold: Mapping[str, str], predicted: Mapping[str, str]) -> PRF:
    """B-cubed precision and recall: per item, the share of its predicted (gold) cluster that is right."""
    by_gold = _clusters(gold)
    by_pred = _clusters(predicted)
    precision = recall = 0.0
    for item in gold:
        mine_gold, mine_pred = by_gold[gold[item]], by_pred[predicted[item]]
        both = len(mine_gold & mine_pred)
        precision += both / len(mine_pred)
        recall += both / len(mine_gold)
    n = len(gold) or 1
    p, r = precision / n, recall / n
    return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def _prf(hits: int, predicted: int, expected: int) -> PRF:
    p = hits / predicted if predicted else 1.0
    r = hits / expected if expected else 1.0
    return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def _clusters(assignment: Mapping[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for item, cluster in assignment.items():
        out.setdefault(cluster, set()).add(item)
    return out


def report_clusters(mentions: Iterable[tuple[str, Mention, str]]) -> dict[str, str]:
    """Each report's predicted cluster, from (report id, mention, incident id) in processing order."""
    votes: dict[str, Counter[str]] = {}
    first: dict[str, dict[str, int]] = {}
    for n, (report, m, incident_id) in enumerate(mentions):
        if m.status != "asserted" or m.scope != "incident":
            continue
        votes.setdefault(report, Counter())[incident_id] += 1
        first.setdefault(report, {}).setdefault(incident_id, n)
    return {report: min(c, key=lambda i: (-c[i], first[report][i])) for report, c in votes.items()}


def score(gold: Sequence[GoldReport], clusters: Mapping[str, str],
          incidents: Mapping[str, Incident]) -> GoldScore:
    """Compare predicted ``clusters`` (report id -> incident id) and their ``incidents`` with ``gold``."""
    unplaced = tuple(r.id for r in gold if r.id not in clusters)
    predicted = {r.id: clusters.get(r.id, f"alone:{r.id}") for r in gold}
    truth = {r.id: r.incident for r in gold}
    synd_ok, synd_total = _syndication(gold, predicted, incidents)
    flagged, total, false_flags = _conflicts(gold, predicted, incidents)
    return GoldScore(
        reports=len(gold), gold_incidents=len(set(truth.values())),
        predicted_clusters=len(set(predicted.values())), pairwise=pairwise(truth, predicted),
        bcubed=bcubed(truth, predicted), syndicated_ok=synd_ok, syndicated_total=synd_total,
        conflicts_flagged=flagged, conflicts_total=total, false_contradictions=false_flags,
        unplaced=unplaced,
    )


def _expected_independent(members: Sequence[GoldReport]) -> int:
    """Distinct sources after folding each reprint into the report it copies."""
    by_id = {r.id: r for r in members}

    def root(r: GoldReport) -> GoldReport:
        seen = {r.id}
        while r.copy_of and r.copy_of in by_id and r.copy_of not in seen:
            seen.add(r.copy_of)
            r = by_id[r.copy_of]
        return r

    return len({(root(r).source or "").casefold() for r in members if r.source})


def _syndication(gold: Sequence[GoldReport], predicted: Mapping[str, str],
                 incidents: Mapping[str, Incident]) -> tuple[int, int]:
    ok = total = 0
    for members in _clusters({r.id: r.incident for r in gold}).values():
        group = [r for r in gold if r.id in members]
        if not any(r.copy_of for r in group):
            continue
        total += 1
        # Counted against the incident holding the original report, restricted to this gold incident.
        found = incidents.get(predicted[next(r.id for r in group if r.copy_of)])
        ok += found is not None and found.independent_sources == _expected_independent(group)
    return ok, total


def _conflicts(gold: Sequence[GoldReport], predicted: Mapping[str, str],
               incidents: Mapping[str, Incident]) -> tuple[int, int, int]:
    pairs = {tuple(sorted((r.id, other))) for r in gold for other in r.conflicts_with}
    flagged = 0
    for a, b in sorted(pairs):
        inc = incidents.get(predicted[a]) if predicted[a] == predicted[b] else None
        if inc is not None and any(f.contradiction and {a, b} <= {c.document for c in f.claims}
                                   for f in inc.figures):
            flagged += 1
    conflicted = {predicted[x] for pair in pairs for x in pair}
    false_flags = sum(1 for inc_id in set(predicted.values()) - conflicted
                      if (inc := incidents.get(inc_id)) is not None and any(f.contradiction for f in inc.figures))
    return flagged, len(pairs), false_flags


def read_predictions(store: Store) -> tuple[dict[str, str], dict[str, Incident]]:
    """Each document's predicted cluster and the incidents, from a processed store."""
    incidents = {inc.id: inc for inc in store.incidents()}
    rows = []
    for inc in incidents.values():
        for m in store.members(inc.id):
            rows.append((m.doc_sha256, m.index, m.doc_id, m, inc.id))
    rows.sort(key=lambda r: (r[0], r[1]))
    return report_clusters((doc_id, m, inc_id) for _, _, doc_id, m, inc_id in rows), incidents


def evaluate(gold_path: Path, db_path: Path, settings: Settings, extractor: MentionExtractor) -> GoldScore:
    """Ingest ``gold_path`` into a new store at ``db_path``, process it for real, and score the result."""
    from ..ingest import ingest
    from ..pipeline import process
    from ..store import open_store

    gold = load_gold(gold_path)
    if Path(db_path).exists():
        raise ConfigError(f"{db_path} already exists; evaluate into a new database path.")
    with open_store(db_path) as store:
        report = ingest(store, [Path(gold_path)], settings)
        if not report.ok:
            raise ConfigError(f"{gold_path}: {len(report.rejected)} reports were rejected "
                              f"({report.rejected[0]}); fix them first.")
        process(store, extractor)
        clusters, incidents = read_predictions(store)
    return score(gold, clusters, incidents)
