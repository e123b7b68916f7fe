"""``{figure day-care-spend/<name>}``: numbers, years and council names worked out from the official series.

Each name is a small function of the loaded series (``scripts/series.py``), so the national report and the
home page say what the data says, whatever rows it holds; a figure the data cannot give (no England total,
a span of one year) fails the build naming it. Values in GBP thousands are shown in pounds.
"""

from __future__ import annotations

from collections.abc import Callable

from scripts.series import PACKAGE, Series

Shown = tuple[str, str]  # (text, label)


class SeriesFigureError(LookupError):
    pass


def pounds(thousands: float) -> str:
    """GBP thousands as a reader says it: £95.9m, £850,000."""
    value = thousands * 1000
    if abs(value) >= 1_000_000:
        return f"£{value / 1_000_000:,.1f}m"
    return f"£{value:,.0f}"


def change_words(percent: float) -> str:
    """'a fall of 42%', 'a rise of 3%' or 'no change', rounded to a whole percent."""
    rounded = round(percent)
    if rounded == 0:
        return "no change to the nearest whole percent"
    return f"a {'rise' if rounded > 0 else 'fall'} of {abs(rounded)}%"


def pound_change_words(thousands: float) -> str:
    """'a rise of £1.2m', 'a fall of £310,000' (GBP thousands in), or 'no change'."""
    if round(thousands * 1000) == 0:
        return "no change"
    return f"a {'rise' if thousands > 0 else 'fall'} of {pounds(abs(thousands))}"


def _need(value, what: str):
    if value is None:
        raise SeriesFigureError(f"the data has no {what}")
    return value


def _england(series: Series, year: str | None, real: bool = False) -> float:
    year = _need(year, "year with a gross cost")
    england = _need(series.england.get(year), f"England total for {year}")
    return _need(england.real if real else england.gross, f"England gross cost for {year}")


def _england_change(series: Series) -> float:
    first, latest = _england(series, series.first, True), _england(series, series.latest, True)
    if not first:
        raise SeriesFigureError("England's first gross cost is zero: no change can be worked out")
    return 100 * (latest - first) / first


def _share(series: Series, year: str | None) -> str:
    year = _need(year, "year with a gross cost")
    share = _need(series.england[year].share_bought if year in series.england else None, f"England share for {year}")
    return f"{round(share)}%"


def _spread(series: Series, year: str | None, part: str) -> str:
    year = _need(year, "year with a gross cost")
    spread = _need(series.spreads.get(year), f"council gross cost for {year}")
    value = getattr(spread, part)
    return f"{value:,}" if part in ("councils", "zero") else pounds(value)


def _span(series: Series) -> list[str]:
    span = _need(series.spans[-1] if series.spans else None, "span of years")
    if len(span) < 2:
        raise SeriesFigureError(f"the latest span without a break has one year ({span[0]})")
    return span


def _breaks(series: Series) -> str:
    """The years, after the first, whose definition breaks from the year before: '2007-08 and 2008-09'."""
    years = [d["financial_year"] for d in series.breaks_between(_need(series.first, "year"), series.latest)]
    if not years:
        raise SeriesFigureError("the definition never breaks between the first and the latest year")
    return years[0] if len(years) == 1 else ", ".join(years[:-1]) + " and " + years[-1]


def _mover(series: Series, rise: bool) -> str:
    changes = series.changes(_span(series))
    if not changes:
        raise SeriesFigureError("no council has a gross cost at both ends of the latest span")
    council, _, _, change = changes[0] if rise else changes[-1]
    return f"{council.name} ({pound_change_words(change)})"


FIGURES: dict[str, tuple[str, Callable[[Series], str]]] = {
    "years/first": ("the first year of the series", lambda s: _need(s.first, "year")),
    "years/latest": ("the latest year of the series with a day-care figure", lambda s: _need(s.latest, "year")),
    "years/prices": ("the year whose prices real terms are given at", lambda s: _need(s.base_year, "deflator")),
    "years/breaks": ("the years in which what counts as day care changed", _breaks),
    "years/span-start": ("the first year of the latest span without a series break", lambda s: _span(s)[0]),
    "councils": ("councils in the official series, each with a page of its own", lambda s: f"{len(s.councils):,}"),
    "england/latest": (
        "the gross cost of day care for adults with mental health needs that councils in England reported for {latest}",
        lambda s: pounds(_england(s, s.latest)),
    ),
    "england/first": ("England's gross cost of day care, first year", lambda s: pounds(_england(s, s.first))),
    "england/first-real": (
        "England's gross cost of day care in the first year, at the latest year's prices",
        lambda s: pounds(_england(s, s.first, True)),
    ),
    "england/change-real": (
        "in England's gross cost from {first} to {latest} at {prices} prices (what counts as day care changed "
        + "in between: see the national report)",
        lambda s: change_words(_england_change(s)),
    ),
    "england/share-bought-first": (
        "share of England's gross cost bought from others, first year",
        lambda s: _share(s, s.first),
    ),
    "england/share-bought-latest": (
        "share of England's gross cost bought from others, latest year",
        lambda s: _share(s, s.latest),
    ),
    "spread/latest/councils": ("councils with a gross cost, latest year", lambda s: _spread(s, s.latest, "councils")),
    "spread/latest/median": ("median council gross cost, latest year", lambda s: _spread(s, s.latest, "median")),
    "spread/latest/lower": (
        "lower quartile of council gross cost, latest year",
        lambda s: _spread(s, s.latest, "lower"),
    ),
    "spread/latest/upper": (
        "upper quartile of council gross cost, latest year",
        lambda s: _spread(s, s.latest, "upper"),
    ),
    "spread/latest/zero": ("councils reporting no gross cost, latest year", lambda s: _spread(s, s.latest, "zero")),
    "spread/first/median": ("median council gross cost, first year", lambda s: _spread(s, s.first, "median")),
    "spread/first/zero": ("councils reporting no gross cost, first year", lambda s: _spread(s, s.first, "zero")),
    "changes/largest-rise": (
        "the council with the largest real-terms rise over the latest span without a break",
        lambda s: _mover(s, True),
    ),
    "changes/largest-fall": (
        "the council with the largest real-terms fall over the latest span without a break",
        lambda s: _mover(s, False),
    ),
}


def resolve(name: str, series: Series) -> Shown:
    key = name.removeprefix(PACKAGE + "/")
    if key not in FIGURES:
        raise SeriesFigureError(
            f"unknown figure '{name}'; known: {', '.join(PACKAGE + '/' + k for k in sorted(FIGURES))}"
        )
    label, work = FIGURES[key]
    try:
        text = work(series)
        return text, label.format(first=series.first, latest=series.latest, prices=series.base_year)
    except SeriesFigureError as error:
        raise SeriesFigureError(f"figure '{name}': {error}") from None
