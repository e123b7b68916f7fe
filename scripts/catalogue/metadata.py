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
from scripts.formats import script_json
from scripts.settings import value
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
            for cell in r.distinct(f)
            if (s := _span(cell, f))
        ]

    read_coverage_fields(package)
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


def read_coverage_fields(package: DataPackage) -> None:
    """Each data file's time and area fields, read in one pass per file (kept by the resource for both
    coverages)."""
    wanted = (*time_fields(package), "authority_code")
    for resource in package.data_resources:
        present = {spec["name"] for spec in resource.fields}
        resource.distinct_each([name for name in wanted if name in present])


def spatial_coverage(package: DataPackage, names: dict[str, str] | None = None) -> list[str]:
    """The authorities the package's rows are about, in order of first appearance: every
    ``authority_code`` in any file, named from ``names`` (the GSS reference), else the code."""
    names = authority_names(value("gss_codes")) if names is None else names
    read_coverage_fields(package)
    codes: dict[str, None] = {}
    for resource in package.data_resources:
        if any(spec["name"] == "authority_code" for spec in resource.fields):
            codes.update(dict.fromkeys(resource.distinct("authority_code")))
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


# --- Licences: one per file ------------------------------------------------------------------------


def resource_licences(package: DataPackage) -> dict[str, dict]:
    """Each file's one licence: the resource's own ``licenses`` entry, or the package's when it has just one.

    A package whose files carry different licences must state each file's licence on its resource."""
    package_licences = package.descriptor.get("licenses", [])
    found = {}
    for resource in package.resources.values():
        licences = resource.descriptor.get("licenses") or package_licences
        if len(licences) != 1:
            raise ValueError(
                f"{package.folder / 'datapackage.json'}: resource {resource.name}: "
                f"{len(licences)} licences apply; state the one licence of {resource.filename} "
                'in the resource\'s "licenses"'
            )
        found[resource.filename] = licences[0]
    return found


def whole_package_licence(package: DataPackage, site_url: str) -> dict:
    """The licence of a file holding the whole package (the zip, the descriptor): the files' licence when they
    share one; otherwise a statement, on the dataset page, of which licence each file carries."""
    per_file = resource_licences(package)
    distinct = {licence["path"]: licence for licence in per_file.values()}
    if len(distinct) == 1:
        return next(iter(distinct.values()))
    parts = []
    for path, licence in distinct.items():
        names = [name for name, lic in per_file.items() if lic["path"] == path]
        parts.append(f"{licence.get('title', path)} for {', '.join(names)}")
    return {
        "path": absolute(site_url, f"/data/{package.name}/#licence"),
        "title": "Each file under its own licence: " + "; ".join(parts),
    }


def file_licence(view: dict, filename: str, site_url: str) -> dict:
    package: DataPackage = view["package"]
    return resource_licences(package).get(filename) or whole_package_licence(package, site_url)


# --- schema.org ------------------------------------------------------------------------------------


def variables_measured(package: DataPackage) -> list[dict]:
    """One schema.org PropertyValue per field of each data file (not the sources list), with its unit.
    Descriptions stay in the page's data dictionary and datapackage.json, keeping the page within its budget."""
    variables = []
    for resource in package.data_resources:
        for spec in resource.fields:
            variable = {
                "@type": "PropertyValue",
                "name": spec.get("title", spec["name"]),
                "propertyID": f"{resource.name}.{spec['name']}",
            }
            if spec.get("unit"):
                variable["unitText"] = spec["unit"]
            variables.append(variable)
    return variables


def cited_sources(package: DataPackage) -> list[dict]:
    """The works the data is drawn from, as schema.org CreativeWorks (a dataset's ``citation``)."""
    works = []
    for source in package.sources.values():
        work = {"@type": "CreativeWork", "name": source["title"], "url": source["url"]}
        if not is_missing(source.get("publisher")):
            work["publisher"] = {"@type": "Organization", "name": source["publisher"]}
        if not is_missing(source.get("date_published")):
            work["datePublished"] = source["date_published"]
        works.append(work)
    return works


