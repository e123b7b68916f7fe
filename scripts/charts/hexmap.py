"""A map of England's councils as an equal-area grid: one hexagon per council from a published HexJSON layout,
coloured by a value in classes, drawn as a static SVG that needs no JavaScript. The page places it with its table
twin (theme/templates/_hexmap.html); every council's value is in the table, so the colours only add a picture.

The classes are the quintiles of the values drawn (five classes of about equal numbers of councils); a council
without a value, or a hexagon with no council of the series, is drawn as "no figure".
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from pathlib import Path

from scripts.settings import ROOT

LAYOUT = ROOT / "scripts" / "reference" / "hexmap" / "uk-upper-tier-local-authorities.hexjson"
# Light to dark, one hue (ColorBrewer Blues, the darker five of six), so that white means no figure; every hexagon
# also has a dark outline.
COLOURS = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_FIGURE = "#ffffff"
SIZE = 10  # a hexagon's radius in the drawing's own units; the SVG scales to its column


@dataclass(frozen=True)
class Hex:
    code: str
    name: str
    points: str
    fill: str
    label: str  # the council and its value, for the table and the hexagon's title


@dataclass(frozen=True)
class HexMap:
    width: float
    height: float
    hexes: list[Hex]
    legend: list[tuple[str, str]]  # (colour, words)
    missing: list[str]  # hexagons with no council of the data


def load_layout(path: Path = LAYOUT) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def centre(q: int, r: int, layout: str) -> tuple[float, float]:
    """The centre of a pointy-topped hexagon at column q, row r (rows numbered down the page)."""
    width = math.sqrt(3) * SIZE
    shift = 0.5 if (layout == "odd-r" and r % 2) or (layout == "even-r" and not r % 2) else 0
    return width * (q + shift) + width / 2, 1.5 * SIZE * r + SIZE


def corners(x: float, y: float) -> str:
    return " ".join(
        f"{x + SIZE * math.cos(math.radians(60 * i - 30)):.1f},{y + SIZE * math.sin(math.radians(60 * i - 30)):.1f}"
        for i in range(6)
    )


def classes(values: list[float]) -> list[float]:
    """The four inner quintile boundaries of the values (fewer distinct values: fewer boundaries)."""
    if len(set(values)) < 2:
        return []
    return sorted(set(statistics.quantiles(values, n=len(COLOURS), method="inclusive")))


def colour(value: float, bounds: list[float]) -> str:
    index = sum(1 for b in bounds if value > b)
    return COLOURS[min(index, len(COLOURS) - 1)]


def draw(values: dict[str, float | None], show, layout: dict | None = None) -> HexMap:
    """The map for ``values`` ({GSS code: value or None}); ``show`` writes a value in words."""
    layout = layout or load_layout()
    kind = layout.get("layout", "odd-r")
    known = [v for v in values.values() if v is not None]
    bounds = classes(known)
    hexes, missing = [], []
    for code, spec in sorted(layout["hexes"].items()):
        x, y = centre(int(spec["q"]), int(spec["r"]), kind)
        value = values.get(code)
        if code not in values:
            missing.append(spec.get("name", code))
        fill = colour(value, bounds) if value is not None else NO_FIGURE
        label = f"{spec.get('name', code)}: {show(value) if value is not None else 'no figure'}"
        hexes.append(Hex(code, spec.get("name", code), corners(x, y), fill, label))
    columns = max(int(s["q"]) for s in layout["hexes"].values()) + 1.5
    rows = max(int(s["r"]) for s in layout["hexes"].values())
    edges = [min(known, default=0), *bounds, max(known, default=0)]
    legend = [(COLOURS[i], f"{show(edges[i])} to {show(edges[i + 1])}") for i in range(len(edges) - 1)]
    legend.append((NO_FIGURE, "no figure"))
    return HexMap(math.sqrt(3) * SIZE * columns, 1.5 * SIZE * rows + 2 * SIZE, hexes, legend, missing)
