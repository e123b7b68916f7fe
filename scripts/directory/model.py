"""The service directory: providers and services from data/providers/, shaped for the pages.

One entry per service; filters (facets) are declared once in ``FACETS`` and feed the static
filter pages (/directory/<facet path>/<value>/), the query keys the script reads
(?support=time-bank) and the counts beside each filter link.
"""

from __future__ import annotations

import calendar
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import markdown as markdown_lib
from markupsafe import Markup

from scripts.datapackages import DataPackage
from scripts.settings import ROOT
from scripts.site import safe_markdown
from scripts.site.references import ReferenceProblem
from scripts.symbols import is_missing

log = logging.getLogger(__name__)

STATUS_LABELS = {"active": "Active", "renamed": "Active, under a new name", "closed": "Closed"}

NOT_CONFIRMED = "Not yet confirmed from a source"
STALE_AFTER_MONTHS = 12
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


@dataclass(frozen=True)
class Facet:
    key: str  # the query key: ?support=time-bank
    path: str  # the static pages: /directory/support-type/time-bank/
    title: str


# Titles in the words a member of the public would use; the paths and query keys stay stable.
FACETS = (
    Facet("area", "area", "Council area"),
    Facet("locality", "locality", "Part of the council area"),
    Facet("support", "support-type", "What kind of support"),
    Facet("activity", "activity-kind", "What the activities are about"),
    Facet("cost", "cost", "Cost"),
)
TAXONOMY_FACETS = {"support-type": "support", "activity-kind": "activity"}
COSTS = (("free", "Free"), ("charges", "Charges apply"), ("not-confirmed", "Cost not yet confirmed"))
DAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday"}
DAYS["SU"] = "Sunday"
RESERVED_IDS = {f.path for f in FACETS}


def known(cell: str | None) -> str:
    """The cell, or '' for a GSS symbol or a blank."""
    return "" if cell is None or is_missing(cell.strip()) else cell.strip()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cost_value(fees_description: str) -> str:
    fees = known(fees_description).lower()
    if not fees:
        return "not-confirmed"
    return "free" if fees.startswith("free") else "charges"


@dataclass
class Service:
    id: str
    name: str
    description: str
    status: str
    eligibility: str
    application_process: str
    fees: str
    url: str
    email: str
    areas: list[dict]
    terms: list[dict]
    source: dict
    provider: Provider | None = None
    locations: list[dict] = field(default_factory=list)  # location rows, each with its "address" and "source"
    phones: list[dict] = field(default_factory=list)
    schedules: list[dict] = field(default_factory=list)

    @cached_property
    def values(self) -> dict[str, list[str]]:
        """facet key -> the values this service has."""
        values = {facet.key: [] for facet in FACETS}
        for area in self.areas:
            values["area"].append(area["authority_slug"])
            if area["locality_slug"]:
                values["locality"].append(area["locality_slug"])
        for term in self.terms:
            values[TAXONOMY_FACETS[term["taxonomy"]]].append(term["id"])
        values["cost"].append(cost_value(self.fees))
        return values

    def terms_of(self, taxonomy: str) -> list[dict]:
        return [t for t in self.terms if t["taxonomy"] == taxonomy]

    @property
    def cost_text(self) -> str:
        return known(self.fees) or NOT_CONFIRMED

    @property
    def has_contact(self) -> bool:
        """Whether the provider page shows any sourced way to get in touch for this service."""
        provider = self.provider
        return bool(
            self.url or self.email or self.phones or self.locations or provider.website or provider.email
        ) or bool(provider.phones)

    @property
    def record(self) -> dict:
        """What /directory/entries.json holds for this entry: what the filters and the entry on the page need.

        Keys with nothing to say are left out, to keep the file small."""
        provider = self.provider
        record = {
            "id": self.id,
            "name": self.name,
            "org": provider.id,
            "orgName": provider.name,
            "former": provider.former_name,
            "closed": provider.status == "closed",
            "description": self.description,
            "where": ", ".join(a["name"] for a in self.areas),
            "for": self.eligibility,
            "terms": ", ".join(t["name"] for t in self.terms),
            "costText": self.cost_text,
            "contact": self.has_contact,
            "checked": provider.last_checked.isoformat() if provider.stale else "",
            "source": source_dates_text(self.source),
            "sourceOld": OLD_SOURCE_TEXT if self.source and self.source["old"] else "",
            **{key: values for key, values in self.values.items()},
        }
        return {key: value for key, value in record.items() if value}


@dataclass
class Provider:
    id: str
    name: str
    alternate_name: str
    former_name: str
    description: str
    website: str
    email: str
    status: str
    last_checked: date
    source: dict
    website_source: dict = field(default_factory=dict)
    phones: list[dict] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    stale: bool = False
    prose: Markup = field(default_factory=Markup)
    figures: list[dict] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.status == "closed"

    @property
    def status_label(self) -> str:
        """The status in words, with the former name when the organisation was renamed."""
        label = STATUS_LABELS[self.status]
        if self.status == "renamed" and self.former_name:
            label += f" (formerly {self.former_name})"
        return label

    @property
    def url(self) -> str:
        return f"/directory/{self.id}/"


