"""Parquet: one row per incident, with the full figures and claims as nested columns.

The schema is ``PARQUET_SCHEMA`` (documented in the README); rows are written in row groups of
``ROW_GROUP`` incidents, so memory stays flat however many incidents there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from ..model import FigureEstimate, Incident
from .context import batched

if TYPE_CHECKING:
    import pyarrow as pa

ROW_GROUP = 10_000
SUMMARY_KINDS = ("killed", "injured")
SUMMARY_FIELDS = ("low", "best", "high", "conservative")


def parquet_schema() -> pa.Schema:
    """The Parquet schema; pyarrow is imported only when a Parquet file is written or read."""
    import pyarrow as pa

    text, number, strings = pa.string(), pa.float64(), pa.list_(pa.string())
    claim = pa.struct([
        ("low", pa.int64()), ("high", pa.int64()), ("qualifier", text), ("certainty", text),
        ("claimed_by", text), ("source", text), ("document", text), ("evidence_start", pa.int64()),
        ("evidence_end", pa.int64()), ("evidence_text", text),
    ])
    figure = pa.struct([
        ("kind", text), ("group", text), ("low", number), ("best", number), ("high", number),
        ("conservative", number), ("contradiction", pa.bool_()), ("claims", pa.list_(claim)),
    ])
    return pa.schema([
        ("id", text), ("type", text), ("scope", text), ("date_start", pa.date32()), ("date_end", pa.date32()),
        ("date_precision", text), ("place", text), ("lat", number), ("lon", number),
        ("place_precision", text),
        ("country", text), ("admin1", text), ("perpetrators", strings), ("targets", strings),
        ("documents", strings), ("sources", strings), ("independent_sources", pa.int32()), ("grade", text),
        ("status", text), ("mentions", strings),
        *((f"{kind}_{field}", number) for kind in SUMMARY_KINDS for field in SUMMARY_FIELDS),
        ("contradiction", pa.bool_()), ("figures", pa.list_(figure)),
    ])


def _figure(f: FigureEstimate) -> dict[str, Any]:
    claims = [{
        "low": c.low, "high": c.high, "qualifier": c.qualifier, "certainty": c.certainty,
        "claimed_by": c.claimed_by, "source": c.source, "document": c.document,
        "evidence_start": c.evidence.start, "evidence_end": c.evidence.end, "evidence_text": c.evidence.text,
    } for c in f.claims]
    return {"kind": f.kind, "group": f.group, "low": f.low, "best": f.best, "high": f.high,
            "conservative": f.conservative, "contradiction": f.contradiction, "claims": claims}


def parquet_row(inc: Incident) -> dict[str, Any]:
    from ..store.records import headline

    where, when = inc.where, inc.when
    row: dict[str, Any] = {
        "id": inc.id, "type": inc.type, "scope": inc.scope, "date_start": when.start if when else None,
        "date_end": when.end if when else None, "date_precision": when.precision if when else None,
        "place": where.name if where else None, "lat": where.lat if where else None,
        "lon": where.lon if where else None, "place_precision": where.precision if where else None,
        "country": where.country if where else None, "admin1": where.admin1 if where else None,
        "perpetrators": list(inc.perpetrators), "targets": list(inc.targets),
        "documents": list(inc.documents),
        "sources": list(inc.sources), "independent_sources": inc.independent_sources, "grade": inc.grade,
        "status": inc.status, "mentions": list(inc.mentions),
        "contradiction": any(f.contradiction for f in inc.figures),
        "figures": [_figure(f) for f in inc.figures],
    }
    for kind in SUMMARY_KINDS:
        estimate = headline(inc, kind)
        for field in SUMMARY_FIELDS:
            row[f"{kind}_{field}"] = getattr(estimate, field) if estimate else None
    return row


def write_parquet(incidents: Iterable[Incident], out: IO[bytes]) -> int:
    """Stream ``incidents`` into a Parquet file, ``ROW_GROUP`` at a time; returns how many were written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for chunk in batched(incidents, ROW_GROUP):
            writer.write_table(pa.Table.from_pylist([parquet_row(inc) for inc in chunk], schema=schema))
            count += len(chunk)
    return count
