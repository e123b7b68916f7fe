"""How numbers, sizes, paths and JSON inside a page are written: their one home."""

from __future__ import annotations

import math
from pathlib import Path

from scripts.settings import ROOT


def file_size(size: int) -> str:
    """Bytes as a reader sees them in a download link: at least 1 KB, MB with one decimal from 1 MB."""
    if size < 1024 * 1024:
        return f"{max(1, math.ceil(size / 1024)):,} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def gbp_millions(value: float) -> str:
    return f"£{value / 1_000_000:,.1f}m"


def whole(value: float) -> str:
    return f"{value:,.0f}"


def percent(value: float) -> str:
    return f"{value:g}%"


def shown_path(path) -> str:
    """A file's path as a maintainer reads it in a message: relative to the repository when inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def script_json(text: str) -> str:
    """JSON text safe inside a <script> element (JSON-LD): no "</" or "<!--" can end or change it."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