@dataclass
class FilterValue:
    facet: Facet
    value: str
    label: str
    entries: list[Service]

    @property
    def url(self) -> str:
        return f"/directory/{self.facet.path}/{self.value}/"


@dataclass
class Coverage:
    """How much of a council's own count of providers the directory lists, from the council's figures."""

    authority_name: str
    financial_year: str
    council_count: str  # as published: providers or accredited locations
    listed: int  # organisations in the directory with a service in that council's area
    source: dict

    @property
    def partial(self) -> bool:
        """The council counts more providers than the directory lists (never when its count is not published)."""
        count = known(self.council_count)
        return count.isdigit() and self.listed < int(count)


@dataclass
class Directory:
    providers: list[Provider]
    filters: dict[str, list[FilterValue]]  # facet key -> values, in display order
    coverage: list[Coverage] = field(default_factory=list)

    @property
    def services(self) -> list[Service]:
        return [s for p in self.providers for s in p.services]

    @property
    def stale(self) -> list[Provider]:
        return [p for p in self.providers if p.stale]

    def filter_values(self):
        return [v for values in self.filters.values() for v in values]

    def entries_json(self) -> str:
        """/directory/entries.json: every entry, compact, for instant filtering across all of them."""
        return json.dumps(
            {"total": len(self.services), "entries": [s.record for s in self.services]},
            ensure_ascii=False,
            separators=(",", ":"),
        )


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


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)


def is_stale(last_checked: date, today: date) -> bool:
    return last_checked < months_before(today, STALE_AFTER_MONTHS)


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


def _rows(resources, name: str) -> list[dict]:
    return resources[name].rows if name in resources else []


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        if known(row.get(key)):
            grouped.setdefault(row[key], []).append(row)
    return grouped


def tel(number: str) -> str:
    """The number for a tel: link: digits only."""
    return re.sub(r"[^0-9+]", "", number)


def address_text(address: dict) -> str:
    """The known parts of an address, in order, as one line."""
    parts = [address.get(k, "") for k in ("address_1", "city", "region", "state_province", "postal_code")]
    return ", ".join(known(p) for p in parts if known(p))


def schedule_text(schedule: dict) -> str:
    return known(schedule.get("description")) or ""


def _contacts(resources, sources: dict) -> tuple[dict, dict, dict]:
    """Phones by owner kind and id, locations (with address) by service id, schedules by service id."""

    def sourced(row: dict) -> dict:
        return {**row, "source": sources.get(row["source_id"], {})}

    phones = {kind: {} for kind in ("organization_id", "service_id", "location_id")}
    for row in _rows(resources, "phone"):
        for kind, owners in phones.items():
            if known(row.get(kind)):
                owners.setdefault(row[kind], []).append(sourced({**row, "tel": tel(row["number"])}))
    addresses = _by(_rows(resources, "address"), "location_id")
    locations = {}
    for row in _rows(resources, "location"):
        address = addresses.get(row["id"], [])
        locations[row["id"]] = sourced(
            {
                **row,
                "description": known(row.get("description")),
                "address": sourced({**address[0], "text": address_text(address[0])}) if address else None,
                "phones": phones["location_id"].get(row["id"], []),
            }
        )
    at = {}
    for link in _rows(resources, "service_at_location"):
        at.setdefault(link["service_id"], []).append({**locations[link["location_id"]], "link_id": link["id"]})
    schedules = {
        sid: [sourced(r) for r in rows] for sid, rows in _by(_rows(resources, "schedule"), "service_id").items()
    }
    return phones, at, schedules


def urgent_help(package: DataPackage | None) -> list[dict]:
    """The urgent-help routes (data/providers/urgent_help.csv), each with its number for a tel: link and its source."""
    if package is None or "urgent_help" not in package.resources:
        return []
    sources = package.sources
    return [
        {**row, "tel": tel(row["number"]), "source": sources.get(row["source_id"], {})}
        for row in package.resources["urgent_help"].rows
    ]


