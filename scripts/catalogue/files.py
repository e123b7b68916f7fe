"""The data catalogue: /data/, a page per package, and its downloads.

Published CSVs and descriptors are copied byte for byte; each package is also offered as a
zip whose bytes depend only on its files (fixed timestamps), so rebuilding changes nothing.
The zip holds datapackage.json at its root with the CSVs beside it, so that
``frictionless.Package("<package>.zip")`` opens it as a data package.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from scripts.catalogue import citation
from scripts.catalogue.metadata import resource_licences
from scripts.catalogue.snippets import snippets
from scripts.datapackages import DataPackage, Resource
from scripts.formats import file_size
from scripts.gitinfo import last_changed
from scripts.symbols import SYMBOLS

# Each file's preview page shows its first rows; the CSV has them all.
PREVIEW_ROWS = 20
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Download:
    url: str
    filename: str
    kind: str
    size: str

    @property
    def text(self) -> str:
        return f"Download {self.filename} ({self.size} {self.kind})"


# Patterns in words, for the data dictionary; the exact pattern is shown beside them for the technical reader.
# A pattern not listed here is shown as it is, with "matches the pattern below".
PATTERN_WORDS = {
    "^E(06|07|08|09|10)[0-9]{6}$": "a GSS code for a council: E06…, E07…, E08…, E09… or E10… and six digits",
    "^[a-z0-9]+(-[a-z0-9]+)*$": "lower-case letters and digits, with single hyphens between words",
    "^[0-9]{4}-[0-9]{2}$": "four digits, a hyphen and two digits",
    "^[0-9]{4}-(0[1-9]|1[0-2])$": "a year and a month number from 01 to 12, such as 2023-03",
    "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$": "a year (2019), a year and month (2019-09) or a full date (2019-09-05)",
    "^([0-9]{4}-[0-9]{2}|[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?(/[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?)$": (
        "a financial year (2022-23), a year, a year and month or a full date, or a span of two of those "
        "joined by / (2021-04/2022-03)"
    ),
    "^(GIR 0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY]) "
    "[0-9][ABD-HJLNP-UW-Z]{2})$": "a UK postcode in capitals with its space, such as L8 7LB",
    "^[A-Z]{2}$": "a two-letter country code in capitals, such as GB",
    "^0[1-9]( ?[0-9]){8,9}$": "a UK phone number: 0, then 9 or 10 more digits, spaces allowed (0151 702 5555)",
    "^(999|111|116 ?[0-9]{3}|0[1-9]( ?[0-9]){8,9})$": (
        "999, 111, a 116 number (116 123) or a UK phone number: 0, then 9 or 10 more digits"
    ),
    "^(-?[1-5]?(MO|TU|WE|TH|FR|SA|SU))(,-?[1-5]?(MO|TU|WE|TH|FR|SA|SU))*$": (
        "days of the week as two letters (MO, TU, WE, TH, FR, SA, SU), comma-separated, each optionally after "
        "a week number (1TU: the first Tuesday; -1FR: the last Friday)"
    ),
    "^-?[0-9]{1,2}(,-?[0-9]{1,2})*$": "days of the month as numbers, comma-separated (-1 is the last day)",
    "^[0-9]{3}$": "three digits, such as 102",
    "^[A-Z]{1,3}$": "one to three capital letters, as a spreadsheet names a column (A, Z, AA)",
    "^E92000001$": "E92000001, the GSS code of England",
    "^E12[0-9]{6}$": "a GSS code for a region of England: E12 and six digits",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a full date, such as 2009-04-01",
}


# Each constraint a reader may meet, in the order the page says them: (key in "constraints", its sentence).
CONSTRAINT_WORDS = (
    ("required", lambda v: "Required: every row has a value." if v else ""),
    ("unique", lambda v: "No two rows have the same value." if v else ""),
    ("minimum", lambda v: f"At least {v}."),
    ("maximum", lambda v: f"At most {v}."),
    ("minLength", lambda v: f"At least {v} characters."),
    ("maxLength", lambda v: f"At most {v} characters."),
    ("enum", lambda v: "One of: " + ", ".join(map(str, v)) + "."),
)


def constraints_words(spec: dict, suppressed_counts: str) -> list[str]:
    """A field's constraints as sentences a reader can follow, without regular expressions."""
    c = spec.get("constraints", {})
    parts = [words(c[key]) for key, words in CONSTRAINT_WORDS if key in c]
    if "pattern" in c:
        words = PATTERN_WORDS.get(c["pattern"], "text that matches the exact pattern below")
        example = f" For example {spec['example']}." if "example" in spec else ""
        parts.append(words[0].upper() + words[1:] + "." + example)
    if spec.get("sumsTo100Within"):
        parts.append("Shares add up to 100 within each " + " and ".join(spec["sumsTo100Within"]) + ".")
    if spec.get("disclosureControl"):
        parts.append(f"Counts from {suppressed_counts} are published as [c].")
    return [part for part in parts if part]


