"""Writes the directory: /directory/, a static page per filter value, a page per provider, the ORUK export.

Settings: ``DIRECTORY_TODAY`` (an ISO date; default: the day of the build) decides which entries
are over 12 months old; ``DIRECTORY_PATH`` (default: ``directory`` under ``PATH``) holds the
optional prose files ``<organization id>.md``; ``DIRECTORY_PAGE_SIZE`` (default 50) is how many
entries each page of /directory/ and of each filter lists (/directory/page/2/, ...). Every entry,
compact, is also written to /directory/entries.json for the script's instant filters.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from urllib.parse import quote

from pelican.generators import Generator

from scripts.directory import model, openreferral
from scripts.safe_markdown import SafeMarkdownReader
from scripts.settings import default


def today(settings: dict) -> date:
    value = settings.get("DIRECTORY_TODAY")
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if value else date.today()


def authority_names() -> dict[str, str]:
    with open(default("gss_codes"), newline="", encoding="utf-8-sig") as file:
        return {row["code"]: row["name"] for row in csv.DictReader(file)}


def change_link(settings: dict, provider: model.Provider) -> str:
    form = settings.get("ISSUE_FORMS", {}).get("directory-change", "")
    title = f"Directory change: {provider.name} ({provider.id})"
    return f"{settings.get('REPOSITORY_URL', '')}/issues/new?template={quote(form)}&title={quote(title)}"


def change_mailto(settings: dict, provider: model.Provider) -> str:
    """A mailto: link to the contact address, the provider's name in the subject: no GitHub account needed."""
    subject = f"Directory change: {provider.name} ({provider.id})"
    return f"mailto:{settings.get('CONTACT_EMAIL', '')}?subject={quote(subject)}"


DEFAULT_PAGE_SIZE = 50


class DirectoryGenerator(Generator):
    def generate_output(self, writer) -> None:
        packages = self.settings["DATA_PACKAGES"]
        if "providers" not in packages:
            return
        day = today(self.settings)
        directory = model.load(packages["providers"], authority_names(), day)
        prose = Path(self.settings.get("DIRECTORY_PATH") or Path(self.settings["PATH"]) / "directory")
        model.attach_prose(directory, prose, SafeMarkdownReader.context, self.settings.get("MARKDOWN", {}))
        model.warn_stale(directory, day)
        openreferral.write(directory, Path(self.output_path))

        (Path(self.output_path) / "directory").mkdir(parents=True, exist_ok=True)
        (Path(self.output_path) / "directory" / "entries.json").write_text(directory.entries_json(), encoding="utf-8")

        common = {"directory": directory, "section": "Directory", "oruk_id": openreferral.uid}
        index = self.get_template("directory")
        size = int(self.settings.get("DIRECTORY_PAGE_SIZE", DEFAULT_PAGE_SIZE))
        lists = [(None, "/directory/", directory.services)]
        lists += [(value, value.url, value.entries) for value in directory.filter_values()]
        for active, base, entries in lists:
            for page in model.paginate(entries, base, size):
                path = page.url.strip("/")
                writer.write_file(
                    f"{path}/index.html",
                    index,
                    self.context,
                    **common,
                    active=active,
                    entries=page.entries,
                    listing=page,
                    page_name=f"{path}/index",
                    url=f"{path}/",
                )
        site_url = self.settings.get("SITE_PUBLIC_URL", "")
        for provider in directory.providers:
            writer.write_file(
                f"directory/{provider.id}/index.html",
                self.get_template("provider"),
                self.context,
                **common,
                provider=provider,
                json_ld=model.json_ld(provider, site_url),
                change_url=change_link(self.settings, provider),
                change_mailto=change_mailto(self.settings, provider),
                page_name=f"directory/{provider.id}/index",
                url=f"directory/{provider.id}/",
            )


def directory_generator(pelican):
    return DirectoryGenerator
