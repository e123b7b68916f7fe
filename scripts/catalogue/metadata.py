"""Machine-readable catalogue metadata: schema.org Dataset JSON-LD per dataset page and a DCAT catalogue.

Coverage is read from the data, never typed: time from every date, month, year and
``financial_year`` field (April to March) of the data files, failing those the sources'
``date_published``; places from every ``authority_code`` (service areas included), named from the
GSS reference file.
"""

from __future__ import annotations

import calendar
import json
import re

from scripts.datapackages import DataPackage, authority_names
from scripts.settings import default
from scripts.symbols import is_missing

MEDIA_TYPES = {".csv": "text/csv", ".json": "application/json", ".zip": "application/zip"}
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _span(cell: str, field: str) -> tuple[str, str] | None:
    """The first and last day a cell of a time field covers, or None if it is not a date."""
    if field == "financial_year" and (m := re.fullmatch(r"(\d{4})-\d{2}", cell)):
        start = int(m[1])
        return f"{start}-04-01", f"{start + 1}-03-31"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", cell):
        year, month = int(m[1]), int(m[2])
        return f"{cell}-01", f"{cell}-{calendar.monthrange(year, month)[1]:02d}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
        return cell, cell
    if re.fullmatch(r"\d{4}", cell):
        return f"{cell}-01-01", f"{cell}-12-31"
    return None


def temporal_coverage(package: DataPackage) -> str | None:
    """An ISO 8601 interval (start/end) over the package's time fields; the sources' dates if it has none."""

    def spans(resources, fields):
        # Each distinct value once: a million rows hold a handful of years.
        return [
            s
            for r in resources
            for f in fields
            if any(spec["name"] == f for spec in r.fields)
            for cell in set(r.column(f))
            if (s := _span(cell, f))
        ]

    found = spans(package.data_resources, time_fields(package))
    if not found and "sources" in package.resources:
        found = spans([package.resources["sources"]], ("date_published",))
    if not found:
        return None
    start, end = min(s[0] for s in found), max(s[1] for s in found)
    return start if start == end else f"{start}/{end}"


# Dates about our own work, not about what the data describes.
NOT_COVERAGE = {"last_checked", "date_accessed"}
TIME_TYPES = {"date", "yearmonth", "year"}


def time_fields(package: DataPackage) -> tuple[str, ...]:
    """Every field of the data files that says when: by type, or by name for text-typed years."""
    names = {
        spec["name"]
        for resource in package.data_resources
        for spec in resource.fields
        if spec["name"] not in NOT_COVERAGE
        and (spec.get("type") in TIME_TYPES or spec["name"] in ("financial_year", "month"))
    }
    return tuple(sorted(names))


def spatial_coverage(package: DataPackage, names: dict[str, str] | None = None) -> list[str]:
    """The authorities the package's rows are about, in order of first appearance: every
    ``authority_code`` in any file, named from ``names`` (the GSS reference), else the code."""
    names = authority_names(default("gss_codes")) if names is None else names
    codes: dict[str, None] = {}
    for resource in package.data_resources:
        if any(spec["name"] == "authority_code" for spec in resource.fields):
            codes.update(dict.fromkeys(resource.column("authority_code")))
    return [names.get(code, code) for code in codes if not is_missing(code)]


def places_of(view: dict) -> list[str]:
    """The view's places, named by the build's GSS file when the site set them, else the default file."""
    return view["places"] if "places" in view else spatial_coverage(view["package"])


def absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + path


def downloads(view: dict) -> list:
    return [view["zip_download"], *(r["download"] for r in view["resources"]), view["descriptor_download"]]


def media_type(filename: str) -> str:
    return next((t for ext, t in MEDIA_TYPES.items() if filename.endswith(ext)), "application/octet-stream")


def dataset_jsonld(view: dict, site_url: str, publisher: str) -> dict:
    """schema.org Dataset for a dataset page (``view`` from catalogue.package_view)."""
    package: DataPackage = view["package"]
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": absolute(site_url, f"/data/{package.name}/"),
        "url": absolute(site_url, f"/data/{package.name}/"),
        "name": package.title,
        "description": view["description"],
        "license": [licence["path"] for licence in view["licenses"]],
        "creator": {"@type": "Organization", "name": publisher, "url": site_url},
        "publisher": {"@type": "Organization", "name": publisher, "url": site_url},
        "version": package.version,
        "keywords": package.descriptor.get("keywords", []),
        "isAccessibleForFree": True,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": d.filename,
                "contentUrl": absolute(site_url, d.url),
                "encodingFormat": media_type(d.filename),
            }
            for d in downloads(view)
        ],
    }
    if view.get("last_updated"):
        data["dateModified"] = view["last_updated"]
    if coverage := temporal_coverage(package):
        data["temporalCoverage"] = coverage
    if places := places_of(view):
        data["spatialCoverage"] = [{"@type": "Place", "name": name} for name in places]
    return data


def dataset_jsonld_text(view: dict, site_url: str, publisher: str) -> str:
    """The JSON-LD as text safe inside a <script> element (no "</" can close it)."""
    text = json.dumps(dataset_jsonld(view, site_url, publisher), ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def dcat_catalog(views: list[dict], site_url: str, sitename: str, publisher: str) -> dict:
    """A DCAT-AP style catalogue of every package, as JSON-LD that ckanext-dcat can harvest."""
    agent = {"@type": "foaf:Agent", "foaf:name": publisher}
    datasets = []
    for view in views:
        package: DataPackage = view["package"]
        page = absolute(site_url, f"/data/{package.name}/")
        dataset = {
            "@id": page,
            "@type": "dcat:Dataset",
            "dct:identifier": package.name,
            "dct:title": package.title,
            "dct:description": view["description"],
            "dct:publisher": agent,
            "dct:license": [{"@id": licence["path"]} for licence in view["licenses"]],
            "owl:versionInfo": package.version,
            "dcat:landingPage": {"@id": page},
            "dcat:keyword": package.descriptor.get("keywords", []),
            "dcat:distribution": [
                {
                    "@id": absolute(site_url, d.url),
                    "@type": "dcat:Distribution",
                    "dct:title": d.filename,
                    "dcat:downloadURL": {"@id": absolute(site_url, d.url)},
                    "dcat:accessURL": {"@id": absolute(site_url, d.url)},
                    "dcat:mediaType": media_type(d.filename),
                    "dct:license": [{"@id": licence["path"]} for licence in view["licenses"]],
                }
                for d in downloads(view)
            ],
        }
        if view.get("last_updated"):
            dataset["dct:modified"] = {"@value": view["last_updated"], "@type": "xsd:date"}
        if coverage := temporal_coverage(package):
            start, _, end = coverage.partition("/")
            dataset["dct:temporal"] = {
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": {"@value": start, "@type": "xsd:date"},
                "dcat:endDate": {"@value": end or start, "@type": "xsd:date"},
            }
        if places := places_of(view):
            dataset["dct:spatial"] = [{"@type": "dct:Location", "skos:prefLabel": name} for name in places]
        datasets.append(dataset)
    return {
        "@context": {
            **DCAT_CONTEXT,
            "owl": "http://www.w3.org/2002/07/owl#",
            "skos": "http://www.w3.org/2004/02/skos/core#",
        },
        "@id": absolute(site_url, "/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": sitename,
        "dct:description": "Every data package this site publishes.",
        "dct:publisher": agent,
        "foaf:homepage": {"@id": absolute(site_url, "/")},
        "dcat:dataset": datasets,
    }
