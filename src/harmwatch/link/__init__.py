"""The link stage: Mentions -> Incidents.

The date window and blocking keys of a mention (:func:`blocking_window`, :mod:`.blocks`), pairwise
features and scoring (:mod:`.features`, :mod:`.names`, :func:`score_pair`), assignment to the best
candidate incident (:func:`assign`), claim fusion (:func:`claims_of`, :func:`fuse`), and the incident
record with its sources and grade (:func:`build_incident`). These are pure; :mod:`.session` runs
them over a batch against the store (``process`` calls it), and :mod:`.evaluate` scores linking
against a gold clustering.
"""

from __future__ import annotations

from .claims import claims_of, contradicts, fuse, interval, point_value
from .incident import build_incident, grade_of, majority_type
from .registry import SourceEntry, SourceRegistry, load_registry
from .score import LINK_THRESHOLD, assign, blocking_window, incident_id_for, score_pair
from .sources import independent_sources, near_duplicate, shingles, story_groups

__all__ = [
    "LINK_THRESHOLD", "SourceEntry", "SourceRegistry", "assign", "blocking_window", "build_incident",
    "claims_of", "contradicts", "fuse", "grade_of", "incident_id_for", "independent_sources", "interval",
    "load_registry", "majority_type", "near_duplicate", "point_value", "score_pair", "shingles",
    "story_groups",
]