def dataset_jsonld(view: dict, site_url: str, publisher: str, catalog_name: str = "") -> dict:
    """schema.org Dataset for a dataset page (``view`` from catalogue.package_view)."""
    package: DataPackage = view["package"]
    organisation = {"@type": "Organization", "name": publisher, "url": site_url}
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": absolute(site_url, f"/data/{package.name}/"),
        "url": absolute(site_url, f"/data/{package.name}/"),
        "name": package.title,
        "description": view["description"],
        "license": [licence["path"] for licence in view["licenses"]],
        "creator": organisation,
        "publisher": organisation,
        "version": package.version,
        "keywords": package.descriptor.get("keywords", []),
        "isAccessibleForFree": True,
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": catalog_name or publisher,
            "url": absolute(site_url, "/data/"),
        },
        "variableMeasured": variables_measured(package),
        "citation": cited_sources(package),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": d.filename,
                "contentUrl": absolute(site_url, d.url),
                "encodingFormat": media_type(d.filename),
                "license": file_licence(view, d.filename, site_url)["path"],
            }
            for d in downloads(view)
        ],
    }
    if cited := view.get("citation"):
        # The stable address of this version: its own folder, whose files never change.
        data["identifier"] = cited["record"].url
        if cited["record"].date:
            data["datePublished"] = cited["record"].date
    if view.get("last_updated"):
        data["dateModified"] = view["last_updated"]
    if coverage := temporal_coverage(package):
        data["temporalCoverage"] = coverage
    if places := places_of(view):
        data["spatialCoverage"] = jsonld_places(places)
    return data


# A dataset page's JSON-LD names each place its rows are about up to this many. Past it, it names the one place
# that holds them all, as schema.org's own example does (a dataset of New York weather covers the state of New
# York): every place is an English council (the GSS reference holds only E codes), so that place is England. A
# page so stays within its weight budget with every council in England in its rows; the DCAT catalogue
# (catalog.jsonld) and the data itself still name every place.
JSONLD_PLACES = 20
ENGLAND = {"@type": "Place", "name": "England", "identifier": "E92000001"}


def jsonld_places(places: list[str]) -> list[dict]:
    if len(places) > JSONLD_PLACES:
        return [ENGLAND]
    return [{"@type": "Place", "name": name} for name in places]


def dataset_jsonld_text(view: dict, site_url: str, publisher: str, catalog_name: str = "") -> str:
    """The JSON-LD as text safe inside a <script> element (no "</" can close it)."""
    text = json.dumps(
        dataset_jsonld(view, site_url, publisher, catalog_name), ensure_ascii=False, separators=(",", ":")
    )
    return script_json(text)


# --- DCAT-AP 3.0.1 -----------------------------------------------------------------------------------

IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
EU_FILE_TYPES = {".csv": "CSV", ".json": "JSON", ".zip": "ZIP"}
EU = "http://publications.europa.eu/resource/authority/"
ATTRIBUTION = "http://purl.org/adms/licencetype/Attribution"  # both OGL v3.0 and CC BY 4.0 ask for attribution
STABLE = "http://data.europa.eu/r5r/availability/stable"
THEMES = (("HEAL", "Health"), ("SOCI", "Population and society"))
# The catalogue's own text (titles, descriptions) is ours, under CC BY 4.0 like the rest of the site's text.
CATALOGUE_LICENCE = {
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def _licence_document(licence: dict) -> dict:
    return {
        "@id": licence["path"],
        "@type": "dct:LicenseDocument",
        "rdfs:label": licence.get("title", licence["path"]),
        "dct:type": {"@id": ATTRIBUTION, "@type": "skos:Concept", "skos:prefLabel": "Attribution"},
    }


def _media_type(filename: str) -> dict:
    return {"@id": IANA_MEDIA_TYPES + media_type(filename), "@type": "dct:MediaType"}


def _file_type(filename: str) -> dict | None:
    code = next((c for ext, c in EU_FILE_TYPES.items() if filename.endswith(ext)), None)
    return {"@id": f"{EU}file-type/{code}", "@type": "dct:MediaTypeOrExtent"} if code else None


def publisher_agent(site_url: str, publisher: str) -> dict:
    """The one publisher, the same node wherever it appears."""
    return {"@id": absolute(site_url, "/#publisher"), "@type": "foaf:Agent", "foaf:name": publisher}


def _distribution(view: dict, download, description: str, site_url: str) -> dict:
    url = absolute(site_url, download.url)
    distribution = {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": download.filename,
        "dct:description": description,
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dcat:mediaType": _media_type(download.filename),
        "dct:license": _licence_document(file_licence(view, download.filename, site_url)),
        "dcatap:availability": {"@id": STABLE, "@type": "skos:Concept", "skos:prefLabel": "Stable"},
    }
    if file_type := _file_type(download.filename):
        distribution["dct:format"] = file_type
    return distribution


def _descriptions(view: dict) -> dict[str, str]:
    found = {
        view["zip_download"].filename: "Every file of this dataset in one zip: datapackage.json and the CSVs.",
        view["descriptor_download"].filename: "The data package descriptor: every file and column described.",
    }
    for resource in view["resources"]:
        found[resource["download"].filename] = resource["description"] or resource["title"]
    return found


def _contact_point(publisher: str, contact_email: str, contact_url: str) -> dict:
    point = {"@type": "vcard:Kind", "vcard:fn": publisher}
    if contact_email:
        point["vcard:hasEmail"] = {"@id": f"mailto:{contact_email}"}
    if contact_url:
        point["vcard:hasURL"] = {"@id": contact_url}
    return point


def _identifier_and_dates(view: dict, package: DataPackage) -> dict:
    """A dataset's citable identifier, when it was issued and modified, and the time its data covers."""
    found = {}
    if cited := view.get("citation"):
        found["adms:identifier"] = {
            "@type": "adms:Identifier",
            "skos:notation": cited["record"].url,
        }
        if cited["record"].date:
            found["dct:issued"] = {"@value": cited["record"].date, "@type": "xsd:date"}
    if view.get("last_updated"):
        found["dct:modified"] = {"@value": view["last_updated"], "@type": "xsd:date"}
    if coverage := temporal_coverage(package):
        start, _, end = coverage.partition("/")
        found["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": start, "@type": "xsd:date"},
            "dcat:endDate": {"@value": end or start, "@type": "xsd:date"},
        }
    return found