def breakable(name: str) -> Markup:
    """A column name that may wrap after an underscore, and nowhere else (<wbr>)."""
    return Markup("_<wbr>").join(escape(part) for part in name.split("_"))


def package_url(package: DataPackage) -> str:
    return f"/data/{package.name}/"


def resource_download(resource: Resource) -> Download:
    return Download(
        f"/data/{resource.package.name}/{resource.filename}",
        resource.filename,
        "CSV",
        file_size(resource.path.stat().st_size),
    )


def package_view(package: DataPackage, site_url: str, suppressed_counts: str) -> dict:
    """Everything the dataset page shows, worked out here so the template only lays it out."""
    licences = resource_licences(package)
    resources = [
        resource_view(resource, licences[resource.filename], suppressed_counts)
        for resource in package.resources.values()
    ]
    return {
        "package": package,
        "name": package.name,
        "title": package.title,
        # whose data a compilation is drawn from: the descriptor's contributors with the role "author"
        "compiled_from": "; ".join(
            c["title"]
            for c in package.descriptor.get("contributors", [])
            if c.get("role") == "author" and c.get("title")
        ),
        "description": package.descriptor.get("description", ""),
        "version": package.version,
        "licenses": package.descriptor.get("licenses", []),
        "mixed_licences": len({licence["path"] for licence in licences.values()}) > 1,
        "licence_note": package.descriptor.get("x-licence-note", ""),
        "last_updated": last_changed(package.folder),
        "sources": list(package.sources.values()),
        "resources": resources,
        "snippets": snippets(package, site_url),
        "descriptor_download": Download(
            f"/data/{package.name}/datapackage.json",
            "datapackage.json",
            "JSON",
            file_size((package.folder / "datapackage.json").stat().st_size),
        ),
        "symbols": SYMBOLS,
    }


def resource_view(resource, licence: dict, suppressed_counts: str) -> dict:
    """One resource as the dataset page shows it: its fields in words, a preview, its download and licence."""
    return {
        "name": resource.name,
        "title": resource.descriptor.get("title", resource.name),
        "description": resource.descriptor.get("description", ""),
        "fields": [
            {
                **spec,
                "name_html": breakable(spec["name"]),
                "constraints_words": constraints_words(spec, suppressed_counts),
                "pattern": spec.get("constraints", {}).get("pattern"),
            }
            for spec in resource.fields
        ],
        "header": [spec["name"] for spec in resource.fields],
        "header_html": {spec["name"]: breakable(spec["name"]) for spec in resource.fields},
        "preview": resource.head(PREVIEW_ROWS),
        "row_count": resource.row_count,
        "download": resource_download(resource),
        "primary_key": resource.primary_key,
        "licence": licence,
    }


def attach_releases(view: dict, releases: list, site_url: str, publisher: str, output: Path) -> None:
    """Give the view its releases and each release its citation; write each citation's BibTeX, RIS and CSL-JSON
    into that version's folder. ``view["citation"]`` is the current version's."""
    view["releases"] = releases
    view["citations"] = {}
    for release in releases:
        cited = citation.release_citation(
            view["name"], view["title"], release, publisher, site_url, view.get("compiled_from", "")
        )
        citation.write(cited, output / "data" / release.package / release.version)
        view["citations"][release.version] = {"record": cited, "downloads": citation.downloads(cited)}
        if release.current:
            view["citation"] = view["citations"][release.version]
            view["current_release"] = release


def write_zip(files: dict[str, bytes | Path], archive: Path) -> None:
    """A zip of ``files`` (name -> bytes, or a file streamed in, never held whole) at its root, the same bytes on
    every build (fixed times and modes)."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(content, bytes):
                zipped.writestr(info, content)
                continue
            info.file_size = content.stat().st_size  # as writestr sets it: the same header either way
            with open(content, "rb") as source, zipped.open(info, "w") as target:
                shutil.copyfileobj(source, target, 1 << 20)


def package_files(package: DataPackage) -> list[str]:
    """The files a package publishes, in the order its zips hold them: its descriptor, then each resource's."""
    return ["datapackage.json"] + [r.filename for r in package.resources.values()]


def zip_path(package: DataPackage, output: Path) -> Path:
    return output / "data" / f"{package.name}.zip"


def write_files(package: DataPackage, output: Path) -> Download:
    """Copy the package's files into output/data/<name>/ and zip them (``zip_path``); return the zip's download."""
    target = output / "data" / package.name
    target.mkdir(parents=True, exist_ok=True)
    names = package_files(package)
    for name in names:
        shutil.copyfile(package.folder / name, target / name)
    archive = zip_path(package, output)
    write_zip({name: package.folder / name for name in names}, archive)
    return Download(f"/data/{package.name}.zip", f"{package.name}.zip", "ZIP", file_size(archive.stat().st_size))
