"""The Markdown reader every page and report goes through: Pelican's, made safe.

References resolve against the build context (``scripts/site/context.py``), then the
author's HTML is sanitised (``scripts/site/safe_markdown.py``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.readers import MarkdownReader

from scripts.settings import ROOT
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
            content = render(content, source_text, display(source_path), context.of(self.settings))
        except references.ReferenceProblem as problem:
            # Pelican logs only "Could not process <file>"; say what and where, one line per bad reference
            # (run_pelican then leaves Pelican's line out).
            for each in getattr(problem, "problems", [problem]):
                logger.error("%s", each)
            raise
        if "summary" in metadata:
            metadata["summary"] = sanitise(str(metadata["summary"]))
        return content, metadata


def display(path) -> str:
    """A source path as a maintainer reads it: relative to the repository when inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def install(readers) -> None:
    for extension in MARKDOWN_EXTENSIONS:
        readers.reader_classes[extension] = SafeMarkdownReader
