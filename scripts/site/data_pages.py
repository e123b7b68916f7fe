"""Writes /data/, /data/<package>/ with its changelog, the files researchers download, the
catalogue and feeds."""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from scripts.catalogue import derived, feeds, metadata, versions
from scripts.catalogue import files as catalogue
from scripts.datapackages import authority_names
from scripts.settings import value
from scripts.site import context
from scripts.site.pages import write_page


class DataPagesGenerator(Generator):
    def generate_output(self, writer) -> None:
        build = context.of(self.settings)
        output = Path(self.output_path)
        views = []
        site_url, author = value("site_public_url", self.settings), value("author", self.settings)
        names = authority_names(value("gss_codes", self.settings))
        for package in build.packages.values():
            zip_download = catalogue.write_files(package, output)
            view = catalogue.package_view(package, site_url, build.suppressed_counts)
            view["zip_download"] = zip_download
            view["derived"] = derived.write_derived(package, output, site_url)
            view["places"] = metadata.spatial_coverage(package, names)
            catalogue.attach_releases(
                view,
                versions.publish(package, output, catalogue.zip_path(package, output)),
                site_url,
                author,
                output,
            )
            view["jsonld"] = metadata.dataset_jsonld_text(view, site_url, author, self.settings["SITENAME"])
            views.append(view)
            for release in view["releases"]:
                write_page(
                    self, writer, f"data/{package.name}/{release.version}/", "version", dataset=view, release=release
                )
            write_page(self, writer, f"data/{package.name}/changelog/", "changelog", dataset=view)
            for resource in view["resources"]:  # a page per file: its data dictionary and first rows
                url = f"data/{package.name}/{resource['name']}/"
                write_page(self, writer, url, "resource", dataset=view, resource=resource)
            write_page(self, writer, f"data/{package.name}/", "dataset", dataset=view)
        write_page(self, writer, "data/", "data_index", datasets=views)
        feeds.write_catalogue_and_feed(views, output, self.settings)
