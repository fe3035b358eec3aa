"""``harmwatch verify``: prove the stored originals are the ones ingested.

A document's identity is the SHA-256 of its raw bytes.  ``verify`` recomputes
that hash for every stored document and reports each one whose bytes no longer
match (a changed or truncated original, or an edited hash), together with the
database engine's own integrity check.  Nothing is written.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import StoreError
from .model import sha256_hex

if TYPE_CHECKING:
    from .store import Store


@dataclass(frozen=True)
class Mismatch:
    """A document whose raw bytes do not hash to its recorded sha256 (``actual`` None: no bytes at all)."""

    seq: int
    doc_id: str
    recorded: str
    actual: str | None

    def describe(self) -> str:
        found = f"its raw bytes hash to {self.actual}" if self.actual else "its raw bytes are missing"
        return f"document {self.doc_id!r} (ingest #{self.seq}): recorded sha256 {self.recorded}, but {found}"


@dataclass(frozen=True)
class VerifyReport:
    """What ``verify`` found: documents checked, hash mismatches, and database integrity findings.

    ``integrity`` is None when the engine has no integrity check harmwatch can run.
    """

    checked: int
    mismatches: tuple[Mismatch, ...]
    integrity: tuple[str, ...] | None

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.integrity

    def summary(self) -> str:
        health = ("not checked by this engine" if self.integrity is None
                  else "ok" if not self.integrity else f"{len(self.integrity)} problem(s)")
        return (f"{self.checked} documents checked, {self.checked - len(self.mismatches)} intact, "
                f"{len(self.mismatches)} mismatched; database integrity: {health}")


def verify(store: Store) -> VerifyReport:
    """Recompute every stored document's SHA-256 from its raw bytes and run the engine's integrity check."""
    from .store.verify import integrity_problems, stored_originals

    checked = 0
    mismatches: list[Mismatch] = []
    for original in stored_originals(store):
        checked += 1
        actual = sha256_hex(original.raw) if original.raw is not None else None
        if actual != original.sha256:
            mismatches.append(Mismatch(original.seq, original.doc_id, original.sha256, actual))
    problems = integrity_problems(store)
    return VerifyReport(checked, tuple(mismatches), None if problems is None else tuple(problems))


def _existing(db: str) -> str:
    """``db`` if it can hold a harmwatch database already; verifying must not create an empty one."""
    if "://" not in db and db != ":memory:" and not Path(db).is_file():
        raise StoreError(f"no database at {db}; give the --db you ingested into (or set HARMWATCH_DB).")
    return db


def _verify_command() -> click.Command:
    # Built once cli.py has defined its helpers: cli.py imports this module at its end.
    from .cli import _friendly, _settings, db_option

    @click.command(name="verify")
    @db_option
    @_friendly
    def verify_command(db: str | None) -> None:
        """Check that every stored original still hashes to its recorded SHA-256 (exit 2 if not)."""
        from .store import open_store

        with open_store(_existing(_settings(db).db)) as store:
            report = verify(store)
        for mismatch in report.mismatches:
            click.echo(f"mismatch: {mismatch.describe()}", err=True)
        for problem in report.integrity or ():
            click.echo(f"integrity: {problem}", err=True)
        click.echo(report.summary(), err=True)
        if not report.ok:
            click.echo("harmwatch: the record no longer matches what was ingested; restore the database "
                       "from a backup, or re-ingest the originals listed above into a new database.", err=True)
            sys.exit(2)

    return verify_command


verify_command = _verify_command()
