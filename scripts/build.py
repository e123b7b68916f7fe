"""Build the site: ``python -m scripts.build [--output output]``.

Validates the data, runs Pelican into a new folder beside the output (``.output-<time>-<pid>``),
and only when every step has passed renames it to a version (``.output-v<time>``) and points
``output`` at it. ``output`` is a
symbolic link, replaced in one ``rename``: at every instant it is the old complete site or the
new one, whatever kills the build. A lock beside it keeps two builds from swapping at once, and
each swap removes the versions no longer published and the leftovers of killed builds.

For the fault-injection tests, ``BUILD_FAULT=<point>`` in the environment ends the process at
that named point (``os._exit``), as a kill would; unset, as in every real build, it does
nothing. The points are listed in ``FAULT_POINTS``.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import errno
import fcntl
import json
import logging
import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from scripts import gitinfo, publishing
from scripts.build_cache import BuildCache
from scripts.catalogue.versions import version_key
from scripts.search import SearchIndexError, index_site
from scripts.security import write_headers
from scripts.settings import ROOT, default, site_overrides, validation_settings, value
from scripts.site.run import BuildError, pelican_settings, run_pelican
from scripts.validate.command import package_folders, validate
from scripts.validate.content import check_content

FAULT = "BUILD_FAULT"
FAULT_POINTS = ("validated", "built", "indexed", "linked", "swapped", "cleaned")


def validate_data(
    data_dir: Path, settings: dict | None = None, content_dir: Path | None = None, cache: BuildCache | None = None
) -> None:
    """Check the data and the content; raise BuildError naming every problem. A pass of these very files with these
    settings and code, kept in ``cache``, is not checked again (scripts/build_cache.py)."""
    checked = validation_settings(settings)
    cache = cache or BuildCache(None)
    key = cache.verdict_key(data_dir, checked) if cache.folder is not None else ""
    content = check_content(content_dir) if content_dir is not None else []
    if key and cache.passed(key):
        if content:
            raise BuildError("\n".join(p.text() for p in content))
        return
    result = validate(package_folders([], data_dir), checked)
    if not result.valid or content:
        raise BuildError("\n".join([p.text() for p in result.problems + content] + [result.summary()]))
    if key:
        cache.keep_pass(key)


def index_search(site: Path, cache: BuildCache) -> None:
    """Pagefind's index of ``site``, or the one kept for exactly these pages (scripts/build_cache.py)."""
    key = cache.search_key(site) if cache.folder is not None else ""
    if key and cache.restore_search(key, site):
        return
    try:
        index_site(site)
    except SearchIndexError as error:
        raise BuildError(str(error)) from error
    if key:
        cache.keep_search(key, site)


FIX_HISTORY = "git fetch --unshallow --tags"


