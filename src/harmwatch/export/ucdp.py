"""UCDP-GED-like CSV: one row per incident of organised violence with at least one reported death.

Columns follow the UCDP Georeferenced Event Dataset; the README's "Exports" section documents each one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import TextIO

from ..model import Incident
from .codes import ONE_SIDED_TYPES, STATE_INTERS, UCDP_WHERE_PREC, VIOLENT_TYPES, deaths, ucdp_date_prec
from .context import DocumentInfo, ExportContext, incident_chunks

UCDP_COLUMNS: tuple[str, ...] = (
    "id", "type_of_violence", "side_a", "side_b", "where_prec", "where_coordinates", "adm_1", "adm_2",
    "latitude", "longitude", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "low", "high", "number_of_sources", "source_article",
    "source_headline",
)
STATE_BASED, NON_STATE, ONE_SIDED = 1, 2, 3


def ucdp_exportable(inc: Incident) -> bool:
    """UCDP GED holds single events of organised violence in which at least one person died."""
    return inc.scope == "incident" and inc.type in VIOLENT_TYPES and deaths(inc).high >= 1


def sides(inc: Incident, ctx: ExportContext) -> tuple[int, str, str]:
    """(type_of_violence, side_a, side_b).

    One-sided: a violence-against-civilians type, the perpetrator against "Civilians". State-based: a
    state actor (inter 1 or 8) is involved, and is side A. Non-state: two other named actors. With one
    non-state actor or none, the opponent is unknown and the event is counted state-based, as most
    organised violence in the data is; side A is then left empty.
    """
    named = list(inc.perpetrators)
    if inc.type in ONE_SIDED_TYPES:
        return ONE_SIDED, named[0] if named else "", "Civilians"
    state = next((a for a in named if ctx.inter(a) in STATE_INTERS), None)
    if state is not None:
        others = [a for a in named if a != state]
        return STATE_BASED, state, others[0] if others else ""
    if len(named) >= 2:
        return NON_STATE, named[0], named[1]
    return STATE_BASED, "", named[0] if named else ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _articles(inc: Incident, docs: Mapping[str, DocumentInfo]) -> tuple[str, str]:
    """UCDP's source_article ("source,date,headline" entries joined by ';') and source_headline."""
    articles, headlines = [], []
    for doc_id in inc.documents:
        source, published, title = docs.get(doc_id, ("", "", ""))
        headline = " ".join((title or doc_id).split())
        articles.append('"' + f"{source},{published},{headline}".replace('"', "'") + '"')
        headlines.append(headline)
    return ";".join(articles), ";".join(headlines)


def ucdp_row(inc: Incident, ctx: ExportContext, docs: Mapping[str, DocumentInfo]) -> dict[str, str]:
    """The UCDP-like columns of one incident (which ``ucdp_exportable`` must accept)."""
    kind, side_a, side_b = sides(inc, ctx)
    where, when, toll = inc.where, inc.when, deaths(inc)
    civilians = toll.best if kind == ONE_SIDED else min(toll.civilians, toll.best)
    article, headline = _articles(inc, docs)
    return {
        "id": inc.id, "type_of_violence": str(kind), "side_a": side_a, "side_b": side_b,
        "where_prec": str(UCDP_WHERE_PREC.get(where.precision, 6)) if where else "6",
        "where_coordinates": where.name if where else "", "adm_1": (where.admin1 or "") if where else "",
        "adm_2": where.name if where and where.feature == "ADM2" else "",
        "latitude": str(where.lat) if where and where.lat is not None else "",
        "longitude": str(where.lon) if where and where.lon is not None else "",
        "date_prec": str(ucdp_date_prec(when)),
        "date_start": when.start.isoformat() if when and when.start else "",
        "date_end": (when.end or when.start).isoformat() if when and when.start else "",
        "deaths_a": "0", "deaths_b": "0", "deaths_civilians": _number(civilians),
        "deaths_unknown": _number(toll.best - civilians), "best": _number(toll.best),
        "low": _number(toll.low),
        "high": _number(toll.high), "number_of_sources": str(len(inc.documents)), "source_article": article,
        "source_headline": headline,
    }


def write_ucdp(incidents: Iterable[Incident], out: TextIO, ctx: ExportContext) -> int:
    writer = csv.DictWriter(out, fieldnames=UCDP_COLUMNS)
    writer.writeheader()
    count = 0
    for chunk in incident_chunks(inc for inc in incidents if ucdp_exportable(inc)):
        docs = ctx.documents(doc for inc in chunk for doc in inc.documents)
        for inc in chunk:
            writer.writerow(ucdp_row(inc, ctx, docs))
            count += 1
    return count
