"""Writes /councils/ (every council with published figures) and /councils/<GSS code>/ (that council's figures).

The pages come from data/council-figures/: each figure is shown with its id as an anchor
(/councils/<code>/#<figure id>), the words the source printed, its period, how exact it is, what it
covers and leaves out, where on the page it stands and its source. Figures are grouped by measure
and never added up or ranked.
"""

from __future__ import annotations

from pelican.generators import Generator

from scripts import council_figures
from scripts.site import context
from scripts.site.pages import write_page


class CouncilPagesGenerator(Generator):
    def generate_output(self, writer) -> None:
        packages = context.of(self.settings).packages
        if council_figures.PACKAGE not in packages:
            return
        councils = council_figures.councils(packages)
        package = packages[council_figures.PACKAGE]
        common = {
            "section": "",
            "councils": councils,
            "sources": package.sources,
            "measures": council_figures.measures(packages),
            "display": council_figures.display,
            "period_text": council_figures.period_text,
            "qualifiers": council_figures.QUALIFIERS,
            "kinds": council_figures.KINDS,
        }
        write_page(self, writer, "councils/", "councils", **common)
        for council in councils:
            write_page(self, writer, council.url, "council", **common, council=council)
