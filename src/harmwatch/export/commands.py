"""``harmwatch reference import|list`` and ``harmwatch compare``: thin shells over the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import _friendly, _settings, db_option


@click.group()
def reference() -> None:
    """Reference layers: ACLED or UCDP events kept beside harmwatch's own incidents."""


@reference.command("import")
@db_option
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--kind", required=True, type=click.Choice(["acled", "ucdp"]), help="What the CSV file is.")
@click.option("--name", default=None, help="Layer name [default: the file name without extension].")
@_friendly
def import_(db: str | None, file: Path, kind: str, name: str | None) -> None:
    """Load an ACLED or UCDP GED CSV FILE as a reference layer (idempotent)."""
    from ..store import open_store
    from .reference import import_reference

    with open_store(_settings(db).db) as store:
        report = import_reference(store, file, kind, name)
    layer = report.layer
    what = "imported" if report.changed else "already imported, unchanged"
    skipped = f", {layer.skipped} unreadable rows skipped" if layer.skipped else ""
    click.echo(f"reference layer {layer.name} ({layer.kind}): {layer.events} events {what}{skipped}",
               err=True)


@reference.command("list")
@db_option
@_friendly
def list_(db: str | None) -> None:
    """The reference layers in the database."""
    from ..store import open_store
    from ..store.reference import list_layers

    with open_store(_settings(db).db) as store:
        for layer in list_layers(store):
            click.echo(f"{layer.name}\t{layer.kind}\t{layer.events} events\t{layer.origin}\t"
                       f"{layer.imported_at.isoformat()}")


@click.command()
@db_option
@click.option("--reference", "name", required=True, help="The reference layer to compare with.")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Write every match and non-match to this CSV file.")
@click.option("--days", type=int, default=1, show_default=True, help="Date window around each event.")
@click.option("--km", type=float, default=25.0, show_default=True,
              help="Distance allowed between places (more for districts and regions).")
@_friendly
def compare(db: str | None, name: str, output: Path | None, days: int, km: float) -> None:
    """Match a reference layer's events to incidents: recall, extras, figure agreement."""
    from ..store import open_store
    from .coverage import compare as run_compare

    with open_store(_settings(db).db) as store:
        result = run_compare(store, name, window_days=days, max_km=km, output=output,
                             progress=sys.stderr.isatty())
    click.echo(result.summary())
    if output is not None:
        click.echo(f"matches and non-matches written to {output}", err=True)


# Typed names for cli.py: mypy cannot infer the decorated objects across the cli <-> commands import cycle.
REFERENCE_GROUP: click.Group = reference
COMPARE_COMMAND: click.Command = compare
