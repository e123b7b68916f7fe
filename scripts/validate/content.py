"""Dates in the Markdown content: each ``Date:`` or ``Modified:`` is a real calendar date.

Pelican reads many date forms and fails with a traceback, or guesses, on others; the build
checks every page's metadata first and refuses a bad one with its file and line.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from scripts.validate.problems import Problem

DATE_KEYS = ("date", "modified")
FORM = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2}))?")
METADATA = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):\s?(.*)")


def check_dates(content_dir: Path) -> list[Problem]:
    """Every ``Date:`` and ``Modified:`` in the metadata of the Markdown under ``content_dir``."""
    problems = []
    for path in sorted(Path(content_dir).rglob("*.md")):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(str(path), None, None, f"cannot be read as UTF-8 text: {error}", "file-error"))
            continue
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                break  # the metadata ends at the first blank line
            match = METADATA.fullmatch(line)
            if not match or match.group(1).lower() not in DATE_KEYS:
                continue
            message = date_problem(match.group(2).strip())
            if message:
                problems.append(Problem(str(path), number, match.group(1), message, "date-error"))
    return problems


def date_problem(value: str) -> str | None:
    match = FORM.fullmatch(value)
    if match:
        year, month, day, hour, minute = match.groups()
        try:
            date(int(year), int(month), int(day))
            if hour is not None:
                datetime(int(year), int(month), int(day), int(hour), int(minute))
            return None
        except ValueError:
            pass
    return f"'{value}' is not a real date in the form YYYY-MM-DD (a time may follow as HH:MM)"
