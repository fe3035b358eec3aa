"""Turn the paths given to ingest into a deterministic list of files, each with its sidecar defaults."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import IngestError
from .sidecar import SIDECAR_NAME, SidecarEntry, load_sidecar


@dataclass(frozen=True)
class Task:
    """One file to read: ``root`` is the folder given to ingest (None for a file given directly)."""

    path: Path
    root: Path | None
    sidecar: Mapping[str, SidecarEntry] = field(default_factory=dict)


def _sidecar_for(folder: Path, prefix: str, out: list[Task | IngestError]) -> dict[str, SidecarEntry]:
    """The folder's sidecar entries keyed by path relative to the ingest root."""
    path = folder / SIDECAR_NAME
    if not path.is_file():
        return {}
    entries, errors = load_sidecar(path)
    out.extend(errors)
    return {(f"{prefix}/{name}" if prefix else name): entry for name, entry in entries.items()}


def _children(folder: Path, out: list[Task | IngestError]) -> list[Path]:
    try:
        return sorted((c for c in folder.iterdir() if not c.name.startswith(".")), key=lambda c: c.name)
    except OSError as exc:
        out.append(IngestError(str(folder), f"folder could not be listed ({exc.strerror or exc}); "
                                            "check its permissions"))
        return []


def _walk(root: Path) -> list[Task | IngestError]:
    """Files under ``root`` in sorted depth-first order; hidden entries and sidecars skipped."""
    out: list[Task | IngestError] = []
    seen: set[Path] = set()
    # Stack of (folder, inherited sidecar); a deeper sidecar overrides a shallower one.
    stack: list[tuple[Path, Mapping[str, SidecarEntry]]] = [(root, {})]
    while stack:
        folder, inherited = stack.pop()
        real = folder.resolve()
        if real in seen:  # a symlink loop or a folder linked twice
            continue
        seen.add(real)
        prefix = folder.relative_to(root).as_posix() if folder != root else ""
        mapping = {**inherited, **_sidecar_for(folder, prefix, out)}
        pending: list[tuple[Path, Mapping[str, SidecarEntry]]] = []
        for child in _children(folder, out):
            if child.is_dir():
                pending.append((child, mapping))
            elif child.name != SIDECAR_NAME:
                out.append(Task(child, root, mapping))
        # Files of a folder come before its subfolders; subfolders in name order.
        stack.extend(reversed(pending))
    return out


def _single(path: Path) -> list[Task | IngestError]:
    """A file given directly, with the sidecar of its own folder if it has one."""
    out: list[Task | IngestError] = []
    mapping = _sidecar_for(path.parent, "", out) if path.name != SIDECAR_NAME else {}
    out.append(Task(path, None, mapping))
    return out


def plan_inputs(paths: Sequence[Path]) -> list[Task | IngestError]:
    """Every file to read, or an error for a path that is missing or unreadable."""
    out: list[Task | IngestError] = []
    for path in paths:
        if path.is_dir():
            out.extend(_walk(path))
        elif path.exists():
            out.extend(_single(path))
        else:
            out.append(IngestError(str(path), "no such file or folder; check the path"))
    return out
