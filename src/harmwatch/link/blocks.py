"""Blocking keys: which stored incidents a new mention is compared with.

A linked mention is filed under a few (key, time bucket) rows; a new mention looks up the rows
that could hold a match, so the candidates stay few however large the database grows. The keys
mirror the gates of :func:`harmwatch.link.score.score_pair`: blocking skips only pairs that could
not link anyway (``tests/test_blocking.py`` checks this on random pairs).

- ``g:<i>:<j>``, a grid cell of ``CELL_DEG`` degrees: a town or finer place is filed in its cell (a
  district in every cell within 50 km); a mention looks in every cell within 30 km (a district:
  80 km). Each cell row records the place kind, so two confident towns of one precision, which
  never link, do not even meet.
- ``t:<CC>:<province>`` and ``r:<CC>:<province>``: a town and its province meet.
- ``c:<CC>``: region and country places of one country meet. A town and a whole country do not:
  only a clause naming the other's place links them.
- ``n:<skeleton>``: a mention's own place name and the names in its clause, for a resolver that
  chose the wrong name of the clause, and for mentions with no usable place.
- ``*``: a member with no usable place and no name; every mention looks it up.

Time buckets are ``BUCKET_DAYS`` days; a member spanning more than ``SHORT_SPAN_DAYS`` ("this
month") is filed in ``WIDE_BUCKET_DAYS`` buckets instead, one spanning more than ``LONG_SPAN_DAYS``
in one "long" bucket with its dates, and one without an event date in the "undated" bucket; a
search reads the buckets of its window of each kind. Each row also carries a bit mask of the
member's type groups, so a mention reads only rows of types it may link with.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from ..model import EVENT_TYPES, Mention, Place
from .features import (
    CLAIMABLE,
    FAMILIES,
    FINE,
    MIN_NAME,
    TOLERANCE_KM,
    date_range,
    is_confident,
    place_class,
    place_rank,
)
from .names import names_in, skeleton

BUCKET_DAYS = 2
WIDE_BUCKET_DAYS = 32  # the buckets of members spanning more than SHORT_SPAN_DAYS ("this month")
SHORT_SPAN_DAYS = 8
LONG_SPAN_DAYS = 400  # beyond this a member sits in the one long bucket, with its dates
LONG = -1
UNDATED = -2  # the bucket of members with no event date, read by every search
_WIDE = -3  # wide buckets are numbered -3, -4, ... so that they never meet the short ones
CELL_DEG = 0.25
WILDCARD = "*"
_KM_PER_DEG = 111.32


class Block(NamedTuple):  # a tuple, not a dataclass: linking files a dozen of these per mention
    """One row of the blocking index for a linked mention."""

    key: str
    bucket: int
    mask: int  # the member's type groups and, for a grid cell, its place kind
    date_lo: date | None = None
    date_hi: date | None = None


_FAMILY_BIT = len(EVENT_TYPES)
_ANY_BIT = _FAMILY_BIT + len(FAMILIES)
ALL_TYPES = (1 << (_ANY_BIT + 1)) - 1
# Place kinds of grid-cell rows: a confident place of each fine precision, or a doubtful one.
_PLACE_BIT = _ANY_BIT + 1
_DOUBTFUL_BIT = _PLACE_BIT + len(FINE)
ALL_PLACES = ((1 << (_DOUBTFUL_BIT + 1)) - 1) ^ ALL_TYPES


def place_kind(place: Place) -> int:
    """The place bit of a grid-cell row: two confident towns of one precision never link (a gate)."""
    if not is_confident(place) or place.precision not in FINE:
        return 1 << _DOUBTFUL_BIT
    return 1 << (_PLACE_BIT + FINE.index(place.precision))


def wanted_places(m: Mention) -> int:
    """The place kinds of grid-cell rows a mention can link with: a confident fine place skips its own."""
    place = m.where
    if place is None or place_class(place) != "fine" or not is_confident(place):
        return ALL_PLACES
    return ALL_PLACES ^ place_kind(place)


def _type_bit(event_type: str) -> int:
    return 1 << EVENT_TYPES.index(event_type) if event_type in EVENT_TYPES else 0


@lru_cache(maxsize=256)
def filed_mask(event_type: str) -> int:
    """The type groups a member is filed under: its type and its families ("other": any)."""
    if event_type == "other":
        return _type_bit(event_type) | 1 << _ANY_BIT
    if event_type == "responsibility_claim":
        families = [i for i, f in enumerate(FAMILIES) if f & CLAIMABLE]
    else:
        families = [i for i, f in enumerate(FAMILIES) if event_type in f]
    return _type_bit(event_type) | sum(1 << (_FAMILY_BIT + i) for i in families) or 1 << _ANY_BIT


@lru_cache(maxsize=256)
def wanted_mask(event_type: str) -> int:
    """The type groups a mention of ``event_type`` can link with (the type gate of ``score_pair``)."""
    if event_type == "other" or event_type not in EVENT_TYPES:
        return ALL_TYPES
    return filed_mask(event_type) | 1 << _ANY_BIT


def bucket_of(day: date) -> int:
    return day.toordinal() // BUCKET_DAYS


def _wide_of(day: date) -> int:
    return _WIDE - day.toordinal() // WIDE_BUCKET_DAYS


def buckets(start: date, end: date) -> range:
    """The short buckets of the days from ``start`` to ``end``."""
    return range(bucket_of(start), bucket_of(end) + 1)


def wide_buckets(start: date, end: date) -> range:
    """The wide buckets of the days from ``start`` to ``end``."""
    return range(_wide_of(end), _wide_of(start) + 1)


def search_buckets(start: date, end: date) -> list[int]:
    """Every bucket a search over [start, end] reads: short, wide, long and undated."""
    return [*buckets(start, end), *wide_buckets(start, end), LONG, UNDATED]


def reach_km(precision: str) -> float:
    """How far a mention looks for incidents: twice the tolerance of its precision, at least a city's."""
    coarser = precision if place_rank(precision) > place_rank("city") else "city"
    return 2 * TOLERANCE_KM[coarser]


