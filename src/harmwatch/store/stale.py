"""Incidents whose row lags behind their members (``stale_incidents``, schema step 5).

A batch rebuilds every incident it touches, from all its members. For a long-running incident
(a siege reported daily for months) that costs time in proportion to its size at every batch, so an
archive run slows down as it goes. Past ``LAZY_FROM`` members an incident is rebuilt only once it
has grown by ``GROWTH`` since its last build; meanwhile its ``n_mentions`` is kept current (linking
reads it) and it is listed here. ``process`` rebuilds what is listed before it returns, and a run
killed in between leaves the list for the next run: the members are always right, and the list says
which incident rows are behind them.
"""

from __future__ import annotations

from collections.abc import Sequence

from .db import Database, chunks, marks

LAZY_FROM = 48  # stored members from which a touched incident may wait for its rebuild
GROWTH = 1.25  # ... until its members have grown by this factor since it was last built


def due_now(db: Database, incident_ids: Sequence[str]) -> list[str]:
    """Of ``incident_ids`` (touched by the open batch), those to rebuild now, in the order given.

    The others are listed as stale, with their member count brought up to date.
    """
    lazy_from, growth = LAZY_FROM, GROWTH  # read at each call: tests lower them
    wait: dict[str, tuple[int, int]] = {}  # id -> (members now, members at the last build)
    for chunk in chunks(list(incident_ids)):
        rows = db.all(
            f"SELECT i.id, i.n_mentions, s.built, (SELECT COUNT(*) FROM mentions m WHERE m.incident_id = i.id) AS n "
            f"FROM incidents i LEFT JOIN stale_incidents s ON s.id = i.id WHERE i.id IN ({marks(len(chunk))}) "
            f"AND i.n_mentions > ?", [*chunk, lazy_from])
        for r in rows:
            built = int(r["built"] if r["built"] is not None else r["n_mentions"])
            if int(r["n"]) < built * growth:
                wait[r["id"]] = (int(r["n"]), built)
    for incident_id, (now, built) in wait.items():
        db.execute("UPDATE incidents SET n_mentions = ? WHERE id = ?", (now, incident_id))
        db.execute("INSERT INTO stale_incidents (id, built) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
                   (incident_id, built))
    return [i for i in incident_ids if i not in wait]


def built(db: Database, incident_ids: Sequence[str]) -> None:
    """These incidents were just rebuilt: they are no longer stale."""
    for chunk in chunks(list(incident_ids)):
        db.execute(f"DELETE FROM stale_incidents WHERE id IN ({marks(len(chunk))})", list(chunk))


def listed(db: Database) -> list[str]:
    """The stale incidents, by id (a merged-away incident leaves the list with its row: ``review._drop``)."""
    return [r["id"] for r in db.all("SELECT id FROM stale_incidents ORDER BY id")]