def dcat_catalog(
    views: list[dict], site_url: str, sitename: str, publisher: str, contact_email: str = "", contact_url: str = ""
) -> dict:
    """A DCAT-AP 3.0.1 catalogue of every package, as JSON-LD that ckanext-dcat can harvest."""
    agent = publisher_agent(site_url, publisher)
    contact = _contact_point(publisher, contact_email, contact_url) if contact_email or contact_url else None
    datasets = [_dataset(view, site_url, agent, contact) for view in views]
    catalog = {
        "@context": {
            **DCAT_CONTEXT,
            "adms": "http://www.w3.org/ns/adms#",
            "dcatap": "http://data.europa.eu/r5r/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
        },
        "@id": absolute(site_url, "/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": sitename,
        "dct:description": "Every data package this site publishes.",
        "dct:publisher": agent,
        "dct:language": {"@id": f"{EU}language/ENG", "@type": "dct:LinguisticSystem"},
        "dct:license": _licence_document(CATALOGUE_LICENCE),
        "foaf:homepage": {"@id": absolute(site_url, "/"), "@type": "foaf:Document"},
        "dcat:themeTaxonomy": {
            "@id": f"{EU}data-theme",
            "@type": "skos:ConceptScheme",
            "dct:title": "Data theme",
        },
        "dcat:dataset": datasets,
    }
    modified = [v["last_updated"] for v in views if v.get("last_updated")]
    if modified:
        catalog["dct:modified"] = {"@value": max(modified), "@type": "xsd:date"}
    return catalog


def _dataset(view: dict, site_url: str, agent: dict, contact: dict | None) -> dict:
    """One package as a dcat:Dataset: its words, themes, distributions, contact point, dates and places."""
    package: DataPackage = view["package"]
    page = absolute(site_url, f"/data/{package.name}/")
    descriptions = _descriptions(view)
    dataset = {
        "@id": page + "#dataset",  # the dataset, not its landing page (a foaf:Document)
        "@type": "dcat:Dataset",
        "dct:identifier": package.name,
        "dct:title": package.title,
        "dct:description": view["description"],
        "dct:publisher": agent,
        "dcat:version": package.version,
        "dcat:landingPage": {"@id": page, "@type": "foaf:Document"},
        "dcat:keyword": package.descriptor.get("keywords", []),
        "dcat:theme": [
            {"@id": f"{EU}data-theme/{code}", "@type": "skos:Concept", "skos:prefLabel": label}
            for code, label in THEMES
        ],
        "dcat:distribution": [
            _distribution(view, d, descriptions.get(d.filename, d.filename), site_url) for d in downloads(view)
        ],
    }
    if contact is not None:  # the feedback form when the project has no email address
        dataset["dcat:contactPoint"] = contact
    dataset.update(_identifier_and_dates(view, package))
    if places := places_of(view):
        dataset["dct:spatial"] = [{"@type": "dct:Location", "skos:prefLabel": name} for name in places]
    return dataset
