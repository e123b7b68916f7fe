"""The data catalogue: /data/, a page per package, and its downloads.

Published CSVs and descriptors are copied byte for byte; each package is also offered as a
zip whose bytes depend only on its files (fixed timestamps), so rebuilding changes nothing.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from scripts.datapackages import DataPackage, Resource
from scripts.formats import file_size
from scripts.gitinfo import last_changed
from scripts.symbols import SYMBOLS

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


def constraints_text(spec: dict, suppressed_counts: str) -> str:
    """A field's constraints in words; ``suppressed_counts`` is the build's "1 to 4"."""
    c = spec.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if "minimum" in c:
        parts.append(f"minimum {c['minimum']}")
    if "maximum" in c:
        parts.append(f"maximum {c['maximum']}")
    if "enum" in c:
        parts.append("one of: " + ", ".join(map(str, c["enum"])))
    if "pattern" in c:
        parts.append(f"pattern {c['pattern']}" + (f" (for example {spec['example']})" if "example" in spec else ""))
    if spec.get("sumsTo100Within"):
        parts.append("shares add up to 100 within each " + " and ".join(spec["sumsTo100Within"]))
    if spec.get("disclosureControl"):
        parts.append(f"counts from {suppressed_counts} published as [c]")
    return "; ".join(parts)


def package_url(package: DataPackage) -> str:
    return f"/data/{package.name}/"


def resource_download(resource: Resource) -> Download:
    return Download(
        f"/data/{resource.package.name}/{resource.filename}",
        resource.filename,
        "CSV",
        file_size(resource.path.stat().st_size),
    )


def citation(package: DataPackage, site_url: str, publisher: str) -> str:
    changed = last_changed(package.folder) or ""
    year = changed[:4] or "n.d."
    return (
        f"{publisher} ({year}). {package.title}, version {package.version} [data set]. "
        f"{site_url.rstrip('/')}{package_url(package)}"
    )


def package_view(
    package: DataPackage,
    site_url: str,
    publisher: str,
    suppressed_counts: str,
) -> dict:
    """Everything the dataset page shows, worked out here so the template only lays it out."""
    resources = []
    for resource in package.resources.values():
        resources.append(
            {
                "name": resource.name,
                "title": resource.descriptor.get("title", resource.name),
                "description": resource.descriptor.get("description", ""),
                "fields": [
                    {**spec, "constraints_text": constraints_text(spec, suppressed_counts)} for spec in resource.fields
                ],
                "header": [spec["name"] for spec in resource.fields],
                "preview": resource.head(PREVIEW_ROWS),
                "row_count": resource.row_count,
                "download": resource_download(resource),
                "primary_key": resource.primary_key,
            }
        )
    return {
        "package": package,
        "name": package.name,
        "title": package.title,
        "description": package.descriptor.get("description", ""),
        "version": package.version,
        "licenses": package.descriptor.get("licenses", []),
        "licence_note": package.descriptor.get("x-licence-note", ""),
        "last_updated": last_changed(package.folder),
        "sources": list(package.sources.values()),
        "resources": resources,
        "citation": citation(package, site_url, publisher),
        "descriptor_download": Download(
            f"/data/{package.name}/datapackage.json",
            "datapackage.json",
            "JSON",
            file_size((package.folder / "datapackage.json").stat().st_size),
        ),
        "symbols": SYMBOLS,
    }


def write_files(package: DataPackage, output: Path) -> Download:
    """Copy the package's files into output/data/<name>/ and zip them; return the zip's download."""
    target = output / "data" / package.name
    target.mkdir(parents=True, exist_ok=True)
    names = ["datapackage.json"] + [r.filename for r in package.resources.values()]
    for name in names:
        shutil.copyfile(package.folder / name, target / name)
    archive = output / "data" / f"{package.name}.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name in names:
            info = zipfile.ZipInfo(f"{package.name}/{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zipped.writestr(info, (package.folder / name).read_bytes())
    return Download(f"/data/{package.name}.zip", f"{package.name}.zip", "ZIP", file_size(archive.stat().st_size))
