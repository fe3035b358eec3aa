"""Small lookups that exports need besides the incidents themselves."""

from __future__ import annotations

from collections.abc import Iterable

from .db import chunks
from .store import Store


def actor_codes(store: Store) -> dict[str, int]:
    """The ACLED ``inter`` code of every actor the store has seen, by normalized name."""
    return {r["name"]: int(r["inter"]) for r in store._db.all("SELECT name, inter FROM actors")}


def document_sources(store: Store, doc_ids: Iterable[str]) -> dict[str, tuple[str, str, str]]:
    """(source, published, title) of the documents with these ids; empty strings where unknown.

    Ids are not unique across ingests; the first document ingested with an id stands for it.
    """
    wanted = list(dict.fromkeys(doc_ids))
    found: dict[str, tuple[str, str, str]] = {}
    for chunk in chunks(wanted):
        marks = ", ".join("?" * len(chunk))
        rows = store._db.all(
            f"SELECT doc_id, source, published, title FROM documents WHERE doc_id IN ({marks}) ORDER BY seq",
            chunk,
        )
        for r in rows:
            found.setdefault(r["doc_id"], (r["source"] or "", r["published"] or "", r["title"] or ""))
    return found
