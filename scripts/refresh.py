"""Refresh data from upstream files: ``python -m scripts.refresh [--summary PATH]``.

A resource may name the CSV a council publishes as its upstream, in its descriptor:

    {"name": "spend", "path": "spend.csv", "x-upstream": {"url": "https://example.gov.uk/spend.csv"}, ...}

Each upstream file is downloaded and checked with the validator, in a copy of its package.
Only when every file is valid are the ones that differ written into data/; if any file is
invalid or cannot be fetched, its errors are printed, nothing changes and the exit code is 1.
The workflow then opens a pull request with the change: new data is reviewed, never pushed.

An upstream cannot hurt: downloads are http(s) only, from public addresses only (redirects
included, and the address actually connected to is checked too), within a size cap and a
deadline for the whole request (headers included), and a body shorter than its Content-Length is refused. A
file that would drop more than a set share of the rows it replaces is refused. Every target
lies inside data/, and the files are written beside their targets first, then renamed: all
of them or none. Upstream text is escaped wherever it is shown (the log, the job summary).
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import ipaddress
import json
import os
import re
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Self
from urllib.parse import urljoin, urlsplit

from scripts.settings import SETTINGS, default, validation_settings, value
from scripts.summary import markdown_code
from scripts.validate.command import display, validate

UPSTREAM = "x-upstream"
TIMEOUT_SECONDS = 60  # for any one read; the whole request (headers too) has refresh_deadline_seconds
CHUNK = 64 * 1024
REFRESH_SETTINGS = tuple(name for name, s in SETTINGS.items() if "refresh" in s.used_by)


class Refused(ValueError):
    """An upstream the refresh will not take, with the reason."""


USER_AGENT = "mh-day-opportunities-data refresh (+https://github.com/mh-day-opportunities/open-data)"


@dataclass(frozen=True)
class Upstream:
    folder: Path
    resource: str
    file: str
    url: str

    @property
    def target(self) -> Path:
        return self.folder / self.file


@dataclass
class Outcome:
    upstream: Upstream
    status: str  # unchanged, changed, invalid or unreachable
    errors: list[str] = field(default_factory=list)
    content: bytes | None = None


def read_descriptor(path: Path) -> dict:
    """A package's descriptor, or ``Refused`` with one line naming the file (and line) that is wrong."""
    shown = display(path)
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise Refused(f"{shown}:{error.lineno}: not valid JSON: {error.msg} (column {error.colno})") from None
    except UnicodeDecodeError:
        raise Refused(f"{shown}: not UTF-8: save the descriptor as UTF-8") from None
    except OSError as error:
        raise Refused(f"{shown}: cannot be read: {error.strerror}") from None
    except RecursionError:
        raise Refused(f"{shown}: nests objects and lists too deeply to read") from None
    if not isinstance(descriptor, dict):
        raise Refused(f"{shown}:1: a descriptor is a JSON object, not {type(descriptor).__name__}")
    return descriptor


def upstreams(data_dir: Path) -> tuple[list[Upstream], list[Outcome]]:
    """Every declared upstream, and an invalid outcome for each descriptor that cannot be read."""
    found, broken = [], []
    for descriptor_path in sorted(data_dir.glob("*/datapackage.json")):
        try:
            descriptor = read_descriptor(descriptor_path)
        except Refused as error:
            unread = Upstream(display(descriptor_path.parent), "", descriptor_path.name, "")
            broken.append(Outcome(unread, "invalid", [str(error)]))
            continue
        resources = descriptor.get("resources")
        for resource in resources if isinstance(resources, list) else []:
            if isinstance(resource, dict) and UPSTREAM in resource:
                spec = resource[UPSTREAM] if isinstance(resource[UPSTREAM], dict) else {}
                url = spec.get("url", "") if isinstance(spec.get("url", ""), str) else ""
                path = resource.get("path") if isinstance(resource.get("path"), str) else ""
                name = str(resource.get("name"))
                found.append(Upstream(display(descriptor_path.parent), name, path, url))
    return found, broken


def inside(data_dir: Path, target: Path) -> bool:
    """Whether ``target`` is a file path inside ``data_dir``, symlinks resolved."""
    try:
        resolved = target.resolve()
        return resolved != data_dir.resolve() and resolved.is_relative_to(data_dir.resolve())
    except (OSError, ValueError):
        return False


