"""``metadata.jsonl`` sidecars: per-file defaults (source, published, title, url, language).

Each line is ``{"file": NAME, "source": ..., "published": ..., ...}``; NAME is
relative to the sidecar's folder.  Other keys (notes, kinds) are ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import DecodeError, IngestError, ParseError
from .fields import normalise_language, opt_str, parse_published

SIDECAR_NAME = "metadata.jsonl"
# A sidecar is metadata, not a corpus: anything this big is a mistake.
_SIDECAR_MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class SidecarEntry:
    """Defaults for one file named in a sidecar."""

    file: str
    source: str | None = None
    published: date | None = None
    title: str | None = None
    url: str | None = None
    language: str | None = None


def normalise_name(name: str) -> str:
    """``./a/b.txt`` and ``a\\b.txt`` -> ``a/b.txt``, so sidecar keys match relative paths."""
    return PurePosixPath(name.replace("\\", "/")).as_posix().removeprefix("./")


def parse_entry(obj: Any) -> SidecarEntry:
    """One sidecar line's object as an entry; ``ValueError`` says what is wrong."""
    if not isinstance(obj, dict):
        raise ValueError("the line is not a JSON object")
    name = obj.get("file")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("it has no \"file\" name")
    return SidecarEntry(
        file=normalise_name(name.strip()), source=opt_str(obj, "source"),
        published=parse_published(obj.get("published")), title=opt_str(obj, "title"),
        url=opt_str(obj, "url"), language=normalise_language(obj.get("language")),
    )


def load_sidecar(path: Path, origin: str | None = None
                 ) -> tuple[dict[str, SidecarEntry], list[IngestError]]:
    """Entries keyed by normalised file name, and one error per bad line (the rest still count)."""
    where = origin or str(path)
    try:
        data = path.read_bytes()[: _SIDECAR_MAX_BYTES + 1]
    except OSError as exc:
        return {}, [IngestError(where, f"sidecar could not be read ({exc.strerror or exc}); "
                                       "check its permissions")]
    if len(data) > _SIDECAR_MAX_BYTES or b"\x00" in data:
        return {}, [DecodeError(where, "sidecar is binary or over 16 MiB; it must be a small JSONL file "
                                       "with one {\"file\": ...} object per line")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return {}, [DecodeError(where, f"sidecar is not valid UTF-8 (offset {exc.start}); save it as UTF-8")]
    entries: dict[str, SidecarEntry] = {}
    errors: list[IngestError] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            entry = parse_entry(json.loads(line))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError too
            errors.append(ParseError(f"{where} line {lineno}", f"bad sidecar line: {exc}; fix the line "
                                     "(its file is ingested without these defaults)"))
            continue
        entries[entry.file] = entry
    return entries, errors
