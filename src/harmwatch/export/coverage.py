"""Holding harmwatch's incidents against a reference layer: recall, extras, and figure agreement.

Each reference event with a date and a place is matched to the closest compatible incident: an
incident-scope incident whose type the event allows, whose dates come within ``window_days`` of the
event's and span at most ``MAX_SPAN_DAYS``, and whose place lies within ``max_km`` (widened for coarse
places, see ``PRECISION_KM``).
Several reference events may match one incident (UCDP splits one clash by dyad; harmwatch merges
reports of one event), so figures are compared per incident against the sum of its events' figures.
A stricter one-to-one recall is reported beside it: events in date order each take their best
incident not yet taken, so a vague incident cannot stand for many events.
"""

from __future__ import annotations

import csv
import math
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from ..errors import ConfigError
from ..model import Incident, When
from ..store import Store
from ..store.reference import ReferenceEvent, ReferenceLayer, events, extent, get_layer, record_matches
from .codes import deaths, span_days
from .files import write_atomically

# Extra distance allowed when either side's place is coarse: a district or region centre stands for it.
PRECISION_KM = {"exact": 0.0, "neighbourhood": 0.0, "city": 0.0, "district": 10.0, "region": 35.0}
COMPARABLE_PRECISIONS = frozenset(PRECISION_KM)
# An incident dated only to a month or more (or merged over weeks) is too vague to stand for a dated event.
MAX_SPAN_DAYS = 14
EARTH_KM = 6371.0088
MATCH_COLUMNS: tuple[str, ...] = (
    "status", "reference_id", "incident_id", "one_to_one_incident", "km", "days_apart", "ref_type",
    "inc_type", "ref_date_start", "ref_date_end", "inc_date_start", "inc_date_end", "ref_place", "inc_place",
    "ref_lat", "ref_lon", "inc_lat", "inc_lon", "ref_low", "ref_best", "ref_high", "inc_low", "inc_best",
    "inc_high", "ref_headline",
)


@dataclass(frozen=True)
class FigureAgreement:
    """Matched incidents where both sides give a death toll, and how well the tolls agree.

    The reference's figure is its best (UCDP) or its one fatality count (ACLED), summed over the events
    matched to the incident; harmwatch's is the incident's best (UCDP) or conservative (ACLED) killed total.
    """

    pairs: int = 0
    exact: int = 0
    overlapping: int = 0  # the reference's [low, high] and harmwatch's [low, high] overlap
    within_factor_2: int = 0
    median_abs_diff: float | None = None


@dataclass(frozen=True)
class Comparison:
    layer: str
    reference_events: int
    comparable: int  # events with a date and a place finer than a country
    matched: int  # comparable events that found an incident
    matched_one_to_one: int  # comparable events that found an incident no earlier event had taken
    incidents_in_scope: int  # incidents of the layer's period, area and kinds of event
    incidents_matched: int
    figures: FigureAgreement = field(default_factory=FigureAgreement)

    @property
    def recall(self) -> float | None:
        return self.matched / self.comparable if self.comparable else None

    @property
    def recall_one_to_one(self) -> float | None:
        return self.matched_one_to_one / self.comparable if self.comparable else None

    @property
    def incidents_not_in_reference(self) -> int:
        return self.incidents_in_scope - self.incidents_matched

    def summary(self) -> str:
        recall = f"{self.recall:.1%}" if self.recall is not None else "n/a"
        strict = f"{self.recall_one_to_one:.1%}" if self.recall_one_to_one is not None else "n/a"
        f = self.figures
        share = (lambda n: f"{n / f.pairs:.1%}") if f.pairs else (lambda n: "n/a")
        return "\n".join([
            f"reference layer {self.layer}: {self.reference_events} events, "
            f"{self.comparable} with a date and place",
            f"recall of the reference: {self.matched}/{self.comparable} = {recall}"
            f" (one to one: {self.matched_one_to_one}/{self.comparable} = {strict})",
            f"harmwatch incidents in scope: {self.incidents_in_scope}, matched {self.incidents_matched}, "
            f"not in the reference {self.incidents_not_in_reference}",
            f"figure agreement over {f.pairs} matched incidents with tolls on both sides: "
            f"exact {share(f.exact)}, "
            f"ranges overlap {share(f.overlapping)}, within a factor of 2 {share(f.within_factor_2)}, "
            f"median absolute difference {f.median_abs_diff if f.median_abs_diff is not None else 'n/a'}",
        ])


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def days_apart(a: When, b: When) -> int | None:
    """0 when the two date ranges overlap, else the days between them; None if either has no date."""
    if a.start is None or b.start is None:
        return None
    a_end, b_end = a.end or a.start, b.end or b.start
    if a.start <= b_end and b.start <= a_end:
        return 0
    return (b.start - a_end).days if a_end < b.start else (a.start - b_end).days


