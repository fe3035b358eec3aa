"""The ``harmwatch`` command: parse options, call the library, print.

Every ``HarmwatchError`` becomes a one-line message on stderr and exit code 1.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from . import config
from .errors import ConfigError, HarmwatchError

F = TypeVar("F", bound=Callable[..., Any])


def _friendly(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except HarmwatchError as exc:
            click.echo(f"harmwatch: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _settings(db: str | None) -> config.Settings:
    return config.from_env().with_db(db)


actors_option = click.option("--actors", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
                             help="Extra actor dictionary CSV (name,inter,aliases); repeatable.")
db_option = click.option("--db", default=None, metavar="PATH_OR_URL",
                         help="SQLite file or postgresql:// URL [default: $HARMWATCH_DB or ./harmwatch.db]")


@click.group()
@click.version_option(package_name="harmwatch")
def main() -> None:
    """harmwatch: from conflict reports to a verified record of incidents and civilian harm."""


@main.command()
@db_option
@click.option("--max-bytes", type=int, default=None, help="Largest input file accepted [default: 50 MiB].")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_friendly
def ingest(db: str | None, max_bytes: int | None, paths: tuple[Path, ...]) -> None:
    """Store files and folders (.txt .html .json .jsonl .csv .xml feeds) as documents."""
    from .ingest import ingest as run_ingest
    from .store import open_store

    settings = _settings(db)
    if max_bytes is not None:
        settings = config.Settings(settings.db, settings.home, max_bytes)
    with open_store(settings.db) as store:
        report = run_ingest(store, list(paths), settings, progress=sys.stderr.isatty())
    for err in report.rejected:
        click.echo(f"rejected: {err}", err=True)
    click.echo(f"{report.stored} stored, {report.present} already present, {len(report.rejected)} rejected",
               err=True)
    sys.exit(0 if report.ok else 2)


@main.command()
@db_option
@click.option("--batch-size", type=int, default=config.PROCESS_BATCH, show_default=True,
              help="Documents extracted and linked in one transaction.")
@actors_option
@click.option("--workers", type=int, default=None, help="Extract on a local Dask cluster of N processes.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT", help="Extract on an existing Dask cluster.")
@_friendly
def process(db: str | None, batch_size: int, actors: tuple[Path, ...], workers: int | None,
            scheduler: str | None) -> None:
    """Extract, geocode and link every document not yet processed (resumable)."""
    from .pipeline import process as run_process
    from .store import open_store

    settings = _settings(db).with_actors(actors)
    with open_store(settings.db) as store:
        if workers is not None or scheduler is not None:  # issue 9: workers extract, this process links
            from .scale.commands import dask_process

            report = dask_process(store, settings, workers, scheduler, batch_size)
        else:
            report = run_process(store, _extractor(settings), batch_size=batch_size, progress=sys.stderr.isatty())
    click.echo(f"{report.documents} documents processed, {report.mentions} mentions, "
               f"{report.incidents_touched} incidents updated", err=True)


def _extractor(settings: config.Settings) -> Any:
    from .extract import Extractor
    from .geo import Gazetteer

    return Extractor(gazetteer=Gazetteer.open(settings.gazetteer_path), actor_files=settings.actor_files)



def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{value!r} is not a date; write it as YYYY-MM-DD.") from None


filters = [
    click.option("--type", "type_", default=None, help="Only this event type code."),
    click.option("--since", default=None, help="Only incidents ending on or after YYYY-MM-DD."),
    click.option("--until", default=None, help="Only incidents starting on or before YYYY-MM-DD."),
]


def with_filters(fn: F) -> F:
    for opt in reversed(filters):
        fn = opt(fn)
    return fn


@main.command()
@db_option
@with_filters
@click.option("--place", default=None, help="Only incidents whose place name contains this.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("--limit", type=int, default=None)
@_friendly
def incidents(db: str | None, type_: str | None, since: str | None, until: str | None, place: str | None,
              fmt: str, limit: int | None) -> None:
    """List linked incidents (a table, or JSON Lines as in interfaces.md section 4)."""
    from .report import incident_row
    from .store import open_store

    with open_store(_settings(db).db) as store:
        found = store.incidents(type=type_, since=_parse_date(since), until=_parse_date(until), place=place,
                                limit=limit)
        for inc in found:
            if fmt == "jsonl":
                click.echo(json.dumps(inc.to_dict(), ensure_ascii=False))
            else:
                click.echo(incident_row(inc))


@main.command()
@db_option
@click.argument("incident_id")
@_friendly
def show(db: str | None, incident_id: str) -> None:
    """One incident: its claims side by side, each with the sentence that made it."""
    from .report import describe_incident
    from .store import open_store

    with open_store(_settings(db).db) as store:
        click.echo(describe_incident(store, incident_id))


@main.command()
@db_option
@with_filters
@click.option("--format", "fmt", required=True, help="csv, acled, ucdp, geojson, parquet or jsonl")
@click.option("--output", required=True, type=click.Path(path_type=Path))
@click.option("--bbox", default=None, metavar="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT",
              help="Only incidents placed inside this box.")
@_friendly
def export(db: str | None, type_: str | None, since: str | None, until: str | None, fmt: str,
           output: Path, bbox: str | None) -> None:
    """Write incidents to a file (the README's "Exports" section describes each format)."""
    from .config import parse_bbox
    from .export import export as run_export
    from .store import open_store

    with open_store(_settings(db).db) as store:
        n = run_export(store, fmt, output, type=type_, since=_parse_date(since), until=_parse_date(until),
                       bbox=parse_bbox(bbox))
    click.echo(f"{n} incidents written to {output}", err=True)


@main.command()
@db_option
@_friendly
def demo(db: str | None) -> None:
    """Ingest and process the bundled demo corpus, then print a summary."""
    from .report import run_demo

    click.echo(run_demo(_settings(db or "harmwatch-demo.db")))


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ConfigError(f"{path} line {n}: not JSON ({exc.msg}); fix or remove that line.") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}; check the path.") from None


