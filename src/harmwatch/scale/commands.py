"""``harmwatch watch``: the command; the loop lives in ``scale.watch`` and ``scale.feeds``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..cli import _friendly, _settings, actors_option, db_option
from ..errors import ConfigError

if TYPE_CHECKING:
    from ..config import Settings
    from ..pipeline import ProcessReport
    from ..store import Store


@click.command("watch")
@db_option
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--feeds", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A file of RSS/Atom feed URLs, one a line, to poll instead of a folder.")
@click.option("--interval", type=float, default=5.0, show_default=True,
              help="Seconds between folder scans or feed polls.")
@click.option("--settle", type=float, default=1.0, show_default=True,
              help="Seconds a new file must stay unchanged before it is read.")
@click.option("--max-backoff", type=float, default=3600.0, show_default=True,
              help="Longest wait, in seconds, after repeated failures of a feed.")
@click.option("--batch-size", type=int, default=8, show_default=True)
@click.option("--cycles", type=int, default=None, help="Stop after this many cycles [default: run until stopped].")
@actors_option
@_friendly
def watch_command(db: str | None, folder: Path | None, feeds: Path | None, interval: float, settle: float,
                  max_backoff: float, batch_size: int, cycles: int | None, actors: tuple[Path, ...]) -> None:
    """Ingest and process new files in FOLDER, or new items of --feeds, until SIGTERM or Ctrl-C."""
    from ..cli import _extractor
    from ..store import open_store
    from .feeds import watch_feeds
    from .watch import Stopper, WatchOptions, watch_folder

    if (folder is None) == (feeds is None):
        raise ConfigError("give a FOLDER to watch or --feeds FILE, not both or neither.")
    if interval <= 0 or settle < 0 or max_backoff < interval:
        raise ConfigError("--interval must be positive, --settle at least 0, and --max-backoff at least "
                          "--interval.")
    settings = _settings(db).with_actors(actors)
    options = WatchOptions(interval=interval, settle=settle, max_backoff=max_backoff, batch_size=batch_size,
                           max_cycles=cycles)

    def log(line: str) -> None:
        click.echo(line, err=True)

    with Stopper().on_signals() as stop, open_store(settings.db) as store:
        extractor = _extractor(settings)
        if feeds is not None:
            report = watch_feeds(store, feeds, settings, extractor, options=options, stop=stop, log=log)
        else:
            assert folder is not None  # checked above
            report = watch_folder(store, folder, settings, extractor, options=options, stop=stop, log=log)
    why = f" (signal {stop.signal})" if stop.signal is not None else ""
    click.echo(f"stopped{why}: {report.accepted} inputs accepted, {report.stored} new documents, "
               f"{report.present} already stored, {report.rejected} rejected, {report.processed} processed",
               err=True)
    sys.exit(0)


WATCH_COMMAND: click.Command = watch_command


def dask_process(store: Store, settings: Settings, workers: int | None, scheduler: str | None,
                 batch_size: int) -> ProcessReport:
    """``process --workers/--scheduler``: extraction on Dask, linking and storing here."""
    from ..geo import Gazetteer
    from .cluster import ExtractorSpec, process_on_dask

    Gazetteer.open(settings.gazetteer_path).close()  # build it once here, before workers open it
    spec = ExtractorSpec(settings.gazetteer_path, settings.actor_files)
    return process_on_dask(store, spec, workers=workers, scheduler=scheduler, batch_size=batch_size,
                           progress=sys.stderr.isatty())
