"""Writes the build's chart files (SVG, PNG, CSV, Vega-Lite), the vendored explore libraries and the site's font."""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from scripts.charts.render import copy_fonts, write_vendor
from scripts.site import context


class ChartFilesGenerator(Generator):
    def generate_output(self, _writer) -> None:  # Pelican's writer: the chart files are ours, written as bytes
        output = Path(self.output_path)
        context.of(self.settings).charts.write(output)
        write_vendor(output)
        copy_fonts(output)