@main.command()
@click.option("--input", "input_", required=True, type=click.Path(path_type=Path))
@click.option("--output", required=True, type=click.Path(path_type=Path))
@actors_option
@_friendly
def extract(input_: Path, output: Path, actors: tuple[Path, ...]) -> None:
    """Benchmark command: mentions for each {id, text, published, source} line."""
    from .bench_io import extract_jsonl

    settings = config.from_env().with_actors(actors)
    n = extract_jsonl(_read_jsonl(input_), output, _extractor(settings))
    click.echo(f"{n} documents extracted to {output}", err=True)


@main.command()
@click.option("--input", "input_", required=True, type=click.Path(path_type=Path))
@click.option("--output", required=True, type=click.Path(path_type=Path))
@_friendly
def classify(input_: Path, output: Path) -> None:
    """Benchmark command: one event type per snippet of a TSV file."""
    from .bench_io import classify_tsv

    n = classify_tsv(input_, output)
    click.echo(f"{n} snippets classified to {output}", err=True)


@main.command()
@click.option("--input", "input_", required=True, type=click.Path(path_type=Path))
@click.option("--output", required=True, type=click.Path(path_type=Path))
@click.option("--given-spans", is_flag=True, help="Resolve exactly the toponym spans given in the input.")
@_friendly
def geoparse(input_: Path, output: Path, given_spans: bool) -> None:
    """Benchmark command: find and resolve place names."""
    from .bench_io import geoparse_jsonl
    from .geo import Gazetteer

    settings = config.from_env()
    n = geoparse_jsonl(_read_jsonl(input_), output, Gazetteer.open(settings.gazetteer_path), given_spans)
    click.echo(f"{n} documents geoparsed to {output}", err=True)


# --- commands defined in other modules: one import and one add_command line each ---
from .export.commands import COMPARE_COMMAND, REFERENCE_GROUP  # noqa: E402

main.add_command(REFERENCE_GROUP)
main.add_command(COMPARE_COMMAND)
from .api.commands import SERVE_COMMAND, TOKEN_GROUP  # noqa: E402

main.add_command(SERVE_COMMAND)
main.add_command(TOKEN_GROUP)
from .verify import verify_command  # noqa: E402

main.add_command(verify_command)
from .geo.commands import GAZETTEER_GROUP  # noqa: E402

main.add_command(GAZETTEER_GROUP)
from .scale.commands import WATCH_COMMAND  # noqa: E402

main.add_command(WATCH_COMMAND)