def load(package: DataPackage, authority_names: dict[str, str], today: date) -> Directory:
    """The directory from the providers package; ``today`` decides which entries are stale."""
    resources = package.resources
    sources = {sid: dated(row, today) for sid, row in package.sources.items()}
    phones, locations_of, schedules_of = _contacts(resources, sources)
    terms = {row["id"]: row for row in resources["taxonomy_term"].rows}
    services_terms: dict[str, list[dict]] = {}
    for row in resources["service_taxonomy"].rows:
        services_terms.setdefault(row["service_id"], []).append(terms[row["taxonomy_term_id"]])
    areas: dict[str, list[dict]] = {}
    for row in resources["service_area"].rows:
        authority = authority_names.get(row["authority_code"], row["authority_code"])
        locality = row["name"] if slug(row["name"]) != slug(authority) else ""
        areas.setdefault(row["service_id"], []).append(
            {
                **row,
                "authority_name": authority,
                "authority_slug": slug(authority),
                "locality": locality,
                "locality_slug": slug(locality),
            }
        )
    figures = resources["market_snapshot"].rows if "market_snapshot" in resources else []

    providers = []
    for row in resources["organization"].rows:
        if row["id"] in RESERVED_IDS:
            raise ValueError(f"{resources['organization'].path}: the id '{row['id']}' is taken by a filter page")
        last_checked = date.fromisoformat(row["last_checked"])
        provider = Provider(
            id=row["id"],
            name=row["name"],
            alternate_name=known(row["alternate_name"]),
            former_name=known(row["former_name"]),
            description=row["description"],
            website=known(row["website"]),
            email=known(row["email"]),
            status=row["status"],
            last_checked=last_checked,
            source=sources.get(row["source_id"], {}),
            website_source=sources.get(known(row.get("website_source_id")), {}),
            phones=phones["organization_id"].get(row["id"], []),
            stale=is_stale(last_checked, today),
        )
        providers.append(provider)
    by_id = {p.id: p for p in providers}
    for row in resources["service"].rows:
        service = Service(
            id=row["id"],
            name=row["name"],
            description=row["description"],
            status=row["status"],
            eligibility=known(row["eligibility_description"]),
            application_process=known(row["application_process"]),
            fees=known(row["fees_description"]),
            url=known(row["url"]),
            email=known(row["email"]),
            areas=areas.get(row["id"], []),
            terms=services_terms.get(row["id"], []),
            source=sources.get(row["source_id"], {}),
            locations=locations_of.get(row["id"], []),
            phones=phones["service_id"].get(row["id"], []),
            schedules=schedules_of.get(row["id"], []),
        )
        service.provider = by_id[row["organization_id"]]
        service.provider.services.append(service)
    for provider in providers:
        codes = {a["authority_code"] for s in provider.services for a in s.areas}
        provider.figures = [f for f in figures if f["authority_code"] in codes]
    providers.sort(key=lambda p: p.name.lower())
    return Directory(
        providers, _filters(providers, terms.values()), _coverage(providers, figures, authority_names, sources)
    )


def _coverage(providers, figures, authority_names, sources) -> list[Coverage]:
    """For each council that publishes a count of its providers: how many of them the directory lists."""
    coverage = []
    for figure in figures:
        code = figure["authority_code"]
        listed = {p.id for p in providers for s in p.services for a in s.areas if a["authority_code"] == code}
        coverage.append(
            Coverage(
                authority_names.get(code, figure["authority_name"]),
                figure["financial_year"],
                figure["providers_or_locations"],
                len(listed),
                sources.get(figure["source_id"], {}),
            )
        )
    return coverage


def _filters(providers: list[Provider], terms) -> dict[str, list[FilterValue]]:
    services = [s for p in providers for s in p.services]
    labels: dict[str, dict[str, str]] = {f.key: {} for f in FACETS}
    for service in services:
        for area in service.areas:
            labels["area"][area["authority_slug"]] = area["authority_name"]
            if area["locality_slug"]:
                labels["locality"][area["locality_slug"]] = area["locality"]
    for term in terms:  # every term, even one no service has yet: its page says so
        labels[TAXONOMY_FACETS[term["taxonomy"]]][term["id"]] = term["name"]
    labels["cost"] = dict(COSTS)
    # Which services have each value, in one pass over the services (in their order).
    members: dict[str, dict[str, list]] = {f.key: {} for f in FACETS}
    for service in services:
        for key, values in service.values.items():
            for value in dict.fromkeys(values):
                members[key].setdefault(value, []).append(service)
    filters = {}
    for facet in FACETS:
        ordered = labels[facet.key].items()
        if facet.key in ("area", "locality"):
            ordered = sorted(ordered, key=lambda item: item[1])
        filters[facet.key] = [
            FilterValue(facet, value, label, members[facet.key].get(value, [])) for value, label in ordered
        ]
    return filters


def attach_prose(directory: Directory, folder: Path, context, markdown_settings: dict) -> None:
    """Add content/directory/<id>.md to the provider with that id; an unknown id is an error."""
    by_id = {p.id: p for p in directory.providers}
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        shown = _display(path)
        if path.stem not in by_id:
            raise ReferenceProblem(
                shown,
                1,
                f"no provider has the id '{path.stem}' (the file's name); ids are in data/providers/organization.csv",
            )
        html = markdown_lib.Markdown(**markdown_settings).convert(text)
        by_id[path.stem].prose = Markup(safe_markdown.render(html, text, shown, context))


def warn_stale(directory: Directory, today: date) -> None:
    for provider in directory.stale:
        log.warning(
            "directory: %s (%s) was last checked on %s, over %d months before %s; check it and update "
            "last_checked in data/providers/organization.csv",
            provider.name,
            provider.id,
            provider.last_checked.isoformat(),
            STALE_AFTER_MONTHS,
            today.isoformat(),
        )


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
    graph = [organisation]
    for service in provider.services:
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
        graph.append(record)
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