def _box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    dlat = km / 111.0
    dlon = km / (111.0 * max(0.05, math.cos(math.radians(lat))))
    return (max(-180.0, lon - dlon), max(-90.0, lat - dlat), min(180.0, lon + dlon), min(90.0, lat + dlat))


def comparable(event: ReferenceEvent) -> bool:
    return (event.when is not None and event.when.start is not None and event.where is not None
            and event.where.lat is not None and event.where.lon is not None
            and event.where.precision in COMPARABLE_PRECISIONS)


@dataclass(frozen=True)
class Candidate:
    incident: Incident
    km: float
    days: int
    score: float


@dataclass(frozen=True)
class Matcher:
    store: Store
    window_days: int
    max_km: float

    def ranked(self, event: ReferenceEvent) -> list[Candidate]:
        """The compatible incidents near a comparable event, closest first."""
        assert event.when is not None and event.when.start is not None and event.where is not None
        lat, lon = event.where.lat, event.where.lon
        assert lat is not None and lon is not None
        window = timedelta(days=self.window_days)
        reach = self.max_km + max(PRECISION_KM.values())
        found: list[Candidate] = []
        for inc in self.store.incidents(since=event.when.start - window,
                                        until=(event.when.end or event.when.start) + window,
                                        bbox=_box(lat, lon, reach)):
            cand = self._candidate(event, inc, lat, lon)
            if cand is not None:
                found.append(cand)
        return sorted(found, key=lambda c: (c.score, c.incident.id))

    def _candidate(self, event: ReferenceEvent, inc: Incident, lat: float, lon: float) -> Candidate | None:
        where, when = inc.where, inc.when
        if (inc.scope != "incident" or inc.type not in event.hw_types or where is None or when is None
                or where.lat is None or where.lon is None or where.precision not in COMPARABLE_PRECISIONS
                or (span_days(when) or MAX_SPAN_DAYS + 1) > MAX_SPAN_DAYS):
            return None
        assert event.when is not None and event.where is not None
        days = days_apart(event.when, when)
        limit = self.max_km + max(PRECISION_KM[where.precision], PRECISION_KM[event.where.precision])
        km = haversine_km(lat, lon, where.lat, where.lon)
        if days is None or days > self.window_days or km > limit:
            return None
        return Candidate(inc, km, days, km / limit + days / (self.window_days + 1))


def _n(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}"


def _row(status: str, event: ReferenceEvent | None, inc: Incident | None, cand: Candidate | None,
         conservative: bool) -> dict[str, str]:
    row = dict.fromkeys(MATCH_COLUMNS, "")
    row["status"] = status
    if event is not None:
        ew, ee = event.where, event.when
        row.update({"reference_id": event.id, "ref_type": event.event_type, "ref_headline": event.headline,
                    "ref_date_start": ee.start.isoformat() if ee and ee.start else "",
                    "ref_date_end": ee.end.isoformat() if ee and ee.end else "",
                    "ref_place": ew.name if ew else "", "ref_lat": _n(ew.lat if ew else None),
                    "ref_lon": _n(ew.lon if ew else None), "ref_low": _n(event.low),
                    "ref_best": _n(event.best), "ref_high": _n(event.high)})
    if inc is not None:
        iw, ie, toll = inc.where, inc.when, deaths(inc)
        row.update({"incident_id": inc.id, "inc_type": inc.type,
                    "inc_date_start": ie.start.isoformat() if ie and ie.start else "",
                    "inc_date_end": ie.end.isoformat() if ie and ie.end else "",
                    "inc_place": iw.name if iw else "", "inc_lat": _n(iw.lat if iw else None),
                    "inc_lon": _n(iw.lon if iw else None)})
        if toll.known:
            row.update({"inc_low": _n(toll.low), "inc_best": _n(toll.low if conservative else toll.best),
                        "inc_high": _n(toll.high)})
    if cand is not None:
        row.update({"km": f"{cand.km:.2f}", "days_apart": str(cand.days)})
    return row


@dataclass
class _Sums:
    """One matched incident and the summed figures of the reference events matched to it."""

    incident: Incident
    low: float = 0.0
    best: float = 0.0
    high: float = 0.0
    has_figure: bool = False

    def add(self, event: ReferenceEvent) -> None:
        best = event.best or 0.0
        self.low += event.low if event.low is not None else best
        self.best += best
        self.high += event.high if event.high is not None else best
        self.has_figure = self.has_figure or event.best is not None


@dataclass
class _Tally:
    """Running counts while the reference events stream past."""

    events: int = 0
    comparable: int = 0
    matched: int = 0
    one_to_one: int = 0
    incidents: dict[str, _Sums] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # incidents taken by a one-to-one match
    links: list[tuple[str, str | None, float | None]] = field(default_factory=list)

    def add(self, event: ReferenceEvent, ranked: list[Candidate]) -> Candidate | None:
        """Count the event's best match; returns its one-to-one match (None when every candidate is taken)."""
        best = ranked[0]
        self.matched += 1
        self.links.append((event.id, best.incident.id, round(best.km, 3)))
        self.incidents.setdefault(best.incident.id, _Sums(best.incident)).add(event)
        free = next((c for c in ranked if c.incident.id not in self.taken), None)
        if free is not None:
            self.one_to_one += 1
            self.taken.add(free.incident.id)
        return free


