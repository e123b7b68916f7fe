"""Git, run in one place: dates from the history (when data last changed), tags, files as they were.

Never guessed: outside a git checkout, or when git fails, the answer is None.
"""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

TIMEOUT = 60  # seconds; a history read never hangs the build


def output(folder: Path, *args: str) -> bytes | None:
    """What ``git ARGS`` prints, run in ``folder``; None when git is missing, fails or times out."""
    try:
        result = subprocess.run(["git", *args], cwd=folder, capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def text(folder: Path, *args: str) -> str | None:
    """``output`` as text."""
    printed = output(folder, *args)
    return printed.decode("utf-8", errors="replace") if printed is not None else None


@cache
def last_changed(path: Path) -> str | None:
    """The committer date (YYYY-MM-DD) of the last commit touching ``path``."""
    return (text(path.parent, "log", "-1", "--format=%cs", "--", path.name) or "").strip() or None