def _spread_km(precision: str) -> float:
    """How far a member is filed beyond its own cell, so that reach + spread covers the gate."""
    return max(0.0, reach_km(precision) - reach_km("city"))


@lru_cache(maxsize=65536)  # reports keep naming the same towns
def cells_within(lat: float, lon: float, km: float) -> tuple[str, ...]:
    """Grid cells that overlap the circle of radius ``km`` around (lat, lon)."""
    dlat = km / _KM_PER_DEG
    i_lo, i_hi = math.floor((lat - dlat) / CELL_DEG), math.floor((lat + dlat) / CELL_DEG)
    cos = max(math.cos(math.radians(min(89.0, abs(lat) + dlat))), 0.01)
    dlon = min(180.0, km / (_KM_PER_DEG * cos))
    j_lo, j_hi = math.floor((lon - dlon) / CELL_DEG), math.floor((lon + dlon) / CELL_DEG)
    columns = round(360 / CELL_DEG)
    return tuple(sorted({f"g:{i}:{j % columns}" for i in range(i_lo, i_hi + 1) for j in range(j_lo, j_hi + 1)}))


def _time_blocks(m: Mention, keys: dict[str, int]) -> Iterator[Block]:
    # Without an event date a member stays a candidate for any window, as an undated incident always was.
    span = date_range(m) if m.when is not None and (m.when.start or m.when.end) else None
    mask = filed_mask(m.type)
    if span is None:
        yield from (Block(k, UNDATED, mask | keys[k]) for k in sorted(keys))
    elif (span[1] - span[0]).days > LONG_SPAN_DAYS:
        yield from (Block(k, LONG, mask | keys[k], span[0], span[1]) for k in sorted(keys))
    elif (span[1] - span[0]).days > SHORT_SPAN_DAYS:
        yield from (Block(k, b, mask | keys[k]) for k in sorted(keys) for b in wide_buckets(*span))
    else:
        yield from (Block(k, b, mask | keys[k]) for k in sorted(keys) for b in buckets(*span))


def _names(m: Mention) -> dict[str, int]:
    """The mention's own place name and the names in its clause, as keys that match any place kind."""
    return dict.fromkeys(_name_keys(m.evidence.text, m.where.name if m.where is not None else None), ALL_PLACES)


@lru_cache(maxsize=16384)  # a mention is filed and looked up by the same names
def _name_keys(text: str, place_name: str | None) -> frozenset[str]:
    keys = {f"n:{k}" for k in names_in(text)}
    own = skeleton(place_name) if place_name is not None else ""
    if len(own) >= MIN_NAME:
        keys.add(f"n:{own}")
    return frozenset(keys)


def _province(place: Place) -> str | None:
    return f"{place.country.upper()}:{place.admin1}" if place.country and place.admin1 else None


def filed_keys(m: Mention) -> dict[str, int]:
    """The keys a linked mention is filed under, each with its place bits (every kind but for cells)."""
    place, kind = m.where, place_class(m.where)
    keys = _names(m)
    if kind == "nowhere" or place is None:
        return keys or {WILDCARD: ALL_PLACES}
    province = _province(place)
    if kind == "fine":
        assert place.lat is not None and place.lon is not None
        keys.update(dict.fromkeys(cells_within(place.lat, place.lon, _spread_km(place.precision)),
                                  place_kind(place)))
        if province:
            keys[f"t:{province}"] = ALL_PLACES
        return keys
    assert place.country is not None
    keys[f"c:{place.country.upper()}"] = ALL_PLACES
    if kind == "region" and province:
        keys[f"r:{province}"] = ALL_PLACES
    return keys


def wanted_keys(m: Mention) -> set[str]:
    """The keys a new mention looks up: its cells, province or country, and names; and ``*``."""
    place, kind = m.where, place_class(m.where)
    keys = {WILDCARD, *_names(m)}
    if kind == "nowhere" or place is None:
        return keys
    province = _province(place)
    if kind == "fine":
        assert place.lat is not None and place.lon is not None
        keys.update(cells_within(place.lat, place.lon, reach_km(place.precision)))
        if province:
            keys.add(f"r:{province}")
        return keys
    assert place.country is not None
    keys.add(f"c:{place.country.upper()}")
    if kind == "region" and province:
        keys.add(f"t:{province}")
    return keys


def blocks_of(m: Mention) -> list[Block]:
    """The index rows of a linked mention; none for a mention that is not asserted (it never links)."""
    if m.status != "asserted":
        return []
    return list(_time_blocks(m, filed_keys(m)))
