"""The data releases feed and the DCAT catalogue file.

The reports feed is Pelican's own (CATEGORY_FEED_ATOM in pelican.conf.py); ``absolute_feed_links``
makes its links absolute, since SITEURL is empty so that the site works on any host.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from feedgenerator import Atom1Feed, get_tag_uri

from scripts.catalogue import metadata
from scripts.catalogue.versions import Release
from scripts.publishing import contact_email, issue_form_url
from scripts.settings import value

DATA_FEED = "feeds/data.atom.xml"


def _date(day: str | None) -> datetime | None:
    return datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC) if day else None


def change_summary(release: Release) -> str:
    parts = []
    for change in release.changes:
        if change["status"]:
            parts.append(f"{change['resource']}: resource {change['status']}")
        counts = [
            f"{change[k]} row{'s' if change[k] != 1 else ''} {k}" for k in ("added", "removed", "changed") if change[k]
        ]
        if counts and not change["status"]:
            parts.append(f"{change['resource']}: " + ", ".join(counts))
    return "; ".join(parts) or "No rows changed."


def data_feed(releases: list[tuple[str, Release]], site_url: str, sitename: str, author: str) -> Atom1Feed:
    """One entry per package version: ``releases`` is (package title, release) pairs."""
    site_url = site_url.rstrip("/")
    feed = Atom1Feed(
        title=f"{sitename}: data releases",
        link=f"{site_url}/data/",
        feed_url=f"{site_url}/{DATA_FEED}",
        description="Every version of every data package.",
        author_name=author,
    )
    for title, release in sorted(releases, key=lambda p: (p[1].date or "", p[1].package), reverse=True):
        link = f"{site_url}/data/{release.package}/changelog/#v{release.version}"
        date = _date(release.date) or datetime(1970, 1, 1, tzinfo=UTC)
        feed.add_item(
            title=f"{title}, version {release.version}",
            link=link,
            unique_id=get_tag_uri(link, date),
            pubdate=date,
            updateddate=date,
            description=change_summary(release),
        )
    return feed


def write_catalogue_and_feed(views: list[dict], output: Path, settings: dict) -> None:
    """/catalog.jsonld (DCAT) and /feeds/data.atom.xml (one entry per package version)."""
    site_url, sitename, author = value("site_public_url", settings), settings["SITENAME"], value("author", settings)
    contact = (contact_email(settings) or "", issue_form_url(settings, "feedback"))
    catalog = metadata.dcat_catalog(views, site_url, sitename, author, *contact)
    (output / "catalog.jsonld").write_text(json.dumps(catalog, ensure_ascii=False, indent=1), encoding="utf-8")
    feed = data_feed([(v["title"], r) for v in views for r in v["releases"]], site_url, sitename, author)
    (output / DATA_FEED).parent.mkdir(parents=True, exist_ok=True)
    with open(output / DATA_FEED, "w", encoding="utf-8") as file:
        feed.write(file, "utf-8")


def absolute_feed_links(context, feed) -> None:
    """Pelican's feed_generated signal: make the feed's and its entries' links absolute."""
    site_url = context.get("SITE_PUBLIC_URL", "").rstrip("/")
    if not site_url:
        return
    if not feed.feed["link"].startswith("http"):
        feed.feed["link"] = site_url + "/" + feed.feed["link"].lstrip("/")
    if not str(feed.feed.get("id", "")).startswith("http"):
        feed.feed["id"] = feed.feed["link"]
    for item in feed.items:
        if not item["link"].startswith("http"):
            item["link"] = site_url + "/" + item["link"].lstrip("/")
            item["unique_id"] = get_tag_uri(item["link"], item["pubdate"])