def check_address(address: str, allowed: tuple | list = ()) -> None:
    """Refuse an address that is not public (loopback, private, link-local...) unless listed in ``allowed``."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if address in allowed or str(ip) in allowed:
        return
    if not ip.is_global:
        raise Refused(f"{address} is not a public address: the refresh fetches only from public hosts")


def check_url(url: str, allowed: tuple | list = ()) -> None:
    """http(s) with a host whose every address is public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"{UPSTREAM} url must be http or https, not {url!r}")
    if not parts.hostname:
        raise Refused(f"{url!r} names no host")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 80)}
    except socket.gaierror as error:
        raise Refused(f"{parts.hostname}: cannot be resolved ({error.strerror})") from None
    for address in sorted(addresses):
        check_address(address, allowed)


class Deadline:
    """A watchdog for a whole download: connecting, every redirect, the headers and the body.

    A per-read timeout cannot bound a server that sends a byte just often enough (headers
    included, which http.client reads line by line); when the time is up this shuts down
    every connection the download opened, so whatever read is waiting returns at once.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._ends = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                raise self.refused()

    def remaining(self) -> float:
        """Seconds left; ``Refused`` once none are."""
        left = self._ends - time.monotonic()
        if left <= 0 or self.expired:
            raise self.refused()
        return left

    def refused(self) -> Refused:
        return Refused(f"the download took longer than {self.seconds} s (setting refresh_deadline_seconds)")

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:  # already closed
                    pass

    def __enter__(self) -> Self:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()


def _opener(allowed, deadline: Deadline):
    """An opener whose redirects and connections are checked as ``check_url`` and ``check_address`` say,
    and whose every connection the ``deadline`` can cut."""

    class Redirects(urllib.request.HTTPRedirectHandler):
        def http_error_302(self, req, fp, code, msg, headers):
            location = headers.get("location") or headers.get("uri")
            if location:
                check_url(urljoin(req.full_url, location.strip()), allowed)
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

        def redirect_request(self, req, fp, code, msg, headers, newurl):
            check_url(newurl, allowed)
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    class PeerChecked:
        def connect(self):
            left = deadline.remaining()  # no socket to shut down while connecting: wait only this long
            self.timeout, bound = min(self.timeout, left), left < self.timeout
            try:
                super().connect()
            except TimeoutError:
                if bound:
                    raise deadline.refused() from None
                raise
            deadline.watch(self.sock)
            check_address(self.sock.getpeername()[0], allowed)

    class HTTP(PeerChecked, http.client.HTTPConnection):
        pass

    class HTTPS(PeerChecked, http.client.HTTPSConnection):
        pass

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(HTTP, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(HTTPS, req)

    return urllib.request.build_opener(Redirects, HTTPHandler, HTTPSHandler)


def download(url: str, settings: dict | None = None) -> bytes:
    """The body at ``url``, within the size cap and the deadline, from public hosts only; else ``Refused``.

    The deadline covers the whole request: connecting, redirects, the response headers and the body."""
    settings = {name: value(name, settings) for name in REFRESH_SETTINGS}
    allowed = tuple(settings["refresh_allow_hosts"])
    check_url(url, allowed)
    with Deadline(settings["refresh_deadline_seconds"]) as deadline:
        try:
            return _download(url, settings, deadline)
        except (OSError, http.client.HTTPException):
            if deadline.expired:
                raise deadline.refused() from None
            raise


def _download(url: str, settings: dict, deadline: Deadline) -> bytes:
    allowed, cap = tuple(settings["refresh_allow_hosts"]), settings["refresh_max_bytes"]
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    timeout = min(TIMEOUT_SECONDS, settings["refresh_deadline_seconds"])
    with _opener(allowed, deadline).open(request, timeout=timeout) as response:
        declared = response.headers.get("Content-Length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > cap):
            raise Refused(f"Content-Length {declared!r} is over the {cap:,}-byte cap (setting refresh_max_bytes)")
        body = bytearray()
        while True:
            try:
                chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
            except http.client.IncompleteRead as error:
                body.extend(error.partial)
                chunk = b""
            if deadline.expired:
                raise deadline.refused()
            if not chunk:
                break
            body.extend(chunk)
            if len(body) > cap:
                raise Refused(f"the file is over the {cap:,}-byte cap (setting refresh_max_bytes)")
        if declared is not None and len(body) != int(declared):
            raise Refused(f"the body is {len(body):,} bytes but its Content-Length says {int(declared):,}: cut short")
        return bytes(body)


def rows_in(content: bytes) -> int:
    """Records in a CSV file after its header (the validator has already read it)."""
    text = content.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    return max(sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1, 0)


def check_package(folder: Path, fetched: dict[Upstream, bytes], settings: dict) -> dict[Upstream, list[str]]:
    """Validate a copy of the package holding the fetched files; errors per upstream (empty if valid)."""
    by_file = {u.file: u for u in fetched}
    with tempfile.TemporaryDirectory(prefix="refresh-") as scratch:
        copy = Path(scratch) / folder.name
        shutil.copytree(folder, copy)
        for upstream, content in fetched.items():
            (copy / upstream.file).write_bytes(content)
        result = validate([copy], settings)
        errors: dict[Upstream, list[str]] = {u: [] for u in fetched}
        for problem in result.problems:
            try:
                name = Path(problem.path).resolve().relative_to(copy.resolve()).as_posix()
            except ValueError:  # a file outside the package, such as the GSS code list
                name = None
            upstream = by_file.get(name)
            # Errors in a downloaded file name its URL; others (a key it breaks elsewhere) the file in data/.
            where = upstream.url if upstream else str(folder / name) if name else problem.path
            shown = replace(problem, path=where).text()
            for affected in [upstream] if upstream else fetched:
                errors[affected].append(shown)
    return errors


def refresh(data_dir: Path, settings: dict, fetch=None) -> list[Outcome]:
    """Fetch and check every upstream; write the changed files only if all of them are valid."""
    settings = {**validation_settings(settings), **{name: value(name, settings) for name in REFRESH_SETTINGS}}
    fetch = fetch or (lambda url: download(url, settings))
    found, outcomes = upstreams(data_dir)
    packages: dict[Path, dict[Upstream, bytes]] = {}
    for upstream in found:
        if not upstream.file or not inside(data_dir, upstream.target):
            where = f"{upstream.folder}: resource {upstream.resource!r}"
            outcomes.append(
                Outcome(upstream, "invalid", [f"{where}: path {upstream.file!r} is not a file inside data/"])
            )
            continue
        try:
            content = fetch(upstream.url)
        except (OSError, ValueError, http.client.HTTPException) as error:
            outcomes.append(Outcome(upstream, "unreachable", [f"{upstream.url}: could not download: {error}"]))
            continue
        packages.setdefault(upstream.folder, {})[upstream] = content
    for folder, fetched in packages.items():
        for upstream, errors in check_package(folder, fetched, settings).items():
            content = fetched[upstream]
            if not errors and upstream.target.exists():
                before, after = rows_in(upstream.target.read_bytes()), rows_in(content)
                limit = settings["refresh_max_row_drop"]
                if before and (before - after) / before > limit:
                    message = (
                        f"{upstream.url}: would drop {before - after} of the {before} rows of {upstream.target} "
                        f"({(before - after) / before:.0%}), more than the {limit:.0%} allowed "
                        "(setting refresh_max_row_drop): check the upstream file"
                    )
                    errors = [message]
            if errors:
                outcomes.append(Outcome(upstream, "invalid", errors))
            else:
                same = upstream.target.exists() and upstream.target.read_bytes() == content
                outcomes.append(Outcome(upstream, "unchanged" if same else "changed", content=content))
    if all(o.status in ("unchanged", "changed") for o in outcomes):
        write_all({o.upstream.target: o.content for o in outcomes if o.status == "changed"}, data_dir)
    return outcomes


def _stage(target: Path, content: bytes, token: str) -> Path:
    """The new content written and synced beside its target, under a temporary name."""
    temporary = target.with_name(f".{target.name}.refresh-{token}")
    with open(temporary, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    return temporary


def _swap_all(staged: dict[Path, Path], backups: dict[Path, Path]) -> None:
    """Rename every staged file over its target; if one rename fails, put back what was already replaced."""
    done = []
    try:
        for target, temporary in staged.items():
            os.replace(temporary, target)
            done.append(target)
    except OSError:
        for target in done:
            if target in backups:
                os.replace(backups[target], target)
            else:
                target.unlink(missing_ok=True)
        raise


def write_all(files: dict[Path, bytes], data_dir: Path) -> None:
    """Write every file or none: each beside its target first, then all renamed, undone if one rename fails."""
    for target in files:
        if not inside(data_dir, target):
            raise Refused(f"{target} is not inside {data_dir}")
    token = secrets.token_hex(4)
    staged: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    try:
        for target, content in files.items():
            staged[target] = _stage(target, content, token)
        for target in staged:
            if target.exists():
                backups[target] = target.with_name(f".{target.name}.before-{token}")
                os.link(target, backups[target])
        _swap_all(staged, backups)
    finally:
        for path in [*staged.values(), *backups.values()]:
            path.unlink(missing_ok=True)


def failed(outcomes: list[Outcome]) -> bool:
    return any(o.status in ("invalid", "unreachable") for o in outcomes)


def verdict(outcomes: list[Outcome]) -> str:
    if not outcomes:
        return f"No resource declares an upstream file ({UPSTREAM}): nothing to refresh."
    if failed(outcomes):
        return "Nothing was changed: a descriptor or an upstream file is invalid, or a file could not be downloaded."
    changed = sum(o.status == "changed" for o in outcomes)
    if not changed:
        return f"Checked {len(outcomes)} upstream file{'s' * (len(outcomes) != 1)}: all valid, none changed."
    return f"Checked {len(outcomes)} upstream file{'s' * (len(outcomes) != 1)}: all valid, {changed} changed and written to data/."


def upstream_cell(url: str) -> str:
    return markdown_code(url, table=True) if url else "(its descriptor cannot be read)"


def markdown(outcomes: list[Outcome]) -> str:
    """The job summary: every piece of upstream text in a code span, so it cannot become Markdown or HTML."""
    lines = ["## Upstream refresh", "", verdict(outcomes), ""]
    if outcomes:
        lines += ["| file | upstream | result |", "| --- | --- | --- |"]
        lines += [
            f"| {markdown_code(o.upstream.target, table=True)} | {upstream_cell(o.upstream.url)} | {o.status} |"
            for o in outcomes
        ]
        errors = [e for o in outcomes for e in o.errors]
        if errors:
            lines += ["", "Errors:", ""] + [f"- {markdown_code(e)}" for e in errors]
        lines.append("")
    return "\n".join(lines)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def log_safe(text: object) -> str:
    """One line of log text: control characters shown as escapes, and no ``::`` to start a workflow command."""
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))
    return shown.replace("::", ":\u200b:")


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m scripts.refresh", description=__doc__.splitlines()[0])
    cli.add_argument(
        "--data-dir", type=Path, default=default("data_dir"), help="where the packages are (default: data/)"
    )
    cli.add_argument("--summary", type=Path, help="also write the result as Markdown to PATH (for a pull request)")
    cli.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="for the tests' local server only: an address to fetch from although it is not public (never in the workflow)",
    )
    args = cli.parse_args(argv)
    settings = {**validation_settings(), **{name: value(name) for name in REFRESH_SETTINGS}}
    settings["refresh_allow_hosts"] = tuple(settings["refresh_allow_hosts"]) + tuple(args.allow_host)
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    stop = secrets.token_hex(16)
    if in_actions:
        print(f"::stop-commands::{stop}")  # nothing printed below can run as a workflow command
    outcomes = refresh(args.data_dir, settings)
    for outcome in outcomes:
        source = f" ({outcome.upstream.url})" if outcome.upstream.url else ""
        print(log_safe(f"{outcome.upstream.target}: {outcome.status}{source}"))
        for error in outcome.errors:
            print(f"  {log_safe(error)}")
    print(verdict(outcomes))
    if in_actions:
        print(f"::{stop}::")
    if args.summary:
        args.summary.write_text(markdown(outcomes), encoding="utf-8")
    return 1 if failed(outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
