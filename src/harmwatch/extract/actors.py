"""The actor dictionary: surface names to a normalized actor with an ACLED inter code.

The packaged ``data/actors.csv`` covers Syria 2011-2019 and common global actors.
Users extend it with their own CSV (same columns: ``name,inter,aliases`` with
aliases separated by ``|``); their entries win over packaged ones.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from ..errors import ConfigError
from ..model import Actor

# Aliases that only name an actor when written with a capital (e.g. "IS", "Assad").
_CASE_SENSITIVE_MAX = 4


@dataclass(frozen=True)
class ActorMatch:
    start: int
    end: int
    actor: Actor


@dataclass(frozen=True)
class ActorDictionary:
    """Longest-match lookup of actor aliases in a text."""

    entries: tuple[tuple[str, Actor], ...]
    pattern: re.Pattern[str]

    @cached_property
    def _lookup(self) -> dict[str, Actor]:
        return {alias.lower(): actor for alias, actor in self.entries}

    def find(self, text: str, offset: int = 0) -> list[ActorMatch]:
        out: list[ActorMatch] = []
        lookup = self._lookup  # built once: rebuilding it per document cost more than the search
        for m in self.pattern.finditer(text):
            actor = lookup.get(m.group(0).lower())
            if actor is None:
                continue
            if len(m.group(0)) <= _CASE_SENSITIVE_MAX and not m.group(0)[0].isupper():
                continue
            if out and m.group(0).islower() and not text[out[-1].end - offset:m.start()].strip():
                continue  # "Houthi rebels", "Al-Shabaab militants": the generic word names the actor before it
            out.append(ActorMatch(offset + m.start(), offset + m.end(),
                                  Actor(actor.name, actor.inter, m.group(0))))
        return out


def _read(path: Path | None) -> list[tuple[str, Actor]]:
    if path is None:
        text = resources.files("harmwatch").joinpath("data/actors.csv").read_text(encoding="utf-8")
        where = "the packaged actor dictionary"
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read actor dictionary {path}: {exc}; pass a UTF-8 CSV file.") from exc
        where = str(path)
    rows: list[tuple[str, Actor]] = []
    for n, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        try:
            actor = Actor(row["name"].strip(), int(row.get("inter") or 0))
        except (KeyError, ValueError, AttributeError) as exc:
            raise ConfigError(
                f"{where} line {n}: expected columns name,inter,aliases with a numeric inter ({exc}); fix that row."
            ) from exc
        aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
        rows.extend((alias, actor) for alias in [actor.name, *aliases])
    return rows


def load_actors(extra: Sequence[Path] = ()) -> ActorDictionary:
    """The packaged dictionary plus user files; later files override earlier aliases."""
    merged: dict[str, tuple[str, Actor]] = {}
    for source in [None, *extra]:
        for alias, actor in _read(source):
            merged[alias.lower()] = (alias, actor)
    entries = tuple(sorted(merged.values(), key=lambda e: -len(e[0])))
    alternation = "|".join(re.escape(alias) for alias, _ in entries)
    pattern = re.compile(r"(?<![\w-])(?:" + alternation + r")(?![\w-])", re.IGNORECASE)
    return ActorDictionary(entries, pattern)
