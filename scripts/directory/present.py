"""The directory as pages present it: a list in numbered pages, and a provider's schema.org JSON-LD."""

from __future__ import annotations

import json
from dataclasses import dataclass

from markupsafe import Markup

from scripts.directory.model import Provider, Service
from scripts.formats import script_json


@dataclass
class Page:
    """One page of a paginated list: /directory/ is page 1, /directory/page/2/ page 2, ..."""

    base: str  # the first page's address, e.g. /directory/support-type/time-bank/
    number: int
    count: int  # how many pages the list has
    size: int
    entries: list[Service]
    total: int  # entries in the whole list

    def url_of(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def url(self) -> str:
        return self.url_of(self.number)

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return self.first + len(self.entries) - 1 if self.total else 0

    @property
    def previous(self) -> str:
        return self.url_of(self.number - 1) if self.number > 1 else ""

    @property
    def next(self) -> str:
        return self.url_of(self.number + 1) if self.number < self.count else ""

    @property
    def links(self) -> list[int | None]:
        """Page numbers for the navigation: the first, the last and two either side of this one; None is a gap."""
        shown = sorted({1, self.count} | set(range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)))
        links: list[int | None] = []
        for number in shown:
            if links and number - links[-1] > 1:
                links.append(None)
            links.append(number)
        return links


def paginate(entries: list[Service], base: str, size: int) -> list[Page]:
    """The list in pages of ``size``; an empty list is one empty page, so its address still answers."""
    if size < 1:
        raise ValueError(f"DIRECTORY_PAGE_SIZE must be at least 1, not {size}")
    count = max(1, -(-len(entries) // size))
    return [Page(base, n + 1, count, size, entries[n * size : (n + 1) * size], len(entries)) for n in range(count)]


def json_ld(provider: Provider, site_url: str) -> Markup:
    """schema.org Organization and Service records, safe inside <script type="application/ld+json">."""
    page = site_url + provider.url
    organisation = {
        "@type": "Organization",
        "@id": page + "#organization",
        "name": provider.name,
        "description": provider.description,
        "mainEntityOfPage": page,
    }
    alternates = [n for n in (provider.alternate_name, provider.former_name) if n]
    if alternates:
        organisation["alternateName"] = alternates
    if provider.website:
        organisation["url"] = provider.website
    if provider.email:
        organisation["email"] = provider.email
    if provider.phones:
        organisation["telephone"] = provider.phones[0]["number"]
    graph = [organisation] + [_service_ld(service, page) for service in provider.services]
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False, indent=1)
    return Markup(script_json(text))


def _service_ld(service, page: str) -> dict:
    """A schema.org Service: what it offers, where, to whom, and how to reach it."""
    record = {
        "@type": "Service",
        "@id": f"{page}#service-{service.id}",
        "name": service.name,
        "description": service.description,
        "provider": {"@id": page + "#organization"},
        "serviceType": [t["name"] for t in service.terms_of("support-type")],
        "areaServed": [{"@type": "AdministrativeArea", "name": a["name"]} for a in service.areas],
    }
    if service.eligibility:
        record["audience"] = {"@type": "Audience", "audienceType": service.eligibility}
    if service.url:
        record["url"] = service.url
    places = [
        {"@type": "Place", "name": loc["name"], "address": loc["address"]["text"]}
        for loc in service.locations
        if loc["address"]
    ]
    if places:
        record["availableChannel"] = [{"@type": "ServiceChannel", "serviceLocation": place} for place in places]
    if service.phones:
        record.setdefault("availableChannel", []).append(
            {
                "@type": "ServiceChannel",
                "servicePhone": {"@type": "ContactPoint", "telephone": service.phones[0]["number"]},
            }
        )
    return record
