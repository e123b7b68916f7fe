"""Data releases: every version of every package, its files and what changed.

A release is a git tag ``<package>-v<version>`` (``spend-v1.1.0``) on a commit whose
``data/<package>/datapackage.json`` says that version. The version in the working tree is
always a release too, tagged or not, so a package with no tags still has one version.
Dates come from git (the tag's date; for an untagged current version, the last commit that
touched the package), never from a guess: outside a git checkout they are None.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from scripts import gitinfo
from scripts.catalogue.files import package_files, write_zip
from scripts.datapackages import DataPackage, primary_key, record_count
from scripts.validate.shapes import VERSION, is_data_file_name


@dataclass
class Release:
    package: str
    version: str
    date: str | None
    tag: str | None
    files: dict[str, bytes]  # file name -> bytes, descriptor first
    current: bool = False
    changes: list[dict] = field(default_factory=list)

    @property
    def descriptor(self) -> dict:
        return json.loads(self.files["datapackage.json"].decode("utf-8"))

    @property
    def url(self) -> str:
        return f"/data/{self.package}/{self.version}/"

    @property
    def zip_name(self) -> str:
        return f"{self.package}-{self.version}.zip"

    @property
    def zip_url(self) -> str:
        return f"{self.url}{self.zip_name}"

    @property
    def downloads(self) -> list[tuple[str, str]]:
        """(file name, site path) of each file of this version."""
        return [(name, f"{self.url}{name}") for name in self.files]


def version_key(version: str) -> tuple:
    """The one order of versions (Semantic Versioning's precedence), for releases and for the build's history
    check: numbers compare as numbers (1.10.0 after 1.9.0; 1.0 is 1.0.0), a pre-release comes before its
    release (2.0.0-rc.1 < 2.0.0) and its parts compare numbers before words (rc.2 < rc.10 < rc.a), build
    metadata (+...) is ignored. Anything that is no version number sorts before every version."""
    if not VERSION.fullmatch(version):
        return ((-1,), (0,), version)
    release, dash, pre = version.split("+", 1)[0].partition("-")
    numbers = tuple(int(part) for part in release.split("."))
    numbers += (0,) * (3 - len(numbers))
    if not dash:
        return (numbers, (1,))
    return (numbers, (0, *((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))))


def tags(folder: Path, package: str) -> list[tuple[str, str, str]]:
    """(tag, version, date) for every ``<package>-v<version>`` tag in the repository holding ``folder``."""
    listed = gitinfo.text(
        folder, "for-each-ref", f"refs/tags/{package}-v*", "--format=%(refname:short) %(creatordate:short)"
    )
    if listed is None:
        return []
    found = []
    for line in listed.splitlines():
        tag, date = line.split(" ", 1)
        if VERSION.fullmatch(tag[len(package) + 2 :]):  # a version becomes a folder name: nothing else
            found.append((tag, tag[len(package) + 2 :], date))
    return found


def files_at(folder: Path, tag: str) -> dict[str, bytes]:
    """The descriptor and every resource file of the package in ``folder``, as they were at ``tag``."""
    prefix = (gitinfo.text(folder, "rev-parse", "--show-prefix") or "").strip()

    def show(name: str) -> bytes:
        shown = gitinfo.output(folder, "show", f"{tag}:{prefix}{name}")
        if shown is None:
            raise ValueError(f"{tag} has no {prefix}{name}")
        return shown

    files = {"datapackage.json": show("datapackage.json")}
    for spec in json.loads(files["datapackage.json"].decode("utf-8"))["resources"]:
        if not is_data_file_name(spec.get("path")):  # the validator checks only today's descriptor
            raise ValueError(
                f"{tag}: resource path {spec.get('path')!r} is not a CSV file name, so this release cannot be published"
            )
        files[spec["path"]] = show(spec["path"])
    return files


def current_files(package: DataPackage) -> dict[str, bytes]:
    return {name: (package.folder / name).read_bytes() for name in package_files(package)}


def releases(package: DataPackage) -> list[Release]:
    """Every release of ``package``, newest first, each with what changed since the one before."""
    if not VERSION.fullmatch(package.version):
        raise ValueError(f"{package.folder / 'datapackage.json'}: version {package.version!r} is not like 1.0.0")
    found: dict[str, Release] = {}
    for tag, version, date in tags(package.folder, package.name):
        found[version] = Release(package.name, version, date, tag, files_at(package.folder, tag))
    tagged = found.get(package.version)
    found[package.version] = Release(
        package.name,
        package.version,
        tagged.date if tagged else gitinfo.last_changed(package.folder),
        tagged.tag if tagged else None,
        current_files(package),
        current=True,
    )
    ordered = sorted(found.values(), key=lambda r: version_key(r.version))
    previous = None
    for release in ordered:
        release.changes = changes(previous, release)
        previous = release
    return list(reversed(ordered))


def _rows(release: Release, spec: dict) -> tuple[list[str], dict[tuple, dict]]:
    key = primary_key(spec["schema"])
    reader = csv.DictReader(io.StringIO(release.files[spec["path"]].decode("utf-8-sig"), newline=""))
    rows = list(reader)
    if not key:  # no primary key: a row is its whole content
        return key, {tuple(row.values()): row for row in rows}
    return key, {tuple(row[k] for k in key): row for row in rows}


def changes(before: Release | None, after: Release) -> list[dict]:
    """Per resource: rows added, removed and changed (matched by primary key) from ``before`` to ``after``."""
    new = {spec["name"]: spec for spec in after.descriptor["resources"]}
    old = {spec["name"]: spec for spec in before.descriptor["resources"]} if before else {}
    result = []
    for name in list(new) + [n for n in old if n not in new]:
        if before is None or (
            name in new and name in old and after.files[new[name]["path"]] == before.files[old[name]["path"]]
        ):
            # Nothing to compare row by row: the first version, or a file that did not change.
            rows = record_count(after.files[new[name]["path"]]) if before is None else 0
            result.append({"resource": name, "status": "", "added": rows, "removed": 0, "changed": 0})
            continue
        new_rows = _rows(after, new[name])[1] if name in new else {}
        old_rows = _rows(before, old[name])[1] if name in old else {}
        changed = sum(1 for k in new_rows.keys() & old_rows.keys() if new_rows[k] != old_rows[k])
        result.append(
            {
                "resource": name,
                # The first version has nothing before it: its files are not "added".
                "status": ""
                if before is None
                else "added"
                if name not in old
                else "removed"
                if name not in new
                else "",
                "added": len(new_rows.keys() - old_rows.keys()),
                "removed": len(old_rows.keys() - new_rows.keys()),
                "changed": changed,
            }
        )
    return result


def write_release(release: Release, output: Path, current_zip: Path | None = None) -> None:
    """Write a release's files, byte for byte, to output/data/<package>/<version>/, and a zip of them there
    (datapackage.json at its root, the CSVs beside it). ``current_zip``: the package's own zip, which holds the
    current release's files in the same order, so it is copied rather than compressed again."""
    target = output / "data" / release.package / release.version
    target.mkdir(parents=True, exist_ok=True)
    for name, content in release.files.items():
        (target / name).write_bytes(content)
    if release.current and current_zip is not None:
        shutil.copyfile(current_zip, target / release.zip_name)
    else:
        write_zip(release.files, target / release.zip_name)


def publish(package: DataPackage, output: Path, current_zip: Path | None = None) -> list[Release]:
    """Write every release of ``package`` into ``output``; return them, newest first. ``current_zip``: the zip
    files.write_files made of the package, if it has (write_release)."""
    found = releases(package)
    for release in found:
        write_release(release, output, current_zip)
    return found
