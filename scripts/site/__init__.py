"""The Pelican plugin: attaches the data packages, figures and data pages to the site.

``register()`` only connects the handlers; ``PLUGINS = ["scripts.site"]`` in pelican.conf.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from scripts import figures
from scripts.catalogue import feeds, metadata, versions
from scripts.catalogue import files as catalogue
from scripts.charts import render as chart_output
from scripts.datapackages import load_packages
from scripts.directory.model import urgent_help
from scripts.gitinfo import last_changed
from scripts.safe_markdown import SafeMarkdownReader
from scripts.settings import ROOT
from scripts.site import contact  # noqa: F401 (contact registers {contact ...})
from scripts.site.directory_pages import directory_generator

MARKDOWN_EXTENSIONS = ("md", "markdown", "mkd", "mdown")


def data_dir(settings: dict) -> Path:
    return Path(settings.get("DATA_DIR") or ROOT / "data")


def attach_data(pelican) -> None:
    """Load the packages once and put them, and what is worked out from them, in the settings."""
    settings = pelican.settings
    packages = load_packages(data_dir(settings))
    settings["DATA_PACKAGES"] = packages
    settings["HEADLINE_FIGURES"] = [figures.resolve(name, packages) for name in figures.HEADLINE]
    settings["URGENT_HELP"] = urgent_help(packages.get("providers"))  # theme/templates/_urgent_help.html
    settings["DATA_LAST_CHANGED"] = last_changed(data_dir(settings))
    settings["BUILT_ON"] = datetime.now(UTC).strftime("%Y-%m-%d")
    SafeMarkdownReader.context = {"packages": packages, "siteurl": settings.get("SITEURL", ""), "settings": settings}


def install_reader(readers) -> None:
    for extension in MARKDOWN_EXTENSIONS:
        readers.reader_classes[extension] = SafeMarkdownReader


class DataPagesGenerator(Generator):
    """Writes /data/, /data/<package>/ and the files researchers download."""

    def generate_output(self, writer) -> None:
        packages = self.settings["DATA_PACKAGES"]
        output = Path(self.output_path)
        views = []
        for package in packages.values():
            zip_download = catalogue.write_files(package, output)
            view = catalogue.package_view(package, self.settings.get("SITE_PUBLIC_URL", ""), self.settings["AUTHOR"])
            view["zip_download"] = zip_download
            view["releases"] = versions.publish(package, output)
            view["jsonld"] = metadata.dataset_jsonld_text(
                view, self.settings["SITE_PUBLIC_URL"], self.settings["AUTHOR"]
            )
            views.append(view)
            writer.write_file(
                f"data/{package.name}/changelog/index.html",
                self.get_template("changelog"),
                self.context,
                dataset=view,
                page_name=f"data/{package.name}/changelog/index",
                url=f"data/{package.name}/changelog/",
            )
            writer.write_file(
                f"data/{package.name}/index.html",
                self.get_template("dataset"),
                self.context,
                dataset=view,
                page_name=f"data/{package.name}/index",
                url=f"data/{package.name}/",
            )
        writer.write_file(
            "data/index.html",
            self.get_template("data_index"),
            self.context,
            datasets=views,
            page_name="data/index",
            url="data/",
        )
        feeds.write_catalogue_and_feed(views, output, self.settings)


def write_sitemap(pelican) -> None:
    if not pelican.settings.get("PREVIEW"):
        feeds.write_sitemap(Path(pelican.output_path), pelican.settings["SITE_PUBLIC_URL"])


def site_generators(pelican):
    """The generators of the whole site: data pages, directory, chart files. A preview
    (scripts/preview.py) writes only the Markdown pages it was given, so it has none."""
    if pelican.settings.get("PREVIEW"):
        return ()
    return (DataPagesGenerator, directory_generator(pelican), chart_output.chart_generator(pelican))


def register() -> None:
    signals.initialized.connect(attach_data)
    signals.readers_init.connect(install_reader)
    signals.initialized.connect(chart_output.attach_charts)  # after attach_data: needs the packages
    signals.get_generators.connect(site_generators)
    signals.feed_generated.connect(feeds.absolute_feed_links)
    signals.finalized.connect(write_sitemap)
