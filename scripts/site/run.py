"""Run Pelican once, with the project's configuration: the build and the preview both call this."""

from __future__ import annotations

import logging
from pathlib import Path

from scripts.settings import ROOT

CONF = ROOT / "pelican.conf.py"


# Warnings Pelican logs about a link to content it could not find, or could not tell what it is:
# the page would carry a broken or unreviewed address, so the build stops (content.py refuses them first).
FATAL_WARNINGS = ("Unable to find", "{filename} used for linking", "Replacement Indicator")


class BuildError(Exception):
    pass


class _Collector(logging.Handler):
    """Keeps every warning and error Pelican logs, so the build can refuse to publish."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def pelican_settings(overrides: dict | None = None, output: Path | None = None) -> dict:
    """pelican.conf.py as Pelican reads it, with the build's overrides."""
    from pelican.settings import read_settings

    defaults = {"PATH": str(ROOT / "content"), "THEME": str(ROOT / "theme"), "DELETE_OUTPUT_DIRECTORY": False}
    if output is not None:
        defaults["OUTPUT_PATH"] = str(output)
    return read_settings(str(CONF), override={**defaults, **(overrides or {})})


def run_pelican(output: Path, overrides: dict | None = None) -> list[logging.LogRecord]:
    """Run Pelican into ``output``; return the warnings it logged, raise BuildError on errors."""
    from pelican import Pelican

    settings = pelican_settings(overrides, output)
    collector = _Collector()
    root_logger = logging.getLogger()
    root_logger.addHandler(collector)
    try:
        Pelican(settings).run()
    except Exception as error:  # Pelican raises plugin and writer errors as they are
        raise BuildError(f"build failed: {error}") from error
    finally:
        root_logger.removeHandler(collector)
    errors = [
        r
        for r in collector.records
        if r.levelno >= logging.ERROR
        or str(r.msg).startswith(FATAL_WARNINGS)
        or r.getMessage().startswith(FATAL_WARNINGS)
    ]
    ours = [r for r in errors if r.name.startswith("scripts.")]
    if ours:  # we said what and where; Pelican's "Could not process <file>" would say it again, without the line
        errors = ours + [r for r in errors if r not in ours and not r.getMessage().startswith("Could not process")]
    if errors:
        raise BuildError("\n".join(f"build failed: {r.getMessage()}" for r in errors))
    return [r for r in collector.records if r.levelno == logging.WARNING]
