"""Project settings, declared once as data.

The validator's command-line help, its defaults and the README's settings table are all
read from ``SETTINGS``; a test checks the README names every one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS = {
    s.name: s
    for s in (
        Setting(
            "suppression_threshold",
            5,
            "Counts below this (and above 0) in a field marked disclosureControl must be published as [c].",
        ),
        Setting(
            "share_tolerance",
            0.5,
            "How far the shares of one group (a field marked sumsTo100Within) may stray from 100.",
        ),
        Setting(
            "gss_codes",
            ROOT / "scripts" / "reference" / "gss-codes.csv",
            "CSV of known GSS codes (column code) that authority_code values must come from.",
        ),
        Setting(
            "columnar_threshold_bytes",
            1_000_000,
            "CSV files of this many bytes or more are checked by the columnar (DuckDB) engine instead of frictionless.",
        ),
        Setting("data_dir", ROOT / "data", "Folder holding one folder per data package."),
        Setting(
            "max_cell_chars",
            10_000,
            "The longest a CSV cell may be, in characters; a longer one is an error naming its file, line and field.",
        ),
        Setting(
            "max_description_chars",
            5_000,
            "The longest a title or description in a datapackage.json may be, in characters.",
        ),
        Setting(
            "max_descriptor_bytes",
            100_000,
            "The largest a datapackage.json may be, in bytes (the page-weight budget of one page).",
        ),
        Setting(
            "allow_incomplete_history",
            False,
            "Build even from a shallow clone or one missing release tags (dates and older releases may then be "
            "wrong); for a quick local look only, never for publishing.",
        ),
        Setting(
            "refresh_max_bytes",
            50_000_000,
            "The largest upstream file the refresh downloads, in bytes; a larger one is refused.",
        ),
        Setting(
            "refresh_deadline_seconds",
            300,
            "The longest the refresh spends downloading one upstream file, in seconds, however slowly it arrives.",
        ),
        Setting(
            "refresh_max_row_drop",
            0.5,
            "The largest share of a file's rows (0 to 1) an upstream file may drop; one that drops more is refused.",
        ),
        Setting(
            "refresh_allow_hosts",
            (),
            "For the tests' local server only: addresses (such as 127.0.0.1) the refresh may fetch from although "
            "they are not public. Empty everywhere else; the workflow never sets it.",
        ),
        Setting(
            "max_json_depth",
            32,
            "How deeply a datapackage.json may nest objects and lists; deeper is an error, not a crash.",
        ),
    )
}


def default(name: str):
    return SETTINGS[name].default
