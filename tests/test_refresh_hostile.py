"""The refresh against a hostile upstream: a real HTTP server on 127.0.0.1 serving each bad answer.

Only loopback is ever contacted. Redirects to other hosts (a private 10.x address among them)
are refused before any connection is made, which these tests also prove.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts import refresh
from tests.overlay import materialise

BASE = materialise.__globals__["BASE"]
SPEND = (BASE / "spend.csv").read_bytes()
CHANGED = SPEND.replace(b"Norfolk,2022-23,100,", b"Norfolk,2022-23,150,")
DROPPED = b"\n".join(SPEND.split(b"\n")[:2]) + b"\n"  # the header and one of three rows
INJECTED = SPEND.replace(
    b"Norfolk,2022-23,100,", b'Norfolk,2022-23,"::error::pwned [x](javascript:alert(1)) <img src=x> `code`",'
)


class Upstream(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, body: bytes, length: int | None = None, status: int = 200, headers: dict | None = None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]
        routes = {
            "/changed.csv": lambda: self.send(CHANGED, len(CHANGED)),
            "/dropped.csv": lambda: self.send(DROPPED, len(DROPPED)),
            "/injected.csv": lambda: self.send(INJECTED, len(INJECTED)),
            "/short.csv": lambda: self.send(CHANGED[:40], len(CHANGED)),
            "/no-length.csv": lambda: self.send(CHANGED),
            "/to-file": lambda: self.send(b"", 0, 302, {"Location": "file:///etc/passwd"}),
            "/to-private": lambda: self.send(b"", 0, 302, {"Location": "http://10.0.0.1/spend.csv"}),
            "/to-javascript": lambda: self.send(b"", 0, 302, {"Location": "javascript:alert(1)"}),
            "/to-changed": lambda: self.send(b"", 0, 302, {"Location": f"http://127.0.0.1:{port}/changed.csv"}),
        }
        if self.path == "/slow.csv":
            self.send_response(200)
            self.send_header("Content-Length", str(len(CHANGED)))
            self.end_headers()
            for byte in CHANGED[:30]:  # a byte every 0.2 s: longer than the test's deadline of 1 s
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.2)
            return
        if self.path.startswith("/late-redirect?to="):  # most of the deadline spent, then sent on
            time.sleep(2.5)
            self.send(b"", 0, 302, {"Location": f"http://127.0.0.1:{self.path.split('=')[1]}/spend.csv"})
            return
        if self.path == "/slow-headers.csv":
            head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(CHANGED)}\r\nX-Padding: {'x' * 40}\r\n\r\n"
            for byte in head.encode() + CHANGED:  # a byte a second, headers first: no read ever waits long
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1)
            return
        routes.get(self.path, lambda: self.send(b"not found", 9, 404))()
        if self.path == "/no-length.csv":
            self.close_connection = True


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def unanswered():
    """A port on 127.0.0.1 where connecting hangs: its one-place queue is full and it never accepts."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port))
    yield port
    filler.close()
    listener.close()


ALLOW = {"refresh_allow_hosts": ("127.0.0.1",)}


def data_dir(tmp_path, upstream: dict[str, str], paths: dict[str, str] | None = None):
    data = tmp_path / "data"
    data.mkdir(parents=True)
    folder = materialise("valid/minimal", tmp_path).rename(data / "minimal")
    descriptor = json.loads((folder / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        if resource["name"] in upstream:
            resource[refresh.UPSTREAM] = {"url": upstream[resource["name"]]}
        resource["path"] = (paths or {}).get(resource["name"], resource["path"])
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    return data


def outcome(tmp_path, url, **settings):
    data = data_dir(tmp_path, {"spend": url})
    (result,) = refresh.refresh(data, {**ALLOW, **settings})
    return result, (data / "minimal" / "spend.csv").read_bytes()


def test_a_good_upstream_through_a_redirect_is_taken(tmp_path, server):
    result, written = outcome(tmp_path, f"{server}/to-changed")
    assert result.status == "changed" and written == CHANGED


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-file", "must be http or https"),
        ("/to-javascript", "must be http or https"),
        ("/to-private", "10.0.0.1 is not a public address"),
        ("/short.csv", "cut short"),
    ],
)
def test_a_bad_upstream_is_refused_and_nothing_changes(tmp_path, server, path, reason):
    result, written = outcome(tmp_path, f"{server}{path}")
    assert result.status == "unreachable" and reason in result.errors[0], result.errors
    assert written == SPEND


def test_loopback_is_refused_unless_the_tests_allow_it(tmp_path, server):
    result, written = outcome(tmp_path, f"{server}/changed.csv", refresh_allow_hosts=())
    assert result.status == "unreachable" and "127.0.0.1 is not a public address" in result.errors[0]
    assert written == SPEND


