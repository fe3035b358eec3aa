"""Reviewers' decisions, and how they are applied to an incident.

A decision is data (a ``Review``): who did what to which incident, and with what value. The store keeps
them (``reviews`` table) and applies them every time an incident is written, so re-processing, which
rebuilds incidents from their mentions, never undoes a reviewer's work. Everything here is pure.

| action | what it does to the incident |
|---|---|
| ``confirm`` | marks it ``reviewed``: a person checked it |
| ``edit`` | pins one field (``EDITABLE_FIELDS``) to the reviewer's value |
| ``merge`` | the incidents in ``incidents`` were folded into this one (their mentions moved here) |
| ``split`` | the ``mentions`` moved out to the new incident ``incidents[0]`` |
| ``discount`` | grade ``discounted``: the reviewer judged the reports unreliable |
| ``note`` | a remark in the history; changes nothing else |

Merges and splits change which mentions belong where; the store does that once, and the moved mentions
stay moved. Here they only mark the incidents involved as reviewed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from .errors import ConfigError
from .model import (
    DATE_PRECISIONS,
    EVENT_TYPES,
    FIGURE_KINDS,
    GRADES,
    PLACE_PRECISIONS,
    TARGETS,
    FigureEstimate,
    Incident,
    Place,
    When,
)

ACTIONS: tuple[str, ...] = ("confirm", "edit", "merge", "split", "discount", "note")
EDITABLE_FIELDS: tuple[str, ...] = ("type", "grade", "where", "when", "perpetrators", "targets", "figure")
# Actions that are a person's judgement of the incident; a note alone is not.
JUDGEMENTS = frozenset({"confirm", "edit", "merge", "split", "discount"})
MAX_NAMES = 50  # perpetrators or targets one edit may set
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class Review:
    """One reviewer decision. ``value`` is the normalized JSON value of an edit (see ``normalize_edit``)."""

    id: int
    at: datetime
    who: str
    action: str
    incident_id: str
    field: str | None = None
    value: Any = None
    note: str = ""
    incidents: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()

    def payload(self) -> dict[str, Any]:
        """What the ``reviews`` table keeps besides who, when, action and incident."""
        return {"field": self.field, "value": self.value, "note": self.note, "incidents": list(self.incidents),
                "mentions": list(self.mentions)}

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "who": self.who, "action": self.action,
                "incident_id": self.incident_id, **self.payload()}

    def concerns(self, incident_id: str) -> bool:
        """True when this decision is about ``incident_id`` (the incident acted on, or one a split made)."""
        if self.incident_id == incident_id:
            return True
        return self.action == "split" and incident_id in self.incidents


def split_incident_id(incident_id: str, mention_ids: Iterable[str]) -> str:
    """The deterministic id of the incident that a split of ``incident_id`` moves ``mention_ids`` to."""
    key = "split:" + incident_id + ":" + ",".join(sorted(set(mention_ids)))
    return "inc-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


# --- validating edits ---


def _bad(field: str, what: str) -> ConfigError:
    return ConfigError(f"cannot edit {field}: {what}")


def _choice(field: str, value: Any, allowed: Sequence[str], also: str = "") -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _bad(field, f"{value!r} is not one of {', '.join(allowed)}{also}; send one of those codes.")
    return value


def _names(field: str, value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_NAMES:
        raise _bad(field, f"send a list of at most {MAX_NAMES} names, e.g. [\"Syrian government\"].")
    names = [" ".join(str(v).split()) for v in value if isinstance(v, str)]
    if len(names) != len(value) or any(not n or len(n) > MAX_NAME_CHARS for n in names):
        raise _bad(field, f"every entry must be a non-empty text of at most {MAX_NAME_CHARS} characters.")
    return list(dict.fromkeys(names))


def _number(field: str, d: dict[str, Any], key: str, low: float, high: float) -> float | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _bad(field, f"{key} must be a number between {low:g} and {high:g}, got {value!r}.")
    return float(value)


def _where(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str) or not value["name"].strip():
        raise _bad("where", 'send {"name": ..., "lat": ..., "lon": ..., "precision": ...} with a name.')
    lat, lon = _number("where", value, "lat", -90, 90), _number("where", value, "lon", -180, 180)
    if (lat is None) != (lon is None):
        raise _bad("where", "give both lat and lon, or neither.")
    precision = _choice("where", value.get("precision", "city"), PLACE_PRECISIONS)
    return {"name": " ".join(value["name"].split())[:MAX_NAME_CHARS], "lat": lat, "lon": lon,
            "precision": precision}


def _day(field: str, value: Any) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _bad(field, f"{value!r} is not a date; write it as YYYY-MM-DD.") from None


def _when(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad("when", 'send {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "precision": "day"}.')
    start, end = _day("when", value.get("start")), _day("when", value.get("end"))
    start, end = start or end, end or start
    if start and end and end < start:
        raise _bad("when", f"end {end} is before start {start}; swap them.")
    precision = _choice("when", value.get("precision", "day"), DATE_PRECISIONS)
    return {"start": start.isoformat() if start else None, "end": end.isoformat() if end else None,
            "precision": precision}


def _figure(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad("figure", 'send {"kind": "killed", "group": "civilians", "low": 3, "best": 4, "high": 5}.')
    kind = _choice("figure", value.get("kind"), FIGURE_KINDS)
    group = value.get("group")
    if not isinstance(group, str) or not group.strip() or len(group) > MAX_NAME_CHARS:
        raise _bad("figure", "group must be a non-empty text such as civilians, children or people.")
    low, best, high = (_number("figure", value, k, 0, 1e9) for k in ("low", "best", "high"))
    known = [x for x in (low, best, high) if x is not None]
    if not known:
        raise _bad("figure", "give at least one of low, best and high.")
    low, high = (low if low is not None else min(known)), (high if high is not None else max(known))
    best = best if best is not None else (low + high) / 2
    if not low <= best <= high:
        raise _bad("figure", f"need low <= best <= high, got {low:g}, {best:g}, {high:g}.")
    return {"kind": kind, "group": group.strip(), "low": low, "best": best, "high": high}


def normalize_edit(field: str, value: Any) -> Any:
    """The checked JSON value an edit of ``field`` stores; raises ConfigError saying what to send."""
    if field == "type":
        return _choice(field, value, EVENT_TYPES)
    if field == "grade":
        allowed = tuple(g for g in GRADES if g != "discounted")
        return _choice(field, value, allowed, " (to discount an incident, use the discount action)")
    if field == "where":
        return _where(value)
    if field == "when":
        return _when(value)
    if field == "perpetrators":
        return _names(field, value)
    if field == "targets":
        return [_choice(field, t, TARGETS) for t in _names(field, value)]
    if field == "figure":
        return _figure(value)
    raise ConfigError(f"{field!r} cannot be edited; editable fields are {', '.join(EDITABLE_FIELDS)}.")


# --- applying decisions ---


def _edited(inc: Incident, field: str, value: Any) -> Incident:
    """``inc`` with one reviewed field set; ``value`` is what ``normalize_edit`` returned."""
    if field == "where":
        place = Place(value["name"], value["lat"], value["lon"], value["precision"], reason="set by a reviewer")
        return replace(inc, where=place)
    if field == "when":
        start, end = _day(field, value["start"]), _day(field, value["end"])
        return replace(inc, when=When(start, end, value["precision"], rule="set by a reviewer"))
    if field == "perpetrators":
        return replace(inc, perpetrators=tuple(value))
    if field == "targets":
        return replace(inc, targets=tuple(value))
    if field == "figure":
        return replace(inc, figures=_with_figure(inc.figures, value))
    if field == "type":
        return replace(inc, type=str(value))
    return replace(inc, grade=str(value))


def _with_figure(figures: tuple[FigureEstimate, ...], value: dict[str, Any]) -> tuple[FigureEstimate, ...]:
    """The estimates with (kind, group) set to the reviewer's numbers; its claims are kept as evidence."""
    key = (value["kind"], value["group"])
    old = next((f for f in figures if (f.kind, f.group) == key), None)
    new = FigureEstimate(value["kind"], value["group"], value["low"], value["best"], value["high"],
                         conservative=value["low"], contradiction=old.contradiction if old else False,
                         claims=old.claims if old else ())
    if old is None:
        return (*figures, new)
    return tuple(new if f is old else f for f in figures)


