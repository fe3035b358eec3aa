"""Human-readable views of the record: table rows, incident pages, the demo summary."""

from __future__ import annotations

import textwrap
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings
from .model import FIGURE_KINDS, FigureEstimate, Incident

if TYPE_CHECKING:
    from .store import Store


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def incident_row(inc: Incident) -> str:
    when = inc.when.start.isoformat() if inc.when and inc.when.start else "?"
    where = inc.where.name if inc.where else "?"
    figs = "; ".join(_figure_brief(f) for f in sorted(inc.figures, key=_harm_first)[:3])
    flag = " CONTRADICTION" if any(f.contradiction for f in inc.figures) else ""
    return (f"{inc.id}  {when}  {inc.type:<22} {where[:24]:<24} src={len(inc.sources)}/"
            f"{inc.independent_sources} {inc.grade:<9} {figs}{flag}")


def _harm_first(f: FigureEstimate) -> int:
    """The row has room for three figures: FIGURE_KINDS lists the harm to people first, "facilities" last."""
    return FIGURE_KINDS.index(f.kind) if f.kind in FIGURE_KINDS else len(FIGURE_KINDS)


def _figure_brief(f: FigureEstimate) -> str:
    if f.low is None and f.high is None and f.claims and all(c.low == c.high == 0 for c in f.claims):
        return f"{f.kind} {f.group} denied"  # only denials: no estimate, but not nothing either
    rng = _fmt(f.best) if f.low == f.high else f"{_fmt(f.low)}-{_fmt(f.high)}"
    return f"{f.kind} {f.group} {rng}"


def describe_incident(store: Store, incident_id: str) -> str:
    """The incident page for the terminal: figures, claims side by side, evidence, why it was linked."""
    inc = store.incident(incident_id)
    lines = [
        f"Incident {inc.id}: {inc.type} ({inc.scope}), grade {inc.grade}, status {inc.status}",
        f"  where: {_where(inc)}",
        f"  when:  {inc.when.start} .. {inc.when.end} ({inc.when.precision})" if inc.when else "  when:  unknown",
        f"  perpetrators: {', '.join(inc.perpetrators) or '-'};  targets: {', '.join(inc.targets) or '-'}",
        f"  sources: {', '.join(inc.sources) or '-'} ({inc.independent_sources} independent)",
        f"  documents: {', '.join(inc.documents)}",
    ]
    for f in inc.figures:
        flag = "  <- CONTRADICTION" if f.contradiction else ""
        lines.append(f"\n  {f.kind} / {f.group}: low {_fmt(f.low)}, best {_fmt(f.best)}, high {_fmt(f.high)}, "
                     f"conservative {_fmt(f.conservative)}{flag}")
        for c in f.claims:
            value = _fmt(c.low) if c.low == c.high else f"{_fmt(c.low)}..{_fmt(c.high)}"
            who = c.claimed_by or c.source or "?"
            lines.append(f"    - {value:>12} {c.qualifier:<8} {c.certainty:<10} by {who} [{c.document}]")
            lines.append(textwrap.indent(textwrap.fill(f"\u201c{c.evidence.text}\u201d", 96), "        "))
    lines.append("\n  mentions:")
    links = {link.mention_id: link for link in store.links_of(inc.id)}
    for m in store.members(inc.id):
        link = links.get(m.id)
        why = (f"linked to {link.matched_mention} score {link.score:.2f} ("
               + ", ".join(f"{k}={v:.2f}" for k, v in link.features) + ")") if link else "founded the incident"
        lines.append(f"    {m.id} [{m.doc_id}] {m.status}/{m.certainty}: {why}")
        lines.append(f"        rule: {m.rule}")
        lines.append(textwrap.indent(textwrap.fill(f"\u201c{m.evidence.text}\u201d", 96), "        "))
    return "\n".join(lines)


def _where(inc: Incident) -> str:
    if not inc.where:
        return "unknown"
    w = inc.where
    return f"{w.name} ({w.lat}, {w.lon}), precision {w.precision}"


def demo_corpus() -> Path:
    """The folder of the bundled demo reports."""
    return Path(str(resources.files("harmwatch").joinpath("data/demo")))


def run_demo(settings: Settings) -> str:
    """Ingest and process the demo corpus into ``settings.db``; return the summary."""
    from .extract import Extractor
    from .geo import Gazetteer
    from .ingest import ingest
    from .pipeline import process
    from .store import open_store

    with open_store(settings.db) as store:
        ing = ingest(store, [demo_corpus()], settings, progress=True)
        extractor = Extractor(gazetteer=Gazetteer.open(settings.gazetteer_path))
        process(store, extractor, progress=True)
        return demo_summary(store, settings, ing.stored, ing.present)


def demo_summary(store: Store, settings: Settings, stored: int, present: int) -> str:
    counts = store.counts()
    incs = [i for i in store.incidents() if i.scope == "incident"]
    contradictions = [i for i in incs if any(f.contradiction for f in i.figures)]
    multi = sorted((i for i in incs if len(i.documents) > 1), key=lambda i: -len(i.documents))
    out = [
        f"harmwatch demo: {stored} documents stored ({present} already there) in {settings.db}",
        f"  {counts.get('mentions', 0)} mentions, {counts.get('claims', 0)} claims, "
        f"{counts.get('incidents', 0)} incidents ({len(incs)} single events, "
        f"{len(multi)} reported by more than one document, {len(contradictions)} with contradicting figures)",
        "",
        "Incidents reported by the most documents:",
        *(f"  {incident_row(i)}" for i in multi[:8]),
        "",
        "Contradicting figures:",
        *(f"  {incident_row(i)}" for i in contradictions[:5]),
        "",
        "Next:",
        f"  harmwatch incidents --db {settings.db}            list every incident",
        f"  harmwatch show --db {settings.db} INCIDENT_ID     claims and evidence side by side",
        f"  harmwatch export --db {settings.db} --format geojson --output incidents.geojson",
        f"  harmwatch serve --db {settings.db}               the dashboard at http://127.0.0.1:8765/",
    ]
    return "\n".join(out)
