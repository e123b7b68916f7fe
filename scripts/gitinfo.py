"""Dates from git history: when data last changed. Never guessed: None outside a git checkout."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path


@cache
def last_changed(path: Path) -> str | None:
    """The committer date (YYYY-MM-DD) of the last commit touching ``path``."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None
