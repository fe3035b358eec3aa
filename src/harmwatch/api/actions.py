"""Reviewer actions: confirm, edit a field, merge, split, discount, note.

Each action runs in one transaction: it stores the decision (``reviews``), changes the record
(re-applying every decision, or moving mentions and rebuilding the incidents involved), and writes an
audit row per incident touched with its state before and after. The HTTP API calls these; so can
scripts. ``linker`` rebuilds incidents after a merge or split (default: ``harmwatch.link``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, NotFound
from ..review import EDITABLE_FIELDS, Review, normalize_edit, split_incident_id
from ..store import Store
from ..store import review as review_store

if TYPE_CHECKING:
    from ..pipeline import LinkStage

MAX_TEXT = 5000  # characters of a note or a reason
MAX_MERGE = 50  # incidents merged by one action
MAX_SPLIT = 500  # mentions moved by one action


@dataclass(frozen=True)
class ActionResult:
    """The stored decision and the incidents it changed (the one to show first)."""

    review: Review
    incidents: tuple[str, ...]


def _text(what: str, text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise ConfigError(f"the {what} is empty; say in a few words why, so the history explains it.")
    if len(text) > MAX_TEXT:
        raise ConfigError(f"the {what} is {len(text)} characters; keep it under {MAX_TEXT}.")
    return text


def _who(who: str) -> str:
    who = " ".join(who.split())
    if not who:
        raise ConfigError("a review needs the reviewer's name; create tokens with --name WHO.")
    return who


def _decision(who: str, action: str, incident_id: str, **fields: Any) -> Review:
    # id and time are assigned when the store records it
    return Review(id=0, at=datetime.now(UTC), who=_who(who), action=action, incident_id=incident_id, **fields)


def _record_simple(store: Store, decision: Review) -> ActionResult:
    """Store a decision that changes fields only, re-apply every decision, audit before/after."""
    with store.transaction():
        before = store.incident(decision.incident_id)
        stored = review_store.record(store, decision)
        if decision.action == "note":  # a remark changes nothing but the history
            review_store.audit(store, stored, decision.incident_id, None, {"note": decision.note})
        else:
            store.put_incident(before, fresh=False)  # applies every decision, the new one included
            after = store.incident(decision.incident_id)
            review_store.audit(store, stored, decision.incident_id, before.to_dict(), after.to_dict())
    return ActionResult(stored, (decision.incident_id,))


def confirm(store: Store, who: str, incident_id: str, note: str = "") -> ActionResult:
    """Mark the incident as checked by a person (status ``reviewed``)."""
    return _record_simple(store, _decision(who, "confirm", incident_id, note=_text("note", note, required=False)))


def edit(store: Store, who: str, incident_id: str, field: str, value: Any, note: str = "") -> ActionResult:
    """Pin ``field`` of the incident to ``value``; re-processing keeps it."""
    if field not in EDITABLE_FIELDS:
        raise ConfigError(f"{field!r} cannot be edited; editable fields are {', '.join(EDITABLE_FIELDS)}.")
    decision = _decision(who, "edit", incident_id, field=field, value=normalize_edit(field, value),
                         note=_text("note", note, required=False))
    return _record_simple(store, decision)


def discount(store: Store, who: str, incident_id: str, reason: str) -> ActionResult:
    """Grade the incident ``discounted``: the reviewer found the reports unreliable."""
    return _record_simple(store, _decision(who, "discount", incident_id, note=_text("reason", reason, required=True)))


def note(store: Store, who: str, incident_id: str, text: str) -> ActionResult:
    """Add a remark to the incident's history; nothing else changes."""
    return _record_simple(store, _decision(who, "note", incident_id, note=_text("note", text, required=True)))


def _stage(linker: LinkStage | None) -> LinkStage:
    if linker is not None:
        return linker
    from .. import link  # imported on use: the link stage loads its source registry

    return link


def merge(store: Store, who: str, keep: str, others: Sequence[str], note: str = "",
          linker: LinkStage | None = None) -> ActionResult:
    """Fold ``others`` into ``keep``: their mentions move to it, and they are deleted.

    Later processing can no longer link a mention to a merged-away incident; its id answers with the
    incident it went into (``merged_into``).
    """
    from ..link.session import rebuild

    wanted = list(dict.fromkeys(o.strip() for o in others if o.strip()))
    if not wanted or keep in wanted or len(wanted) > MAX_MERGE:
        raise ConfigError(f"give 1 to {MAX_MERGE} other incident ids to merge into {keep}, not {keep} itself.")
    decision = _decision(who, "merge", keep, incidents=tuple(wanted), note=_text("note", note, required=False))
    with store.transaction():
        target = store.incident(keep)
        merged = [store.incident(o) for o in wanted]
        scopes = {i.id: i.scope for i in merged if i.scope != target.scope}
        if scopes:
            raise ConfigError(f"{', '.join(scopes)} have another scope than {keep} ({target.scope}); an event "
                              "and a tally over a period cannot be one incident.")
        stored = review_store.record(store, decision)
        moved = review_store.merge_into(store, keep, wanted)
        rebuild(store, _stage(linker), keep, {})
        after = store.incident(keep)
        review_store.audit(store, stored, keep, target.to_dict(), after.to_dict())
        for inc in merged:
            review_store.audit(store, stored, inc.id, inc.to_dict(), {"merged_into": keep, "mentions": moved})
    return ActionResult(stored, (keep, *wanted))


def split(store: Store, who: str, incident_id: str, mention_ids: Sequence[str], note: str = "",
          linker: LinkStage | None = None) -> ActionResult:
    """Move ``mention_ids`` out of the incident into a new one; they stay there when more is processed."""
    from ..link.session import rebuild

    wanted = list(dict.fromkeys(m.strip() for m in mention_ids if m.strip()))
    if not wanted or len(wanted) > MAX_SPLIT:
        raise ConfigError(f"give 1 to {MAX_SPLIT} mention ids of {incident_id} to move to a new incident.")
    with store.transaction():
        before = store.incident(incident_id)
        members = review_store.members_of(store, incident_id)
        strays = [m for m in wanted if m not in members]
        if strays:
            raise NotFound(f"mentions {', '.join(strays[:5])} are not in {incident_id}; pick mentions listed on "
                           "its page.")
        if len(wanted) == len(members):
            raise ConfigError(f"that would move every mention of {incident_id}; leave at least one, or edit it.")
        new_id = split_incident_id(incident_id, wanted)
        if review_store.incident_exists(store, new_id):
            raise ConfigError(f"these mentions were already split off into {new_id}; open that incident.")
        stored = review_store.record(store, _decision(who, "split", incident_id, incidents=(new_id,),
                                                      mentions=tuple(wanted), note=_text("note", note,
                                                                                         required=False)))
        review_store.split_off(store, incident_id, wanted, new_id)
        stage = _stage(linker)
        rebuild(store, stage, incident_id, {})
        rebuild(store, stage, new_id, {})
        review_store.audit(store, stored, incident_id, before.to_dict(), store.incident(incident_id).to_dict())
        review_store.audit(store, stored, new_id, None, store.incident(new_id).to_dict())
    return ActionResult(stored, (incident_id, new_id))
