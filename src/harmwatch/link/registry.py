"""The source registry: which outlets and organisations exist, what kind each is, and who owns whom.

The packaged ``data/sources.csv`` has the columns ``name,aliases,type,parent``; aliases are separated
by ``|``; ``parent`` names the owning organisation (its documents count as the same source). Users
extend it by passing their own file to :func:`load_registry`.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import ConfigError

SOURCE_KINDS: tuple[str, ...] = (
    "news", "wire", "ngo", "un_icrc", "government", "party", "social_media", "comment",
)
UNKNOWN_KIND = "unknown"
_COLUMNS = ("name", "aliases", "type", "parent")
_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """Case-folded, single-spaced, without a leading "the": "The  Guardian" -> "guardian"."""
    key = _SPACES.sub(" ", name.strip().casefold())
    return key[4:] if key.startswith("the ") else key


@dataclass(frozen=True)
class SourceEntry:
    name: str
    aliases: tuple[str, ...]
    type: str
    parent: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class SourceRegistry:
    """Looks sources up by name or alias, case-insensitively."""

    def __init__(self, entries: Iterable[SourceEntry]) -> None:
        self.entries: tuple[SourceEntry, ...] = tuple(entries)
        self._by_key: dict[str, SourceEntry] = {}
        for entry in self.entries:
            for name in entry.names:
                self._by_key.setdefault(normalize_name(name), entry)
        self._wire_pattern = _wire_credit_pattern(e for e in self.entries if e.type == "wire")

    def entry(self, source: str | None) -> SourceEntry | None:
        return self._by_key.get(normalize_name(source)) if source else None

    def kind_of(self, source: str | None) -> str:
        """The registry type of ``source``; ``"unknown"`` when it is None or not registered."""
        found = self.entry(source)
        return found.type if found else UNKNOWN_KIND

    def canonical(self, source: str | None) -> str | None:
        """The name of the top owning organisation of ``source`` (itself, normalized, when unknown)."""
        if not source:
            return None
        found = self.entry(source)
        if found is None:
            return normalize_name(source)
        seen = {found.name}
        while found.parent:
            parent = self.entry(found.parent)
            if parent is None or parent.name in seen:
                break  # a dangling or circular parent: stop at the last known owner
            seen.add(parent.name)
            found = parent
        return found.name

    def wire_credited(self, text: str) -> str | None:
        """The canonical name of the first wire a text credits ("(Reuters) -", "AFP reports"), or None."""
        if self._wire_pattern is None:
            return None
        match = self._wire_pattern.search(text)
        if match is None:
            return None
        return self.canonical(next(g for g in match.groups() if g))


def _wire_credit_pattern(wires: Iterable[SourceEntry]) -> re.Pattern[str] | None:
    names = sorted({n for e in wires for n in e.names}, key=lambda n: (-len(n), n))
    if not names:
        return None
    alt = "|".join(re.escape(n) for n in names)
    # Case-sensitive on purpose: wire names are proper names and "AP" must not match "ap".
    forms = (
        rf"\(\s*({alt})\s*\)",                                     # "BEIRUT (Reuters) -"
        rf"\b({alt})\s+(?:reports|reported|said|says|wrote)\b",    # "AFP reports"
        rf"\b(?:according to|told|via|source:)\s+(?:the\s+)?({alt})\b",  # "according to AFP"
        rf"[-\u2014\u2013]\s*({alt})\s*$",                         # a trailing "- AP" credit
    )
    return re.compile("|".join(forms), re.MULTILINE)


def _parse(text: str, origin: str) -> tuple[SourceEntry, ...]:
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise ConfigError(
            f"{origin}: the header is {reader.fieldnames}, expected {','.join(_COLUMNS)}; "
            "fix the first line of the source registry."
        )
    entries = []
    for line, row in enumerate(reader, start=2):
        name, kind = (row.get("name") or "").strip(), (row.get("type") or "").strip()
        if not name or kind not in SOURCE_KINDS:
            raise ConfigError(
                f"{origin}, line {line}: needs a name and a type among {', '.join(SOURCE_KINDS)} "
                f"(got name={name!r}, type={kind!r}); fix or delete that line."
            )
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
        entries.append(SourceEntry(name, aliases, kind, (row.get("parent") or "").strip() or None))
    return tuple(entries)


@functools.cache
def _packaged() -> SourceRegistry:
    text = resources.files("harmwatch").joinpath("data/sources.csv").read_text(encoding="utf-8")
    return SourceRegistry(_parse(text, "harmwatch/data/sources.csv"))


def load_registry(path: Path | None = None) -> SourceRegistry:
    """The packaged registry, extended by the file at ``path`` (same columns) when given.

    The user's entries come first, so a name or alias they define overrides the packaged one.
    """
    if path is None:
        return _packaged()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read the source registry {path}: {exc}; pass a UTF-8 CSV with the columns "
            f"{','.join(_COLUMNS)}, or omit it to use the packaged one."
        ) from exc
    return SourceRegistry((*_parse(text, str(path)), *_packaged().entries))
