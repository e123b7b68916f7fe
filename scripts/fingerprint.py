"""Fingerprints for the build's caches: what a cached result was made from, as a SHA-256.

A cache entry is used only when everything it was made from is byte for byte the same: the input files
(``folder``, symbolic links told apart from files) and the code making it (``code``: everything under scripts/, the
pinned requirements and the Python version), so a change to any of them makes the result again.
"""

from __future__ import annotations

import hashlib
import os
import platform
from functools import cache
from pathlib import Path

from scripts.settings import ROOT


def folder(path: Path, suffix: str = "") -> str:
    """The SHA-256 of every file under ``path`` whose name ends with ``suffix``: its path within it, whether it is a
    link (and to what), and its bytes, in a fixed order."""
    digest = hashlib.sha256()
    for item in sorted(p for p in Path(path).rglob(f"*{suffix}") if "__pycache__" not in p.parts):
        if item.is_dir() and not item.is_symlink():
            continue
        name = item.relative_to(path).as_posix()
        if item.is_symlink():
            digest.update(f"link\0{name}\0{os.readlink(item)}\0".encode())
            continue
        content = item.read_bytes()
        digest.update(f"file\0{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def files(*paths: Path) -> str:
    """The SHA-256 of the given files' bytes, in order (a missing file counts as such)."""
    digest = hashlib.sha256()
    for path in paths:
        try:
            content = Path(path).read_bytes()
        except OSError:
            digest.update(f"missing\0{path}\0".encode())
            continue
        digest.update(f"{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


@cache
def code() -> str:
    """The code a cached result was made by: everything under scripts/, the pinned requirements (every library's
    version) and the Python running it."""
    return f"{folder(ROOT / 'scripts')} {files(ROOT / 'requirements.txt')} {platform.python_version()}"
