"""ACLED-like CSV: one row per incident-scope incident whose type has an ACLED event type.

Columns follow ACLED's 2023 export; the README's "Exports" section documents each one.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from typing import TextIO

from ..model import Incident
from .codes import (
    ACLED_GEO_PRECISION,
    ACLED_TYPES,
    PROTESTS,
    RIOTS,
    STRATEGIC,
    acled_time_precision,
    civilian_targeting,
    country,
    deaths,
    disorder_type,
    event_date,
)
from .context import ExportContext

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "inter1", "actor2", "inter2", "interaction", "civilian_targeting", "iso", "region", "country",
    "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)
CIVILIANS, PROTESTERS, RIOTERS, UNIDENTIFIED = 7, 6, 5, 3
SEPARATOR = "; "
NOTES_MAX = 600


def acled_exportable(inc: Incident) -> bool:
    """ACLED records single events of a known ACLED type: aggregates and other codes are left out."""
    return inc.scope == "incident" and inc.type in ACLED_TYPES


def _named(base: str, country_name: str) -> str:
    return f"{base} ({country_name})" if country_name else base


def actors(inc: Incident, ctx: ExportContext, country_name: str) -> tuple[str, int, str, int]:
    """(actor1, inter1, actor2, inter2) in ACLED's conventions.

    Protests and riots put the crowd first; violence with no named perpetrator is an unidentified armed
    group's; civilians become actor 2 when they were targeted and no second party is named.
    """
    event = ACLED_TYPES[inc.type][0]
    named = [(name, ctx.inter(name)) for name in inc.perpetrators]
    if event == PROTESTS:
        named = [(_named("Protesters", country_name), PROTESTERS), *[a for a in named if a[1] != PROTESTERS]]
    elif event == RIOTS:
        named = [(_named("Rioters", country_name), RIOTERS), *[a for a in named if a[1] != RIOTERS]]
    elif not named and event != STRATEGIC:
        named = [(_named("Unidentified Armed Group", country_name), UNIDENTIFIED)]
    if len(named) < 2 and civilian_targeting(inc):
        named.append((_named("Civilians", country_name), CIVILIANS))
    (actor1, inter1), (actor2, inter2) = (named + [("", 0), ("", 0)])[:2]
    return actor1, inter1, actor2, inter2


def interaction(inter1: int, inter2: int) -> int:
    """ACLED's interaction code: both inter codes, lower first (17); one actor alone is its code times 10."""
    codes = sorted(c for c in (inter1, inter2) if c)
    if not codes:
        return 0
    return codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def notes(inc: Incident, killed: int) -> str:
    """A short description: what, where, when, who, the toll, and the sentence of the first figure."""
    when = inc.when
    if when is None or when.start is None:
        period = "On an unknown date"
    elif acled_time_precision(when) == 1:
        period = f"On {when.start.isoformat()}"
    else:
        period = f"Between {when.start.isoformat()} and {(when.end or when.start).isoformat()}"
    where = inc.where.name if inc.where else "an unknown place"
    text = f"{period}, {inc.type.replace('_', ' ')} in {where}"
    if inc.perpetrators:
        text += f" by {', '.join(inc.perpetrators)}"
    if killed:
        text += f"; {killed} killed (lowest reported figure)"
    evidence = next((c.evidence.text for f in inc.figures for c in f.claims if c.evidence.text), "")
    text += "." + (f' Reported: "{" ".join(evidence.split())}"' if evidence else "")
    return text if len(text) <= NOTES_MAX else text[:NOTES_MAX - 1] + "\u2026"


def tags(inc: Incident) -> str:
    found = [f"harmwatch grade={inc.grade}", f"independent sources={inc.independent_sources}",
             f"status={inc.status}"]
    if any(f.contradiction for f in inc.figures):
        found.append("contradicting figures")
    return SEPARATOR.join(found)


def acled_row(inc: Incident, ctx: ExportContext) -> dict[str, str]:
    """The ACLED-like columns of one incident (which ``acled_exportable`` must accept)."""
    event, sub_event = ACLED_TYPES[inc.type]
    where, day = inc.where, event_date(inc.when)
    land = country(where.country if where else None)
    actor1, inter1, actor2, inter2 = actors(inc, ctx, land.name if land else "")
    # ACLED counts whole people: a range's midpoint rounds down
    fatalities = math.floor(deaths(inc).conservative)
    return {
        "event_id_cnty": inc.id, "event_date": day.isoformat() if day else "",
        "year": str(day.year) if day else "", "time_precision": str(acled_time_precision(inc.when)),
        "disorder_type": disorder_type(event, sub_event), "event_type": event, "sub_event_type": sub_event,
        "actor1": actor1, "inter1": str(inter1), "actor2": actor2, "inter2": str(inter2),
        "interaction": str(interaction(inter1, inter2)),
        "civilian_targeting": "Civilian targeting" if civilian_targeting(inc) else "",
        "iso": str(land.iso_numeric) if land else "", "region": land.region if land else "",
        "country": land.name if land else "", "admin1": (where.admin1 or "") if where else "",
        "admin2": where.name if where and where.feature == "ADM2" else "", "admin3": "",
        "location": where.name if where else "", "latitude": _number(where.lat if where else None),
        "longitude": _number(where.lon if where else None),
        "geo_precision": str(ACLED_GEO_PRECISION.get(where.precision, 3)) if where else "",
        "source": SEPARATOR.join(inc.sources), "source_scale": ctx.source_scale(inc.sources),
        "notes": notes(inc, fatalities), "fatalities": _number(fatalities), "tags": tags(inc),
        "timestamp": str(ctx.timestamp),
    }


def write_acled(incidents: Iterable[Incident], out: TextIO, ctx: ExportContext) -> int:
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    count = 0
    for inc in incidents:
        if acled_exportable(inc):
            writer.writerow(acled_row(inc, ctx))
            count += 1
    return count
