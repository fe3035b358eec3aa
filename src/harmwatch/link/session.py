"""Linking a batch of mentions into the store: blocking, assignment, and one rebuild per incident.

``process`` (``harmwatch.pipeline``) hands each batch's mentions to :func:`link_batch`. Each
mention is compared only with the incidents its blocking keys reach (``Store.candidates`` given
the mention), saved at once (so the next mention of the batch can join it), and every incident the
batch touched is rebuilt once at the end (a large one only once it has grown enough, see
``harmwatch.store.stale``; ``rebuild_stale`` catches up with those). A ``Store.mention_writer``
does the batch's reads and writes: index rows and members are read once per batch, claims and
links written together before the rebuilds. Linking decisions read members, not the incident
rows, so the result is the same as rebuilding after every mention, whatever the batch size (save
that an incident growing past 48 members mid-batch is compared through its first and latest ones
only from the next batch on).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from typing import TYPE_CHECKING

from ..errors import LinkError
from ..model import Document, Link, Mention

if TYPE_CHECKING:
    from ..pipeline import LinkStage
    from ..store import Store
    from ..store.saving import MentionWriter


def link_one(store: Store, stage: LinkStage, m: Mention, writer: MentionWriter | None = None) -> str:
    """Link ``m`` to the best candidate incident or found a new one; save it; return the incident id.

    With a ``writer`` (``Store.mention_writer``) the mention's claims and link wait for its ``flush``.
    """
    start, end = stage.blocking_window(m)
    found = store.candidates(start, end, m.scope, m) if writer is None else writer.candidates(m, start, end)
    link = stage.assign(m, found)
    if link is None:
        incident_id = stage.incident_id_for(m)
        if store.has_members(incident_id) if writer is None else writer.has_members(incident_id):
            raise LinkError(f"incident_id_for gave {incident_id} to new mention {m.id}, but that incident "
                            "already exists; new incident ids must be unique per mention.")
    else:
        incident_id = link.incident_id
    if writer is None:
        store.save_mention(m, incident_id, link)
    else:
        writer.save(m, incident_id, link, founded=link is None)
    return incident_id


_RECENT_DOCUMENTS: OrderedDict[str, Document] = OrderedDict()
RECENT_DOCUMENTS = 4096  # documents kept between batches: an incident is rebuilt with the same ones


def _documents(store: Store, sha256s: Iterable[str], batch: Mapping[str, Document]) -> dict[str, Document]:
    """The documents with these sha256s, from the batch, the recent ones, or the store (in that order).

    A document never changes under its sha256, so keeping it between batches is safe.
    """
    wanted = list(dict.fromkeys(sha256s))
    found = {sha: doc for sha in wanted if (doc := batch.get(sha) or _RECENT_DOCUMENTS.get(sha)) is not None}
    missing = [sha for sha in wanted if sha not in found]
    if missing:
        found.update(store.documents_with(missing))
    for sha in wanted:
        if sha not in found:
            raise LinkError(f"a member of an incident belongs to document {sha[:12]}, which is not in the "
                            "store; run `harmwatch verify` to find what is missing.")
        _RECENT_DOCUMENTS[sha] = found[sha]
        _RECENT_DOCUMENTS.move_to_end(sha)
    while len(_RECENT_DOCUMENTS) > RECENT_DOCUMENTS:
        _RECENT_DOCUMENTS.popitem(last=False)
    return {sha: found[sha] for sha in wanted}


def rebuild(store: Store, stage: LinkStage, incident_id: str, documents: MutableMapping[str, Document]) -> None:
    """Build ``incident_id`` again from all its members and store it; ``documents`` caches by sha256."""
    rebuild_all(store, stage, [incident_id], documents)


REBUILT_TOGETHER = 200  # incidents read, built and written together: a few queries for all of them


def rebuild_all(store: Store, stage: LinkStage, incident_ids: Sequence[str],
                documents: MutableMapping[str, Document],
                held: Mapping[str, tuple[Sequence[Mention], Sequence[Link]]] | None = None) -> None:
    """``rebuild`` each of ``incident_ids``, reading and writing REBUILT_TOGETHER at a time.

    ``held`` gives the members and links of some incidents (``MentionWriter.held``): those are not read.
    """
    held = held or {}
    for i in range(0, len(incident_ids), REBUILT_TOGETHER):
        chunk = incident_ids[i:i + REBUILT_TOGETHER]
        unread = [incident_id for incident_id in chunk if incident_id not in held]
        members, links = store.members_of(unread), store.links_of_all(unread)
        built = []
        for incident_id in chunk:
            found, why = held[incident_id] if incident_id in held else (members[incident_id], links[incident_id])
            docs = _documents(store, (m.doc_sha256 for m in found), documents)
            incident = stage.build_incident(incident_id, found, docs, why)
            if incident.id != incident_id:
                raise LinkError(f"build_incident was asked for {incident_id} but built {incident.id}; "
                                "it must keep the id it is given.")
            built.append(incident)
        store.put_incidents(built)


def link_batch(store: Store, stage: LinkStage, mentions: Iterable[Mention],
               documents: MutableMapping[str, Document]) -> set[str]:
    """Link ``mentions`` in order, then rebuild each touched incident once; returns their ids.

    Call it inside the batch's transaction: the mentions are saved before their incidents are built.
    ``mentions`` come in processing order (document ``seq``, then index), as ``process`` gives them:
    the incidents founded here are built from the writer's members in that order, without reading them.
    """
    touched: dict[str, None] = {}
    batch = list(mentions)
    writer = store.mention_writer(batch)  # documents checked, earlier saves found: one query each
    for m in batch:
        touched[link_one(store, stage, m, writer)] = None
    writer.flush()  # claims and links are read from here on (rebuild)
    rebuild_all(store, stage, store.due_rebuilds(list(touched)), documents, writer.held())
    return set(touched)


def rebuild_stale(store: Store, stage: LinkStage, documents: MutableMapping[str, Document]) -> list[str]:
    """Rebuild every incident whose row is behind its members (``store.stale``); returns their ids.

    REBUILT_TOGETHER incidents a transaction: a run killed here leaves the rest listed for the next one.
    """
    ids = store.stale_incidents()
    for i in range(0, len(ids), REBUILT_TOGETHER):
        with store.transaction():
            still = set(store.stale_incidents())  # another run or a reviewer may have rebuilt some meanwhile
            rebuild_all(store, stage, [x for x in ids[i:i + REBUILT_TOGETHER] if x in still], documents)
    return ids
