"""Incident writers: each streams incidents to an open text file and returns how many it wrote."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from ..model import Incident
from ..store.records import headline

Writer = Callable[[Iterable[Incident], TextIO], int]

FIGURE_KINDS = ("killed", "injured")
FIGURE_FIELDS = ("low", "best", "high", "conservative")
CSV_COLUMNS: tuple[str, ...] = (
    "id", "type", "scope", "date_start", "date_end", "date_precision", "place", "lat", "lon",
    "place_precision", "perpetrators", "targets", "sources", "independent_sources", "grade", "status",
    *(f"{kind}_{field}" for kind in FIGURE_KINDS for field in FIGURE_FIELDS), "contradiction",
)
LIST_SEPARATOR = "; "


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_jsonl(incidents: Iterable[Incident], out: TextIO) -> int:
    """One ``Incident.to_dict()`` per line (``interfaces.md`` section 4)."""
    count = 0
    for inc in incidents:
        out.write(_json(inc.to_dict()) + "\n")
        count += 1
    return count


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def csv_row(inc: Incident) -> dict[str, str]:
    """The flat, readable CSV columns of one incident; lists are joined with '; '."""
    where, when = inc.where, inc.when
    row = {
        "id": inc.id, "type": inc.type, "scope": inc.scope,
        "date_start": when.start.isoformat() if when and when.start else "",
        "date_end": when.end.isoformat() if when and when.end else "",
        "date_precision": when.precision if when else "",
        "place": where.name if where else "", "lat": _number(where.lat if where else None),
        "lon": _number(where.lon if where else None), "place_precision": where.precision if where else "",
        "perpetrators": LIST_SEPARATOR.join(inc.perpetrators), "targets": LIST_SEPARATOR.join(inc.targets),
        "sources": LIST_SEPARATOR.join(inc.sources), "independent_sources": str(inc.independent_sources),
        "grade": inc.grade, "status": inc.status,
        "contradiction": "true" if any(f.contradiction for f in inc.figures) else "false",
    }
    for kind in FIGURE_KINDS:
        estimate = headline(inc, kind)
        for field in FIGURE_FIELDS:
            row[f"{kind}_{field}"] = _number(getattr(estimate, field) if estimate else None)
    return row


def write_csv(incidents: Iterable[Incident], out: TextIO) -> int:
    """One row per incident with ``CSV_COLUMNS``."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for inc in incidents:
        writer.writerow(csv_row(inc))
        count += 1
    return count


def write_geojson(incidents: Iterable[Incident], out: TextIO) -> int:
    """An RFC 7946 FeatureCollection of points; incidents without coordinates are left out."""
    out.write('{"type": "FeatureCollection", "features": [')
    count = 0
    for inc in incidents:
        if inc.where is None or inc.where.lat is None or inc.where.lon is None:
            continue
        feature = {
            "type": "Feature", "id": inc.id,
            "geometry": {"type": "Point", "coordinates": [inc.where.lon, inc.where.lat]},
            "properties": inc.to_dict(),
        }
        out.write(("," if count else "") + "\n" + _json(feature))
        count += 1
    out.write("\n]}\n")
    return count


WRITERS: dict[str, Writer] = {"jsonl": write_jsonl, "csv": write_csv, "geojson": write_geojson}