@pytest.mark.parametrize("path", ["/changed.csv", "/no-length.csv"])
def test_a_file_over_the_size_cap_is_refused(tmp_path, server, path):
    result, written = outcome(tmp_path, f"{server}{path}", refresh_max_bytes=100)
    assert result.status == "unreachable" and "100-byte cap" in result.errors[0], result.errors
    assert written == SPEND


def test_a_download_that_drips_past_the_deadline_is_refused(tmp_path, server):
    started = time.monotonic()
    result, written = outcome(tmp_path, f"{server}/slow.csv", refresh_deadline_seconds=1)
    assert time.monotonic() - started < 5
    assert result.status == "unreachable" and "longer than 1 s" in result.errors[0], result.errors
    assert written == SPEND


def test_headers_that_drip_past_the_deadline_are_refused(tmp_path, server):
    # Each byte comes within any per-read timeout; only a deadline over the whole request ends it.
    started = time.monotonic()
    result, written = outcome(tmp_path, f"{server}/slow-headers.csv", refresh_deadline_seconds=2)
    assert time.monotonic() - started < 6
    assert result.status == "unreachable" and "longer than 2 s" in result.errors[0], result.errors
    assert written == SPEND


def test_a_connection_after_a_redirect_waits_only_for_what_is_left_of_the_deadline(tmp_path, server, unanswered):
    started = time.monotonic()
    result, written = outcome(tmp_path, f"{server}/late-redirect?to={unanswered}", refresh_deadline_seconds=3)
    assert time.monotonic() - started < 4.5  # not 2.5 s and then the whole deadline again
    assert result.status == "unreachable" and "longer than 3 s" in result.errors[0], result.errors
    assert written == SPEND


def test_a_file_that_drops_most_rows_is_refused(tmp_path, server):
    result, written = outcome(tmp_path, f"{server}/dropped.csv")
    assert result.status == "invalid" and "would drop 2 of the 3 rows" in result.errors[0]
    assert written == SPEND
    result, written = outcome(tmp_path / "again", f"{server}/dropped.csv", refresh_max_row_drop=0.7)
    assert result.status == "changed" and written == DROPPED


def test_a_target_outside_data_is_refused_before_anything_is_fetched(tmp_path, server):
    data = data_dir(tmp_path, {"spend": f"{server}/changed.csv"}, {"spend": "../../outside.csv"})
    fetched = []
    (result,) = refresh.refresh(data, ALLOW, fetch=lambda url: fetched.append(url) or CHANGED)
    assert result.status == "invalid" and "is not a file inside data/" in result.errors[0]
    assert fetched == [] and not (tmp_path / "outside.csv").exists()


def test_files_are_written_all_or_none(tmp_path, server, monkeypatch):
    share = (BASE / "locality_share.csv").read_bytes().replace(b"East,60", b"East,55").replace(b"West,40", b"West,45")
    data = data_dir(tmp_path, {"spend": f"{server}/changed.csv", "locality_share": "https://example.org/x"})
    before = {p.name: p.read_bytes() for p in (data / "minimal").iterdir()}
    real = os.replace
    calls = []

    def fail_second(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(source, target)

    monkeypatch.setattr(os, "replace", fail_second)
    fetch = {f"{server}/changed.csv": CHANGED, "https://example.org/x": share}.__getitem__
    with pytest.raises(OSError):
        refresh.refresh(data, ALLOW, fetch=fetch)
    monkeypatch.setattr(os, "replace", real)
    assert {p.name: p.read_bytes() for p in (data / "minimal").iterdir()} == before  # no temporary left either


def test_upstream_text_cannot_run_workflow_commands_or_markdown(tmp_path, server, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    data = data_dir(tmp_path, {"spend": f"{server}/injected.csv"})
    summary = tmp_path / "summary.md"
    code = refresh.main(["--data-dir", str(data), "--summary", str(summary), "--allow-host", "127.0.0.1"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    # Workflow commands are stopped for the whole output, and no line of upstream text holds "::" either.
    assert out[0].startswith("::stop-commands::") and out[-1] == f"::{out[0].split('::')[2]}::"
    assert not any("::error" in line for line in out[1:-1])
    text = summary.read_text()
    errors = [line for line in text.splitlines() if "pwned" in line]
    # Every line with upstream text holds it in a code span fenced longer than its own backticks.
    assert errors and all(line.startswith("- ``") and line.endswith("``") for line in errors), errors


def test_markdown_code_spans_hold_any_text():
    from scripts.summary import markdown_code, markdown_text

    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`x`") == "`` `x` ``"
    assert markdown_code("a|b", table=True) == "`a\\|b`"
    assert markdown_code("line\nbreak") == "`line break`"
    assert markdown_text("[x](javascript:1) <b>") == "\\[x\\](javascript:1) \\<b\\>"
