"""Run Pelican once, with the project's configuration: the build and the preview both call this."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from scripts.settings import ROOT, unknown

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


# Pelican's own settings that have no default in its DEFAULT_CONFIG, as its documentation lists them.
PELICAN_WITHOUT_DEFAULT = (
    "TIMEZONE",
    "FEED_DOMAIN",
    "FEED_ATOM",
    "FEED_RSS",
    "FEED_ALL_RSS",
    "CATEGORY_FEED_RSS",
    "TAG_FEED_ATOM",
    "TAG_FEED_RSS",
    "TRANSLATION_FEED_RSS",
    "AUTHOR_FEED_RSS",
)


def pelican_names(direct_templates) -> set[str]:
    """Pelican's own settings: its defaults, those without one, and each direct template's SAVE_AS and URL."""
    from pelican.settings import DEFAULT_CONFIG

    templates = {*DEFAULT_CONFIG["DIRECT_TEMPLATES"], "tags", "categories", "authors", "archives", *direct_templates}
    pages = {f"{template.upper()}_{suffix}" for template in templates for suffix in ("SAVE_AS", "URL")}
    return {*DEFAULT_CONFIG, *PELICAN_WITHOUT_DEFAULT, *pages}


def check_names(conf: dict, overrides: dict) -> None:
    """A misspelt upper-case setting, in pelican.conf.py or an override, is an error naming the closest one."""
    known = pelican_names([*conf.get("DIRECT_TEMPLATES", ()), *overrides.get("DIRECT_TEMPLATES", ())])
    text = CONF.read_text(encoding="utf-8")
    problems = []
    for where, names in ((CONF.name, conf), ("settings override", overrides)):
        for name, closest in unknown(names, known):
            found = re.search(rf"^{name}\b", text, re.MULTILINE) if where == CONF.name else None
            line = f"{where}:{text.count(chr(10), 0, found.start()) + 1}" if found else where
            hint = f"; did you mean {closest}?" if closest else ""
            problems.append(f"{line}: {name}: not a setting{hint}")
    if problems:
        raise BuildError("\n".join(problems))


def pelican_settings(overrides: dict | None = None, output: Path | None = None) -> dict:
    """pelican.conf.py as Pelican reads it, with the build's overrides; a misspelt setting is a BuildError."""
    from pelican.settings import get_settings_from_file, read_settings

    check_names(get_settings_from_file(str(CONF)), overrides or {})
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
        from scripts.site.context import KEY

        if KEY in settings:  # the chart workers go, with whatever a failed build left them
            settings[KEY].close()
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
