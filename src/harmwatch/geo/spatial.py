"""Distances and containment between gazetteer places."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..model import Place

_EARTH_KM = 12742.0  # diameter
_NEAR_KM = 150.0
_DISTRICT_KM = 75.0  # a place this close to a district's centre is taken to lie in it
_REGION_KM = 300.0
_TOWN_KM = 30.0  # a neighbourhood or facility this close to a town's centre is part of it
# Features finer than a town: a user's neighbourhoods and facilities (and GeoNames' sections).
FINE_FEATURES = frozenset({"PPLX", "HSP", "CMPRF", "PSTB", "BLDG", "FAC"})
TOWN_FEATURES = frozenset({"PPL", "PPLC"})  # PPLC: a national capital
LOCAL_FEATURES = TOWN_FEATURES | {"ADM2"} | FINE_FEATURES
_BIG = frozenset({"PCLI", "CONT", "RGN", "ADM1"})


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return _EARTH_KM * math.asin(math.sqrt(min(1.0, h)))


def _apart(a: Place, b: Place) -> float:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return math.inf
    return km(a.lat, a.lon, b.lat, b.lon)


def inside(place: Place, container: Place) -> bool:
    """Whether ``place`` lies in ``container``, as far as the gazetteer's hierarchy and points tell."""
    if place is container or place.country is None or place.country != container.country:
        return False
    kind = container.feature
    if kind == "PCLI":
        return place.feature != "PCLI"
    if kind == "ADM1":
        return place.feature not in _BIG and place.admin1 == container.admin1
    if kind == "ADM2":
        return (place.feature not in _BIG and place.feature != "ADM2"
                and (place.admin1 == container.admin1 or not place.admin1 or not container.admin1)
                and _apart(place, container) <= _DISTRICT_KM)
    if kind == "RGN":
        return place.feature not in ("PCLI", "CONT", "RGN") and _apart(place, container) <= _REGION_KM
    if kind in TOWN_FEATURES:
        return place.feature in FINE_FEATURES and _apart(place, container) <= _TOWN_KM
    return False


def near_share(lat: float, lon: float, points: Sequence[tuple[str, float, float]]) -> float:
    """Share of ``points`` (key, lat, lon) within 150 km of (lat, lon)."""
    if not points:
        return 0.0
    dlat = _NEAR_KM / 111.0
    close = 0
    for _, plat, plon in points:
        if abs(plat - lat) > dlat:
            continue  # cheap reject before the trigonometry
        close += km(lat, lon, plat, plon) <= _NEAR_KM
    return close / len(points)
