"""The geocoding stage: an offline gazetteer and a place resolver.

``Gazetteer`` compiles packaged GeoNames data into a SQLite index on first use;
``resolve`` picks a place for every name of one document together;
``event_location`` picks, of the places a sentence names, the one where its event happened;
``geoparse`` is the library side of the ``harmwatch geoparse`` command;
``import_places`` adds a user's GeoNames dump (``SY.txt``) or places CSV. The
spaCy component ``harmwatch_places`` lives in ``harmwatch.geo.component`` (it
imports spaCy, so it is loaded only when used).
"""

from __future__ import annotations

from .event import event_location
from .geoparse import geoparse
from .index import GAZETTEER_VERSION, Gazetteer, Match
from .normalize import normalize_name
from .resolve import resolve
from .user import ImportResult, import_geonames, import_places

__all__ = ["GAZETTEER_VERSION", "Gazetteer", "ImportResult", "Match", "event_location", "geoparse",
           "import_geonames", "import_places", "normalize_name", "resolve"]
