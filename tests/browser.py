"""Real-browser testing: a loopback server for a built site, Debian's Chromium via Playwright, axe-core.

Never ``playwright install``: Chromium comes from Debian (``apt-get install chromium``, done by .ci/run).
"""

from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 at a free port; stopped when the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def require_chromium() -> str:
    path = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if not path:
        raise RuntimeError(
            "Debian's chromium is needed for the browser tests: apt-get install chromium (.ci/run does this)"
        )
    if not AXE.exists():
        raise RuntimeError("axe-core is missing: run `npm ci` (make test does this)")
    return path


@dataclass
class Watched:
    """A page with everything it logged and asked for, for asserting after a load."""

    page: object
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def off_host(self) -> list[str]:
        allowed = (self.base_url + "/", "data:", "blob:", "about:")
        return [url for url in self.requests if not url.startswith(allowed)]

    def goto(self, path: str):
        return self.page.goto(self.base_url + path, wait_until="load")


def watch(context, base_url: str) -> Watched:
    page = context.new_page()
    watched = Watched(page, base_url)
    page.on("console", lambda m: m.type == "error" and watched.console_errors.append(m.text))
    page.on("pageerror", lambda e: watched.console_errors.append(str(e)))
    page.on("request", lambda r: watched.requests.append(r.url))

    def keep_local(route):
        # Record everything, let nothing leave the machine.
        if route.request.url.startswith((base_url + "/", "data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", keep_local)
    return watched


def axe_violations(page, tags=WCAG_TAGS) -> list[dict]:
    """Run axe-core in the page (evaluated over the DevTools protocol, so the page's CSP still holds)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        tags,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
