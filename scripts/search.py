"""Site search: index the built site with Pagefind (``python -m pagefind``, offline, from the venv).

Only what sits inside an element with ``data-pagefind-body`` is indexed (reports, dataset pages,
and whatever other template marks its main content); ``data-pagefind-ignore`` leaves a part out.
The index lands in <site>/pagefind/, read by theme/static/js/search.js on /search/ only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# The pages that can hold a data-pagefind-body, the only pages indexed: Pagefind reads no other. The directory's
# hundreds of list pages (directory/<filter>/<value>/...) hold none, and reading them took a sixth of Pagefind's
# memory at 5,000 providers. tests/test_findable.py checks that the index is byte for byte the one Pagefind writes
# reading every page, so a page given a body outside these is caught.
PAGES = "{councils/**/*.html,data/**/*.html,reports/**/*.html,directory/*/index.html}"


class SearchIndexError(Exception):
    pass


def index_site(site: Path) -> None:
    """Write Pagefind's index into ``site``/pagefind/; raise SearchIndexError if Pagefind fails."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", PAGES, "--silent"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise SearchIndexError(f"search index failed: {error}") from error
    if result.returncode != 0 or not (site / "pagefind" / "pagefind.js").is_file():
        raise SearchIndexError(f"search index failed: {(result.stderr or result.stdout).strip()}")
