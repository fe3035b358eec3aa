"""``harmwatch gazetteer import|list``: a user's own places, beside the packaged gazetteer."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import _friendly
from ..config import from_env


@click.group()
def gazetteer() -> None:
    """The gazetteer: import your own places (a GeoNames dump or a CSV) and list what you imported."""


@gazetteer.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_friendly
def import_(file: Path) -> None:
    """Import FILE: a GeoNames dump (SY.txt, allCountries.txt) or a CSV name,lat,lon,kind,parent,aliases.

    Your entries win over packaged places in their area, survive rebuilds of the packaged index,
    and importing the same file again changes nothing.
    """
    from .user import import_places

    index = from_env().gazetteer_path
    result = import_places(file, index)
    if result.unchanged:
        click.echo(f"{file}: already imported ({result.places} places); nothing changed", err=True)
    else:
        click.echo(f"{file}: {result.places} places imported ({result.format}) into {index.parent}", err=True)


@gazetteer.command("list")
@_friendly
def list_() -> None:
    """The files in your user gazetteer."""
    from .user import user_files

    for path, fmt, places, imported in user_files(from_env().gazetteer_path):
        click.echo(f"{imported}\t{fmt}\t{places}\t{path}")


GAZETTEER_GROUP: click.Group = gazetteer
