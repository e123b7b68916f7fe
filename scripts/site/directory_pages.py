"""Writes the directory: /directory/, a static page per filter value, a page per provider, the ORUK export.

Settings (declared in scripts/settings.py): ``directory_today`` decides which entries are over 12
months old; ``directory_path`` holds the optional prose files ``<organization id>.md``;
``directory_page_size`` is how many entries each page of /directory/ and of each filter lists
(/directory/page/2/, ...); ``gss_codes`` names the authorities. Every entry, compact, is also
written to /directory/entries.json for the script's instant filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

import markdown as markdown_lib
from markupsafe import Markup
from pelican.generators import Generator

from scripts.datapackages import authority_names
from scripts.directory import model, openreferral, present
from scripts.formats import shown_path
from scripts.publishing import contact_email, issue_form_url
from scripts.settings import value
from scripts.site import context, safe_markdown
from scripts.site.pages import write_page
from scripts.site.references import ReferenceProblem

# Past this many council areas, a listing page names none in its opening lines (the area filter lists them all) and
# says how many lists are partial, each area's own page giving its note: 150 areas would outweigh the page.
AREAS_NAMED = 10


@dataclass
class Coverage:
    """What a listing page says of the areas it covers, worked out once per build for every page."""

    areas: list  # the area filter values with entries
    named: bool  # each area named in the opening lines
    partial: list  # every area whose list is partial, by name

    @classmethod
    def of(cls, directory: model.Directory) -> Coverage:
        areas = [value for value in directory.filters.get("area", []) if value.entries]
        partial = {c.authority_name: c for c in directory.coverage if c.partial}
        return cls(areas, len(areas) <= AREAS_NAMED and len(partial) <= AREAS_NAMED, partial)

    def notes(self, active: model.FilterValue | None) -> list:
        """The partial-list notes a page shows: all of them, or only its own area's when there are many."""
        if self.named:
            return list(self.partial.values())
        if active is not None and active.facet.key == "area" and active.label in self.partial:
            return [self.partial[active.label]]
        return []


def today(settings) -> date:
    day = value("directory_today", settings)
    if isinstance(day, date):
        return day
    return date.fromisoformat(day) if day else date.today()


def change_link(settings, provider: model.Provider) -> str:
    return issue_form_url(settings, "directory-change", f"Directory change: {provider.name} ({provider.id})")


def change_mailto(settings, provider: model.Provider) -> str | None:
    """A mailto: link to the contact address, the provider's name in the subject: no GitHub account needed.
    None when the project has no address (the page then says the form is the only route)."""
    email = contact_email(settings)
    if email is None:
        return None
    subject = f"Directory change: {provider.name} ({provider.id})"
    return f"mailto:{email}?subject={quote(subject)}"


def attach_prose(directory: model.Directory, folder: Path, context, markdown_settings: dict) -> None:
    """Add content/directory/<id>.md to the provider with that id; an unknown id is an error."""
    by_id = {p.id: p for p in directory.providers}
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        shown = shown_path(path)
        if path.stem not in by_id:
            raise ReferenceProblem(
                shown,
                1,
                f"no provider has the id '{path.stem}' (the file's name); ids are in data/providers/organization.csv",
            )
        html = markdown_lib.Markdown(**markdown_settings).convert(text)
        by_id[path.stem].prose = Markup(safe_markdown.render(html, text, shown, context))


class DirectoryGenerator(Generator):
    def write_lists(self, writer, directory: model.Directory, common: dict) -> None:
        """/directory/ and each filter value's list, a page per ``directory_page_size`` entries."""
        size = int(value("directory_page_size", self.settings))
        coverage = Coverage.of(directory)
        lists = [(None, "/directory/", directory.services)]
        lists += [(value, value.url, value.entries) for value in directory.filter_values()]
        filters = self.get_template("_filters")
        for active, base, entries in lists:
            notes = coverage.notes(active)
            # The same on every page of a list, and the largest part of one: every value of every filter.
            nav = Markup(filters.render({**self.context, **common, "active": active}))
            for page in present.paginate(entries, base, size):
                write_page(
                    self,
                    writer,
                    page.url.lstrip("/"),
                    "directory",
                    **common,
                    active=active,
                    entries=page.entries,
                    listing=page,
                    coverage=coverage,
                    notes=notes,
                    filters=nav,
                )

    def generate_output(self, writer) -> None:
        build = context.of(self.settings)
        if "providers" not in build.packages:
            return
        day = today(self.settings)
        directory = model.load(build.packages["providers"], authority_names(value("gss_codes", self.settings)), day)
        prose = Path(value("directory_path", self.settings) or Path(self.settings["PATH"]) / "directory")
        attach_prose(directory, prose, build, self.settings.get("MARKDOWN", {}))
        model.warn_stale(directory, day)
        openreferral.write(directory, Path(self.output_path))

        (Path(self.output_path) / "directory").mkdir(parents=True, exist_ok=True)
        (Path(self.output_path) / "directory" / "entries.json").write_text(directory.entries_json(), encoding="utf-8")

        services = directory.services
        common = {"directory": directory, "section": "Directory", "oruk_id": openreferral.uid, "total": len(services)}
        self.write_lists(writer, directory, common)
        site_url = value("site_public_url", self.settings)
        for provider in directory.providers:
            write_page(
                self,
                writer,
                f"directory/{provider.id}/",
                "provider",
                **common,
                provider=provider,
                json_ld=present.json_ld(provider, site_url),
                change_url=change_link(self.settings, provider),
                change_mailto=change_mailto(self.settings, provider),
            )
