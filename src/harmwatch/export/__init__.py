"""Export incidents from a store to files, and hold them against ACLED/UCDP reference layers.

Formats: ``jsonl``, ``csv``, ``geojson``, ``acled`` (ACLED-like CSV), ``ucdp`` (UCDP-GED-like CSV) and
``parquet``. Every export streams the store's cursor, so memory stays flat however many incidents match.
Reference layers: :func:`import_reference`, :func:`reference_events`, :func:`compare`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import partial
from pathlib import Path

from ..errors import ConfigError
from ..model import Incident
from ..store import Store
from .acled import ACLED_COLUMNS, acled_row, write_acled
from .context import ExportContext, store_context
from .coverage import Comparison, compare
from .files import write_atomically
from .formats import CSV_COLUMNS, WRITERS, csv_row
from .parquet import parquet_schema, write_parquet
from .reference import import_reference, reference_events, reference_geojson
from .ucdp import UCDP_COLUMNS, ucdp_row, write_ucdp

__all__ = [
    "ACLED_COLUMNS", "CSV_COLUMNS", "FORMATS", "UCDP_COLUMNS", "Comparison", "ExportContext", "acled_row",
    "compare", "csv_row", "export", "import_reference", "parquet_schema", "reference_events",
    "reference_geojson", "ucdp_row", "write_atomically",
]

FORMATS: tuple[str, ...] = (*WRITERS, "acled", "ucdp", "parquet")
BBox = tuple[float, float, float, float]


def _writer(fmt: str, store: Store, clock: Callable[[], datetime] | None) -> tuple[Callable[..., int], bool]:
    """(write(incidents, out) -> count, whether the file is binary) for ``fmt``."""
    if fmt in WRITERS:
        return WRITERS[fmt], False
    if fmt == "parquet":
        return write_parquet, True
    if fmt in ("acled", "ucdp"):
        write = write_acled if fmt == "acled" else write_ucdp
        return partial(write, ctx=store_context(store, clock)), False
    raise ConfigError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}.")


def export(store: Store, fmt: str, output: Path, *, type: str | None = None, since: date | None = None,
           until: date | None = None, bbox: BBox | None = None, place: str | None = None,
           clock: Callable[[], datetime] | None = None) -> int:
    """Write the incidents matching the filters to ``output`` in ``fmt``; returns how many were written.

    ``acled`` and ``ucdp`` keep only what those datasets record (see the README); ``clock`` gives the
    ACLED ``timestamp``. The file appears only when complete: it is written beside ``output`` and renamed.
    """
    write, binary = _writer(fmt, store, clock)
    incidents: Iterable[Incident] = store.incidents(type=type, since=since, until=until, place=place,
                                                    bbox=bbox)
    return write_atomically(Path(output), lambda out: write(incidents, out), binary=binary)
