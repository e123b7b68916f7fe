"""How the directory says dates, sources, phone numbers and addresses: words for the pages and the script."""

from __future__ import annotations

import calendar
import re
from datetime import date

from scripts.symbols import known

# A source published longer ago than this is flagged beside the details it supports.
OLD_SOURCE_MONTHS = 24

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)


def date_words(text: str) -> str:
    """A full or partial ISO date (2019-09-05, 2025-03, 2019) in words: 5 September 2019, March 2025, 2019."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return f"{parts[2]} {MONTHS[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def latest_day(text: str) -> date:
    """The last day a partial date can mean (2025-03: 31 March 2025), so a source is never called older than it is."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(parts[0], 12, 31)


OLD_SOURCE_TEXT = "This source is over two years old: these details may have changed."


def source_dates_text(source: dict) -> str:
    """What theme/templates/_source.html says of a source's dates, for the script to draw the same words."""
    if not source:
        return ""
    published = f"Published {source['published_words']}" if not source["undated"] else "Undated"
    return f"{published}; we last checked it on {source['checked_words']}" + (" " if source["old"] else "")


def dated(source: dict, today: date) -> dict:
    """A source row with when it was published (or that it is undated), when we last checked it, and its age."""
    if not source:
        return source
    published = known(source.get("date_published"))
    return {
        **source,
        "published_words": date_words(published) if published else "",
        "undated": not published,
        "old": bool(published) and latest_day(published) < months_before(today, OLD_SOURCE_MONTHS),
        "checked_words": date_words(str(source["date_accessed"])) if known(source.get("date_accessed")) else "",
    }


def tel(number: str) -> str:
    """The number for a tel: link: digits only."""
    return re.sub(r"[^0-9+]", "", number)


def address_text(address: dict) -> str:
    """The known parts of an address, in order, as one line."""
    parts = [address.get(k, "") for k in ("address_1", "city", "region", "state_province", "postal_code")]
    return ", ".join(known(p) for p in parts if known(p))
