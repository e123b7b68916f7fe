"""How to cite one version of a data package: the text on the page and the BibTeX, RIS and CSL-JSON downloads.

Every format is written from one ``Citation`` record, so the page and the files cannot disagree. A citation
names a version and links to that version's own folder (``/data/<package>/<version>/``), whose files never
change, never to the dataset page, which does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

# The downloads, per version: (file name, what it is, its media type).
FORMATS = (
    ("citation.bib", "BibTeX", "application/x-bibtex"),
    ("citation.ris", "RIS", "application/x-research-info-systems"),
    ("citation.json", "CSL-JSON", "application/vnd.citationstyles.csl+json"),
)


@dataclass(frozen=True)
class Citation:
    package: str
    title: str
    version: str
    date: str | None  # the version's release date, YYYY-MM-DD, or None when git does not know it
    publisher: str
    url: str  # absolute: the version's own folder
    compiled_from: str = ""  # whose data we compiled (the package's contributors with the role "author"), if any

    @property
    def year(self) -> str:
        return self.date[:4] if self.date else "n.d."

    @property
    def key(self) -> str:
        """A BibTeX key and CSL id: the package and version, letters, digits and hyphens only."""
        return re.sub(r"[^A-Za-z0-9-]", "-", f"{self.package}-{self.version}")

    @property
    def note(self) -> str:
        return f"Compiled by {self.publisher} from data published by {self.compiled_from}" if self.compiled_from else ""

    @property
    def text(self) -> str:
        note = f" {self.note}." if self.note else ""
        return f"{self.publisher} ({self.year}). {self.title}, version {self.version} [data set].{note} {self.url}"


def release_citation(
    package: str, title: str, release, publisher: str, site_url: str, compiled_from: str = ""
) -> Citation:
    """The citation of one release (scripts.catalogue.versions.Release)."""
    url = site_url.rstrip("/") + release.url
    return Citation(package, title, release.version, release.date, publisher, url, compiled_from)


def _bibtex_value(text: str) -> str:
    # Braces keep capitals and protect the characters BibTeX treats specially.
    return "{" + re.sub(r"([{}\\&%$#_^~])", r"\\\1", text) + "}"


def bibtex(citation: Citation) -> str:
    fields = [
        ("author", "{" + _bibtex_value(citation.publisher) + "}"),  # double braces: an organisation, not a person
        ("title", _bibtex_value(citation.title)),
        ("version", _bibtex_value(citation.version)),
        ("publisher", _bibtex_value(citation.publisher)),
        ("year", _bibtex_value(citation.year)),
        ("url", "{" + citation.url + "}"),
        ("note", _bibtex_value("Data set" + (f". {citation.note}" if citation.note else ""))),
    ]
    if citation.date:
        fields.insert(5, ("date", _bibtex_value(citation.date)))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{citation.key},\n{body}\n}}\n"


def ris(citation: Citation) -> str:
    lines = [
        ("TY", "DATA"),
        ("AU", citation.publisher),
        ("TI", citation.title),
        ("ET", citation.version),
        ("PY", citation.year if citation.date else ""),
        ("DA", citation.date.replace("-", "/") if citation.date else ""),
        ("PB", citation.publisher),
        ("UR", citation.url),
        ("N1", citation.note),
        ("ER", ""),
    ]
    # RIS tags are two letters, two spaces, a hyphen and a space; CRLF line ends, as the format's readers expect.
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines if value or tag == "ER")


def csl_json(citation: Citation) -> str:
    item = {
        "id": citation.key,
        "type": "dataset",
        "title": citation.title,
        "author": [{"literal": citation.publisher}],
        "publisher": citation.publisher,
        "version": citation.version,
        "URL": citation.url,
    }
    if citation.note:
        item["note"] = citation.note
    if citation.date:
        item["issued"] = {"date-parts": [[int(part) for part in citation.date.split("-")]]}
    return json.dumps([item], ensure_ascii=False, indent=1) + "\n"


WRITERS = {"citation.bib": bibtex, "citation.ris": ris, "citation.json": csl_json}


def downloads(citation: Citation) -> list[dict]:
    """The three files of a citation, as the page links them (site paths, relative to the site's root)."""
    folder = citation.url.split("/data/", 1)[1]
    return [{"url": f"/data/{folder}{name}", "filename": name, "kind": kind} for name, kind, _ in FORMATS]


def write(citation: Citation, folder: Path) -> None:
    """Write citation.bib, citation.ris and citation.json into the version's folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, writer in WRITERS.items():
        (folder / name).write_bytes(writer(citation).encode("utf-8"))
