"""Project settings, declared once as data: the one table every part of the build reads.

Each setting has a default, a help text and the parts that use it. The validator's command-line
options and help come from the settings used by ``validate``; the site reads a setting from
Pelican's settings by its upper-case name (``DIRECTORY_PAGE_SIZE``), falling back to the default
here. The README's settings table names every one; tests check both ways.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    used_by: tuple[str, ...]  # validate (also its command-line option), site, refresh, build, preview

    @property
    def site_name(self) -> str:
        return self.name.upper()


SETTINGS = {
    s.name: s
    for s in (
        Setting(
            "suppression_threshold",
            5,
            "Counts below this (and above 0) in a field marked disclosureControl must be published as [c].",
            ("validate", "site"),
        ),
        Setting(
            "share_tolerance",
            0.5,
            "How far the shares of one group (a field marked sumsTo100Within) may stray from 100.",
            ("validate",),
        ),
        Setting(
            "gss_codes",
            ROOT / "scripts" / "reference" / "gss-codes.csv",
            "CSV of known GSS codes (column code) that authority_code values must come from.",
            ("validate", "site"),
        ),
        Setting(
            "columnar_threshold_bytes",
            1_000_000,
            "CSV files of this many bytes or more are checked by the columnar (DuckDB) engine instead of frictionless.",
            ("validate",),
        ),
        Setting(
            "columnar_memory_mb",
            128,
            "The most memory the columnar engine's DuckDB may hold, in MB; beyond it, it works through temporary files, "
            "and a file it still cannot read is reported unchecked.",
            ("validate",),
        ),
        Setting(
            "columnar_threads",
            2,
            "Threads the columnar engine's DuckDB may use.",
            ("validate",),
        ),
        Setting("data_dir", ROOT / "data", "Folder holding one folder per data package.", ("build", "site")),
        Setting(
            "directory_page_size",
            40,
            "How many entries each page of /directory/ and of each filter lists.",
            ("site",),
        ),
        Setting(
            "directory_today",
            None,
            "The day (ISO date) the directory counts entries' age from; default: the day of the build.",
            ("site",),
        ),
        Setting(
            "directory_path",
            None,
            "Folder of optional provider prose, <organization id>.md; default: content/directory.",
            ("site",),
        ),
        Setting(
            "preview",
            False,
            "Set by make preview: write only the given Markdown pages into an existing build.",
            ("preview", "site"),
        ),
        Setting(
            "charts_from",
            None,
            "Set by make preview: a built site whose chart files are reused when their spec is unchanged.",
            ("preview", "site"),
        ),
        Setting(
            "chart_cache",
            ROOT / ".cache" / "charts",
            "Folder keeping each chart's specs and words (keyed by its inputs and the code) and its drawings (keyed by "
            "its spec, data and renderer) between builds (empty: none).",
            ("site",),
        ),
        Setting(
            "build_cache",
            ROOT / ".cache" / "build",
            "Folder keeping, between builds, the verdict of a data check that passed and the search index, each keyed "
            "by every file it read and the code (empty: none).",
            ("build",),
        ),
        Setting(
            "chart_workers",
            2,
            "Processes drawing and rendering the charts the cache does not have while the pages are written (1: in the "
            "build's own process, first).",
            ("site",),
        ),
        Setting(
            "max_cell_chars",
            10_000,
            "The longest a CSV cell may be, in characters; a longer one is an error naming its file, line and field.",
            ("validate",),
        ),
        Setting(
            "max_description_chars",
            5_000,
            "The longest a title or description in a datapackage.json may be, in characters.",
            ("validate",),
        ),
        Setting(
            "max_descriptor_bytes",
            100_000,
            "The largest a datapackage.json may be, in bytes (the page-weight budget of one page).",
            ("validate",),
        ),
        Setting(
            "allow_incomplete_history",
            False,
            "Build even from a shallow clone or one missing release tags (dates and older releases may then be "
            "wrong); for a quick local look only, never for publishing.",
            ("build",),
        ),
        Setting(
            "refresh_max_bytes",
            50_000_000,
            "The largest upstream file the refresh downloads, in bytes; a larger one is refused.",
            ("refresh",),
        ),
        Setting(
            "refresh_deadline_seconds",
            300,
            "The longest the refresh spends on one upstream file, in seconds, from connecting through redirects "
            "and headers to the last byte, however slowly it arrives.",
            ("refresh",),
        ),
        Setting(
            "refresh_max_row_drop",
            0.5,
            "The largest share of a file's rows (0 to 1) an upstream file may drop; one that drops more is refused.",
            ("refresh",),
        ),
        Setting(
            "refresh_allow_hosts",
            (),
            "For the tests' local server only: addresses (such as 127.0.0.1) the refresh may fetch from although "
            "they are not public. Empty everywhere else; the workflow never sets it.",
            ("refresh",),
        ),
        Setting(
            "max_json_depth",
            32,
            "How deeply a datapackage.json may nest objects and lists; deeper is an error, not a crash.",
            ("validate",),
        ),
        Setting(
            "max_markdown_bytes",
            200_000,
            "The largest a Markdown file in content/ may be, in bytes; a larger one is an error before the build.",
            ("build",),
        ),
        Setting(
            "max_markdown_depth",
            12,
            "How deeply a Markdown file may nest block quotes or lists; deeper is an error before the build.",
            ("build",),
        ),
        Setting(
            "site_public_url",
            "",
            "Where the published site lives (https), for citations, feeds and absolute links; a publishing build "
            "refuses an empty or example address.",
            ("site", "build"),
        ),
        Setting(
            "repository_url",
            "",
            "The public source repository (https); the issue forms the pages link to are under it. A publishing "
            "build refuses an empty or example address.",
            ("site", "build"),
        ),
        Setting(
            "contact_email",
            None,
            "The project's own email address, or None when it has none: the pages then offer the GitHub issue "
            "forms and say so. A placeholder (example.org and other reserved domains) is never shown, and a "
            "publishing build refuses it.",
            ("site", "build"),
        ),
        Setting(
            "author",
            "",
            "Who publishes the data: the publisher and creator in citations, the catalogue, the feeds and each "
            "dataset's JSON-LD.",
            ("site",),
        ),
        Setting(
            "issue_forms",
            {},
            "The GitHub issue forms the pages link to: a name (feedback, directory-change, data-problem) to its "
            "file in .github/ISSUE_TEMPLATE/.",
            ("site",),
        ),
    )
}

# The settings a validation run takes: its command-line options.
VALIDATION_SETTINGS = tuple(name for name, s in SETTINGS.items() if "validate" in s.used_by)


def default(name: str):
    """A setting's declared default, for command-line options and their help; code reads settings with value()."""
    return SETTINGS[name].default


