"""Writing a file so that it appears only when complete."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..errors import ConfigError


def write_atomically(output: Path, write: Callable[[IO[Any]], int], *, binary: bool = False) -> int:
    """Run ``write`` on a temporary file beside ``output``, then rename it into place."""
    folder = output.parent
    if not folder.is_dir():
        raise ConfigError(f"cannot write {output}: folder {folder} does not exist; create it or choose "
                          "another --output path.")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    try:
        # newline="" keeps what writers emit: csv writes its own CRLF line ends.
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as out:
            count = write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; an export is meant to be shared
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