def check_history(data_dir: Path) -> list[str]:
    """Why the git history cannot give true dates and releases: a shallow clone, or a release tag missing.

    A release is a ``<package>-v<version>`` tag (scripts/catalogue/versions.py); every version a
    package's descriptor has had in the history before the current one (an older version number)
    must have its tag, or the site would leave that release out. A newer number in the history was
    a bump taken back before release, so no tag is owed for it. Outside a git checkout there is no history to be
    wrong (dates are then left out, never guessed), so nothing is reported.
    """
    if not data_dir.is_dir() or (gitinfo.text(data_dir, "rev-parse", "--is-inside-work-tree") or "").strip() != "true":
        return []
    how = f"run `{FIX_HISTORY}`, or build with --allow-incomplete-history (not for publishing)"
    if (gitinfo.text(data_dir, "rev-parse", "--is-shallow-repository") or "").strip() == "true":
        return [f"this clone is shallow, so 'last changed' dates and older releases would be wrong: {how}"]
    problems = []
    tags = set((gitinfo.text(data_dir, "tag", "--list") or "").split())
    for descriptor_path in sorted(data_dir.glob("*/datapackage.json")):
        folder = descriptor_path.parent
        try:
            current = json.loads(descriptor_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # the validator reports it
        name, version = current.get("name"), current.get("version")
        seen = set()
        for commit in (gitinfo.text(folder, "log", "--format=%H", "--", "datapackage.json") or "").split():
            text = gitinfo.text(folder, "show", f"{commit}:./datapackage.json")
            try:
                old = json.loads(text) if text else {}
            except ValueError:
                continue
            if isinstance(old, dict) and isinstance(old.get("version"), str) and old.get("name") == name:
                seen.add(old["version"])
        for old_version in sorted(v for v in seen - {version} if version_key(v) < version_key(version)):
            tag = f"{name}-v{old_version}"
            if tag not in tags:
                problems.append(
                    f"{descriptor_path}: version {old_version} is in the history but its tag {tag} is missing, so "
                    f"that release would be left out: {how} (or, if it was never tagged, tag it)"
                )
    return problems


def fault(point: str) -> None:
    """End the process here if the fault-injection tests asked for it (see the module docstring)."""
    if os.environ.get(FAULT) == point:
        os._exit(70)


def build(
    output: Path,
    overrides: dict | None = None,
    data_dir: Path | None = None,
    validation: dict | None = None,
    allow_incomplete_history: bool | None = None,
    for_publishing: bool = False,
) -> list[logging.LogRecord]:
    """Validate, build into a new versioned folder, then point ``output`` at it in one rename.

    ``for_publishing`` (``--publish``, the workflow's build for deployment) first refuses placeholder or empty
    contact settings (scripts/publishing.py)."""
    output = Path(os.path.abspath(output))
    content = Path((overrides or {}).get("PATH", ROOT / "content"))
    settings = pelican_settings(overrides)
    if for_publishing:
        refused = publishing.problems(settings)
        if refused:
            raise BuildError("\n".join(refused))
    if allow_incomplete_history is None:
        allow_incomplete_history = value("allow_incomplete_history")
    if not allow_incomplete_history:
        history = check_history(data_dir or value("data_dir"))
        if history:
            raise BuildError("\n".join(history))
    cache = BuildCache(value("build_cache", settings))
    validate_data(data_dir or value("data_dir"), validation, content, cache)
    fault("validated")
    # The site states what the data was checked against (the suppression threshold, the GSS codes).
    overrides = {**site_overrides(validation_settings(validation)), **(overrides or {})}
    if data_dir is not None:
        overrides = {"DATA_DIR": str(data_dir), **overrides}
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}-{time.time_ns()}-{os.getpid()}")
    staging.mkdir()
    try:
        warnings = run_pelican(staging, overrides)
        fault("built")
        index_search(staging, cache)
        fault("indexed")
        write_headers(staging)
        publish(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return warnings


@contextmanager
def publishing_lock(output: Path):
    """One swap at a time per output: an exclusive lock on a file beside it, held until the swap is done."""
    with open(output.with_name(f".{output.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def publish(staging: Path, output: Path) -> None:
    """Point ``output`` at the folder ``staging`` beside it atomically, then remove what is no longer published.

    Under the lock the staging folder (``.output-<time>-<pid>``) becomes a version
    (``.output-v<time>``); only versions are ever published, so any version not published is
    finished with and removed, while another build's staging folder is kept while it runs.
    """
    with publishing_lock(output):
        version = output.with_name(f".{output.name}-v{time.time_ns()}")
        staging.rename(version)
        link = output.with_name(f".{output.name}-link-{os.getpid()}")
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(version.name)  # relative: the pair can be moved together
        fault("linked")
        if output.is_dir() and not output.is_symlink():
            # An output folder from before the builds used links: exchange it for the link in one step.
            _exchange(link, output)
            link.rename(output.with_name(f".{output.name}-v0-replaced-{time.time_ns()}"))
        else:
            os.replace(link, output)
        fault("swapped")
        remove_leftovers(output)
        fault("cleaned")


def remove_leftovers(output: Path) -> None:
    """Remove every ``.output-*`` folder and link but the version published and other builds' work in progress."""
    published = os.readlink(output) if output.is_symlink() else None
    prefix = f".{output.name}-"
    for path in output.parent.glob(f"{prefix}*"):
        suffix = path.name[len(prefix) :]
        if path.name == published or (not suffix.startswith("v") and _running(suffix)):
            continue
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)


def _running(suffix: str) -> bool:
    """Whether the build that made ``.output-<time>-<pid>`` (or ``-link-<pid>``) is another process still alive."""
    parts = suffix.split("-")
    pid = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    if pid is None or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> None:
    """Swap two names in one step (Linux renameat2 RENAME_EXCHANGE)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    at_fdcwd = -100
    if renameat2 is None or renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno() if renameat2 is not None else errno.ENOSYS
        raise OSError(code, f"cannot exchange {b} for the new site: {os.strerror(code)}; remove {b} and build again")


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m scripts.build", description=__doc__.splitlines()[0])
    cli.add_argument("--output", type=Path, default=ROOT / "output", help="where the site goes (default: output/)")
    cli.add_argument("--data", type=Path, help="build from the packages in this folder instead of data/")
    cli.add_argument("--content", type=Path, help="build from the Markdown in this folder instead of content/")
    cli.add_argument("--gss-codes", type=Path, help="the GSS reference file to validate against")
    cli.add_argument(
        "--allow-incomplete-history",
        action="store_true",
        default=default("allow_incomplete_history"),
        help="build even from a shallow clone or one missing release tags (not for publishing)",
    )
    cli.add_argument(
        "--publish",
        action="store_true",
        help="a build to publish: refuse an empty or example SITE_PUBLIC_URL, REPOSITORY_URL or CONTACT_EMAIL",
    )
    args = cli.parse_args(argv)
    overrides = {"PATH": str(args.content.resolve())} if args.content else None
    validation = {"gss_codes": args.gss_codes} if args.gss_codes else None
    try:
        warnings = build(
            args.output,
            overrides,
            args.data.resolve() if args.data else None,
            validation,
            args.allow_incomplete_history,
            args.publish,
        )
    except BuildError as error:
        print(error, file=sys.stderr)
        print(f"Nothing was published: {args.output} is unchanged.", file=sys.stderr)
        return 1
    except OSError as error:  # a read-only or full disk, a folder we may not write: one line, no traceback
        where = f" ({error.filename})" if error.filename else ""
        print(f"cannot write the site: {error.strerror or error}{where}", file=sys.stderr)
        print(f"Nothing was published: {args.output} is unchanged.", file=sys.stderr)
        return 1
    for record in warnings:
        print(f"warning: {record.getMessage()}", file=sys.stderr)
    print(f"Built the site into {args.output}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
