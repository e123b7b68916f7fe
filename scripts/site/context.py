"""The build context: made once per build, handed to generators, the reader and every resolver.

It holds what the build has worked out from the data (the packages, the charts, the headline
figures, when the data last changed) and the settings it was given. Templates see it as ``BUILD``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from scripts.charts.render import ChartSet, renderer, template_environment
from scripts.datapackages import DataPackage, load_packages
from scripts.directory.model import urgent_help
from scripts.figures import named
from scripts.figures.resolvers import Rendered
from scripts.gitinfo import last_changed
from scripts.settings import ROOT, value
from scripts.symbols import suppressed_range

KEY = "BUILD"  # the one Pelican setting the plugin writes


@dataclass
class BuildContext:
    settings: Mapping
    packages: dict[str, DataPackage]
    charts: ChartSet
    resolvers: Mapping[str, Callable[[str, BuildContext], Rendered]] = field(default_factory=dict)
    headline_figures: list = field(default_factory=list)
    data_last_changed: str | None = None
    built_on: str = ""
    urgent_help: list = field(default_factory=list)  # theme/templates/_urgent_help.html

    @classmethod
    def create(cls, settings: Mapping, resolvers: Mapping | None = None) -> BuildContext:
        data_dir = Path(value("data_dir", settings))
        packages = load_packages(data_dir)
        previous = value("charts_from", settings)
        return cls(
            settings=settings,
            packages=packages,
            charts=ChartSet(packages, Path(previous) if previous else None, settings, chart_renderer(settings)),
            resolvers=resolvers or {},
            headline_figures=[
                named.resolve(name, packages) for name in named.HEADLINE if name.split("/")[0] in packages
            ],
            data_last_changed=last_changed(data_dir),
            built_on=datetime.now(UTC).strftime("%Y-%m-%d"),
            urgent_help=urgent_help(packages.get("providers")),
        )

    def close(self) -> None:
        self.charts.close()

    @property
    def siteurl(self) -> str:
        return self.settings.get("SITEURL", "")

    @property
    def preview(self) -> bool:
        return bool(value("preview", self.settings))

    @property
    def suppressed_counts(self) -> str:
        """The counts published as [c], in words ("1 to 4")."""
        return suppressed_range(int(value("suppression_threshold", self.settings)))

    def render(self, template: str, **values) -> str:
        """A theme template as trusted HTML, for what a resolver puts into a page."""
        folder = Path(self.settings.get("THEME") or ROOT / "theme") / "templates"
        return template_environment(folder).get_template(template).render(siteurl=self.siteurl, **values)


def chart_renderer(settings: Mapping):
    folder = value("chart_cache", settings)
    return renderer(Path(folder) if folder else None, int(value("chart_workers", settings)))


def of(settings: Mapping) -> BuildContext:
    """The build's context, from Pelican's settings (set when the build was initialised)."""
    try:
        return settings[KEY]
    except KeyError:
        raise RuntimeError("the build context is missing: is scripts.site in PLUGINS?") from None