def apply(incident: Incident, reviews: Iterable[Review]) -> Incident:
    """``incident`` with every decision about it applied, oldest first; the input is not changed.

    Pinned fields take the latest reviewer value, a discount holds until a later grade edit, and any
    judgement makes the status ``reviewed``. With no decisions the incident comes back as it was.
    """
    mine = sorted((r for r in reviews if r.concerns(incident.id)), key=lambda r: (r.at, r.id))
    result = incident
    for r in mine:
        if r.action == "edit" and r.field is not None:
            result = _edited(result, r.field, r.value)
        elif r.action == "discount":
            result = replace(result, grade="discounted")
    if any(r.action in JUDGEMENTS for r in mine):
        result = replace(result, status="reviewed")
    return result


def reviewed_fields(incident_id: str, reviews: Iterable[Review]) -> list[str]:
    """The fields reviewers pinned on ``incident_id`` (``grade`` when discounted), in first-pinned order."""
    fields: dict[str, None] = {}
    for r in sorted(reviews, key=lambda r: (r.at, r.id)):
        if r.incident_id != incident_id:
            continue
        if r.action == "edit" and r.field:
            fields[r.field if r.field != "figure" else f"figure:{r.value['kind']}/{r.value['group']}"] = None
        elif r.action == "discount":
            fields["grade"] = None
    return list(fields)
