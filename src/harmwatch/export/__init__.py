"""Export incidents from a store to files: ``jsonl``, ``csv`` and ``geojson``."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

from ..errors import ConfigError
from ..store import Store
from .formats import CSV_COLUMNS, WRITERS, csv_row

__all__ = ["CSV_COLUMNS", "FORMATS", "csv_row", "export"]

FORMATS: tuple[str, ...] = tuple(WRITERS)


def export(store: Store, fmt: str, output: Path, *, type: str | None = None, since: date | None = None,
           until: date | None = None, bbox: tuple[float, float, float, float] | None = None,
           place: str | None = None) -> int:
    """Write the incidents matching the filters to ``output`` in ``fmt``; returns how many were written.

    The file appears only when complete: it is written next to ``output`` and renamed over it.
    """
    writer = WRITERS.get(fmt)
    if writer is None:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}.")
    incidents = store.incidents(type=type, since=since, until=until, place=place, bbox=bbox)
    return write_atomically(Path(output), lambda out: writer(incidents, out))


def write_atomically(output: Path, write: Callable[[TextIO], int]) -> int:
    """Run ``write`` on a temporary file beside ``output``, then rename it into place."""
    folder = output.parent
    if not folder.is_dir():
        raise ConfigError(f"cannot write {output}: folder {folder} does not exist; create it or choose "
                          "another --output path.")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    try:
        # newline="" keeps what writers emit: csv writes its own CRLF line ends.
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            count = write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; an export is meant to be shared
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
