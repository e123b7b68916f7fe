"""The service directory: providers and services from data/providers/, shaped for the pages.

One entry per service; filters (facets) are declared once in ``FACETS`` and feed the static
filter pages (/directory/<facet path>/<value>/), the query keys the script reads
(?support=time-bank) and the counts beside each filter link.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from markupsafe import Markup

from scripts.datapackages import DataPackage
from scripts.directory.words import OLD_SOURCE_TEXT, address_text, dated, months_before, source_dates_text, tel
from scripts.symbols import known

log = logging.getLogger(__name__)

STATUS_LABELS = {"active": "Active", "renamed": "Active, under a new name", "closed": "Closed"}

NOT_CONFIRMED = "Not yet confirmed from a source"
STALE_AFTER_MONTHS = 12


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


def is_stale(last_checked: date, today: date) -> bool:
    return last_checked < months_before(today, STALE_AFTER_MONTHS)


def _rows(resources, name: str) -> list[dict]:
    return resources[name].rows if name in resources else []


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        if known(row.get(key)):
            grouped.setdefault(row[key], []).append(row)
    return grouped


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
    areas = _areas(resources, authority_names)
    figures = resources["market_snapshot"].rows if "market_snapshot" in resources else []

    providers = [_provider(row, resources, sources, phones, today) for row in resources["organization"].rows]
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


def _areas(resources: dict, authority_names: dict[str, str]) -> dict[str, list[dict]]:
    """Service id -> the areas it serves, each with its authority's name and a locality unless it is the whole."""
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
    return areas


def _provider(row: dict, resources: dict, sources: dict, phones: dict, today: date) -> Provider:
    """An organisation's row as a provider, its services still to be added."""
    if row["id"] in RESERVED_IDS:
        raise ValueError(f"{resources['organization'].path}: the id '{row['id']}' is taken by a filter page")
    last_checked = date.fromisoformat(row["last_checked"])
    return Provider(
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
