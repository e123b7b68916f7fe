"""Build the site: ``python -m scripts.build [--output output]``.

Validates the data, runs Pelican into a temporary folder beside the output, and only when
every step has passed swaps it in for the old output. A failed build leaves the previous
site exactly as it was.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

from scripts.search import SearchIndexError, index_site
from scripts.settings import ROOT, default
from scripts.validate.command import CLI_SETTINGS, package_folders, validate
from scripts.validate.content import check_dates

CONF = ROOT / "pelican.conf.py"


class BuildError(Exception):
    pass


class _Collector(logging.Handler):
    """Keeps every warning and error Pelican logs, so the build can refuse to publish."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def validate_data(data_dir: Path, settings: dict | None = None, content_dir: Path | None = None) -> None:
    result = validate(
        package_folders([], data_dir), {**{name: default(name) for name in CLI_SETTINGS}, **(settings or {})}
    )
    dates = check_dates(content_dir) if content_dir is not None else []
    if not result.valid or dates:
        raise BuildError("\n".join([p.text() for p in result.problems + dates] + [result.summary()]))


def run_pelican(output: Path, overrides: dict | None = None) -> list[logging.LogRecord]:
    """Run Pelican into ``output``; return the warnings it logged, raise BuildError on errors."""
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(
        str(CONF),
        override={
            "PATH": str(ROOT / "content"),
            "THEME": str(ROOT / "theme"),
            "OUTPUT_PATH": str(output),
            "DELETE_OUTPUT_DIRECTORY": False,
            **(overrides or {}),
        },
    )
    collector = _Collector()
    root_logger = logging.getLogger()
    root_logger.addHandler(collector)
    try:
        Pelican(settings).run()
    except Exception as error:  # Pelican raises plugin and writer errors as they are
        raise BuildError(f"build failed: {error}") from error
    finally:
        root_logger.removeHandler(collector)
    errors = [r for r in collector.records if r.levelno >= logging.ERROR]
    if errors:
        raise BuildError("\n".join(f"build failed: {r.getMessage()}" for r in errors))
    return [r for r in collector.records if r.levelno == logging.WARNING]


def build(
    output: Path, overrides: dict | None = None, data_dir: Path | None = None, validation: dict | None = None
) -> list[logging.LogRecord]:
    """Validate, build into a temporary folder, then replace ``output`` in one rename."""
    output = output.resolve()
    content = Path((overrides or {}).get("PATH", ROOT / "content"))
    validate_data(data_dir or default("data_dir"), validation, content)
    if data_dir is not None:
        overrides = {"DATA_DIR": str(data_dir), **(overrides or {})}
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=output.parent))
    try:
        warnings = run_pelican(staging, overrides)
        try:
            index_site(staging)
        except SearchIndexError as error:
            raise BuildError(str(error)) from error
        old = output.with_name(f".{output.name}-previous")
        shutil.rmtree(old, ignore_errors=True)
        if output.exists():
            output.rename(old)
        staging.rename(output)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return warnings


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m scripts.build", description=__doc__.splitlines()[0])
    cli.add_argument("--output", type=Path, default=ROOT / "output", help="where the site goes (default: output/)")
    cli.add_argument("--data", type=Path, help="build from the packages in this folder instead of data/")
    cli.add_argument("--content", type=Path, help="build from the Markdown in this folder instead of content/")
    cli.add_argument("--gss-codes", type=Path, help="the GSS reference file to validate against")
    args = cli.parse_args(argv)
    overrides = {"PATH": str(args.content.resolve())} if args.content else None
    validation = {"gss_codes": args.gss_codes} if args.gss_codes else None
    try:
        warnings = build(args.output, overrides, args.data.resolve() if args.data else None, validation)
    except BuildError as error:
        print(error, file=sys.stderr)
        print(f"Nothing was published: {args.output} is unchanged.", file=sys.stderr)
        return 1
    for record in warnings:
        print(f"warning: {record.getMessage()}", file=sys.stderr)
    print(f"Built the site into {args.output}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
