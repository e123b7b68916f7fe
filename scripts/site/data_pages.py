"""Writes /data/, /data/<package>/ with its changelog, the files researchers download, the
catalogue and feeds, and (after the build) the sitemap."""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from scripts.catalogue import feeds, metadata, versions
from scripts.catalogue import files as catalogue
from scripts.datapackages import authority_names
from scripts.settings import value
from scripts.site import context


class DataPagesGenerator(Generator):
    def generate_output(self, writer) -> None:
        build = context.of(self.settings)
        output = Path(self.output_path)
        views = []
        names = authority_names(value("gss_codes", self.settings))
        for package in build.packages.values():
            zip_download = catalogue.write_files(package, output)
            view = catalogue.package_view(
                package, self.settings.get("SITE_PUBLIC_URL", ""), self.settings["AUTHOR"], build.suppressed_counts
            )
            view["zip_download"] = zip_download
            view["places"] = metadata.spatial_coverage(package, names)
            catalogue.attach_releases(
                view,
                versions.publish(package, output),
                self.settings["SITE_PUBLIC_URL"],
                self.settings["AUTHOR"],
                output,
            )
            view["jsonld"] = metadata.dataset_jsonld_text(
                view, self.settings["SITE_PUBLIC_URL"], self.settings["AUTHOR"], self.settings["SITENAME"]
            )
            views.append(view)
            for release in view["releases"]:
                writer.write_file(
                    f"data/{package.name}/{release.version}/index.html",
                    self.get_template("version"),
                    self.context,
                    dataset=view,
                    release=release,
                    page_name=f"data/{package.name}/{release.version}/index",
                    url=f"data/{package.name}/{release.version}/",
                )
            writer.write_file(
                f"data/{package.name}/changelog/index.html",
                self.get_template("changelog"),
                self.context,
                dataset=view,
                page_name=f"data/{package.name}/changelog/index",
                url=f"data/{package.name}/changelog/",
            )
            for resource in view["resources"]:  # a page per file: its preview, kept off the dataset page's weight
                if resource["row_count"]:
                    writer.write_file(
                        f"data/{package.name}/{resource['name']}/index.html",
                        self.get_template("resource"),
                        self.context,
                        dataset=view,
                        resource=resource,
                        page_name=f"data/{package.name}/{resource['name']}/index",
                        url=f"data/{package.name}/{resource['name']}/",
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
    if not context.of(pelican.settings).preview:
        feeds.write_sitemap(Path(pelican.output_path), pelican.settings["SITE_PUBLIC_URL"])
