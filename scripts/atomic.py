"""A cache entry written whole or not at all: made under a temporary name beside it, then renamed, so a build
killed mid-write, or two builds at once, never leave half of one (the chart cache, the build cache, the renderer's
fonts)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_file(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def make_folder(target: Path, fill: Callable[[Path], None]) -> None:
    """The folder ``target``, filled by ``fill`` under a temporary name and renamed. When another build made it
    first, its folder stays (made from the same inputs) and this one goes."""
    temporary = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    try:
        fill(temporary)
        temporary.rename(target)
    except OSError:
        if not target.is_dir():
            raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
