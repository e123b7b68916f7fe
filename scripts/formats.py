"""How numbers and sizes are written on the site: their one home."""

from __future__ import annotations

import math


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