def value(name: str, given: Mapping | None = None):
    """The one way to read a setting: from ``given`` (validator settings by name, Pelican's by NAME), else its
    default. An undeclared name is a KeyError."""
    setting = SETTINGS[name]
    for key in (setting.name, setting.site_name):
        if given is not None and given.get(key) is not None:
            return given[key]
    return setting.default


def validation_settings(given: Mapping | None = None) -> dict:
    """Every validation setting, from ``given`` where it says, else the default."""
    return {name: value(name, given) for name in VALIDATION_SETTINGS}


def site_overrides(validation: Mapping) -> dict:
    """Validation settings as Pelican settings, so the pages say what the data was checked against."""
    return {
        SETTINGS[name].site_name: validation[name] for name in VALIDATION_SETTINGS if "site" in SETTINGS[name].used_by
    }


def unknown(names: Iterable[str], pelican_names: Iterable[str]) -> list[tuple[str, str | None]]:
    """Each upper-case name that is neither Pelican's nor ours, with the closest setting (difflib) or None: a
    misspelt setting would otherwise be silently ignored."""
    allowed = {*pelican_names, *(s.site_name for s in SETTINGS.values())}
    return [
        (name, next(iter(difflib.get_close_matches(name, allowed, n=1)), None))
        for name in names
        if name.isupper() and name not in allowed
    ]
