"""The Markdown reader every page and report goes through: Pelican's, made safe.

References resolve against the build context (``scripts/site/context.py``), then the
author's HTML is sanitised (``scripts/site/safe_markdown.py``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.readers import MarkdownReader

from scripts.formats import shown_path
from scripts.site import context, references
from scripts.site.safe_markdown import render, sanitise

MARKDOWN_EXTENSIONS = ("md", "markdown", "mkd", "mdown")
logger = logging.getLogger(__name__)


class SafeMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, with references resolved and raw HTML sanitised."""

    def read(self, source_path):
        content, metadata = super().read(source_path)
        source_text = Path(source_path).read_text(encoding="utf-8")
        try:
            content = render(content, source_text, shown_path(source_path), context.of(self.settings))
        except references.ReferenceProblem as problem:
            # Pelican logs only "Could not process <file>"; say what and where, one line per bad reference
            # (run_pelican then leaves Pelican's line out).
            for each in getattr(problem, "problems", [problem]):
                logger.error("%s", each)
            raise
        if "summary" in metadata:
            metadata["summary"] = sanitise(str(metadata["summary"]))
        return content, metadata


def install(readers) -> None:
    for extension in MARKDOWN_EXTENSIONS:
        readers.reader_classes[extension] = SafeMarkdownReader