def figure_agreement(tally: _Tally, conservative: bool) -> FigureAgreement:
    pairs = exact = overlapping = factor2 = 0
    diffs: list[float] = []
    for sums in tally.incidents.values():
        toll, ref_low, ref_best, ref_high = deaths(sums.incident), sums.low, sums.best, sums.high
        if not (sums.has_figure and toll.known):
            continue
        ours = toll.low if conservative else toll.best
        pairs += 1
        exact += ours == ref_best
        overlapping += toll.low <= ref_high and ref_low <= toll.high
        low, high = sorted((ours, ref_best))
        factor2 += high == 0 or (low > 0 and high <= 2 * low)
        diffs.append(abs(ours - ref_best))
    median = float(statistics.median(diffs)) if diffs else None
    return FigureAgreement(pairs, exact, overlapping, factor2, median)


def in_scope(inc: Incident, kinds: frozenset[str], layer: ReferenceLayer) -> bool:
    """Would the reference have recorded this incident? Its kind of event, and for UCDP a death."""
    if inc.scope != "incident" or inc.type not in kinds or inc.where is None or inc.where.lat is None:
        return False
    return layer.kind != "ucdp" or deaths(inc).high >= 1


def compare(store: Store, name: str, *, window_days: int = 1, max_km: float = 25.0,
            output: Path | None = None, progress: bool = False) -> Comparison:
    """Match layer ``name``'s events to incidents; write every match and non-match to ``output`` (CSV).

    Each event's best match is also saved in the layer, for the map. See the module doc for the rules.
    """
    if window_days < 0 or max_km <= 0:
        raise ConfigError(f"window of {window_days} days and radius of {max_km} km: the window must be 0 or "
                          "more days and the radius positive; e.g. --days 1 --km 25.")
    layer = get_layer(store, name)
    tally = _Tally()
    matcher = Matcher(store, window_days, max_km)
    conservative = layer.kind == "acled"
    kinds: set[str] = set()

    def rows() -> Iterator[dict[str, str]]:
        from tqdm import tqdm  # imported on use: keeps `import harmwatch.export` light

        with tqdm(total=layer.events, unit="event", desc="compare", file=sys.stderr,
                  disable=not progress) as bar:
            for event in events(store, name):
                tally.events += 1
                kinds.update(event.hw_types)
                bar.update(1)
                if not comparable(event):
                    yield _row("unplaced", event, None, None, conservative)
                    continue
                tally.comparable += 1
                ranked = matcher.ranked(event)
                if not ranked:
                    yield _row("missed", event, None, None, conservative)
                    continue
                free = tally.add(event, ranked)
                row = _row("match", event, ranked[0].incident, ranked[0], conservative)
                yield {**row, "one_to_one_incident": free.incident.id if free else ""}
        for inc in _extras(store, name, frozenset(kinds), layer, tally):
            yield _row("not_in_reference", None, inc, None, conservative)

    extras_seen = _drain(rows(), output)
    record_matches(store, name, tally.links)
    return Comparison(name, tally.events, tally.comparable, tally.matched, tally.one_to_one,
                      len(tally.incidents) + extras_seen, len(tally.incidents),
                      figure_agreement(tally, conservative))


def _extras(store: Store, name: str, kinds: frozenset[str], layer: ReferenceLayer,
            tally: _Tally) -> Iterator[Incident]:
    """In-scope incidents of the layer's period and area that no reference event matched."""
    first, last, box = extent(store, name)
    if first is None or box is None:
        return
    for inc in store.incidents(since=first, until=last, bbox=box):
        if inc.id not in tally.incidents and in_scope(inc, kinds, layer):
            yield inc


def _drain(rows: Iterable[dict[str, str]], output: Path | None) -> int:
    """Consume ``rows``, writing them to ``output`` when given; returns how many were not_in_reference."""
    statuses: Counter[str] = Counter()

    def consume(sink: Callable[[dict[str, str]], object]) -> int:
        for row in rows:
            statuses[row["status"]] += 1
            sink(row)
        return sum(statuses.values())

    def write(out: IO[Any]) -> int:
        writer = csv.DictWriter(out, fieldnames=MATCH_COLUMNS)
        writer.writeheader()
        return consume(writer.writerow)

    if output is None:
        consume(lambda row: None)
    else:
        write_atomically(Path(output), write)
    return statuses["not_in_reference"]


__all__ = ["Comparison", "FigureAgreement", "MATCH_COLUMNS", "compare", "haversine_km"]
