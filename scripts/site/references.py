"""``{kind name}`` references in Markdown: ``{figure spend/norfolk-2022-23}``, ``{chart ...}``.

Each kind has a resolver (``RESOLVERS`` in ``scripts/figures/resolvers.py``), held by the build
context (``context.resolvers``, handed over in ``scripts/site/__init__.py``); a resolver turns a name into trusted HTML (inline, or a block
that replaces its whole paragraph). An unknown kind or
name is a ``ReferenceProblem`` naming the file and line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from scripts.figures.resolvers import Rendered

REFERENCE = re.compile(r"\{(?P<kind>[a-z]+) (?P<name>[A-Za-z0-9][A-Za-z0-9/_.\-]*)\}")


class ReferenceProblem(Exception):
    def __init__(self, path: str, line: int | None, message: str):
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path, self.line, self.message = path, line, message


class ReferenceProblems(ReferenceProblem):
    """Every bad reference of one file: its text is one ``file:line: message`` line per reference."""

    def __init__(self, problems: list[ReferenceProblem]):
        first = problems[0]
        super().__init__(first.path, first.line, first.message)
        self.problems = problems
        self.args = ("\n".join(str(p) for p in problems),)

    def __str__(self) -> str:
        return self.args[0]


Resolver = Callable[[str, object], Rendered]  # (name, build context) -> trusted HTML


def line_of(source_text: str, needle: str) -> int | None:
    index = source_text.find(needle)
    return source_text.count("\n", 0, index) + 1 if index >= 0 else None


def find(html_text: str):
    """Each reference outside <code> and <pre>, as a match object."""
    skip = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)
    spans = [m.span() for m in skip.finditer(html_text)]
    for match in REFERENCE.finditer(html_text):
        if not any(start <= match.start() < end for start, end in spans):
            yield match


def resolve_all(html_text: str, source_text: str, source_path: str, context) -> dict[str, Rendered]:
    """reference text -> rendered HTML, or ReferenceProblem listing every bad one."""
    resolved, problems = {}, []
    resolvers = context.resolvers
    for match in find(html_text):
        kind, name = match["kind"], html.unescape(match["name"])
        if match.group(0) in resolved:
            continue
        try:
            if kind not in resolvers:
                raise LookupError(f"unknown reference kind '{kind}'; use one of: {', '.join(sorted(resolvers))}")
            resolved[match.group(0)] = resolvers[kind](name, context)
        except LookupError as error:
            problems.append(
                ReferenceProblem(source_path, line_of(source_text, match.group(0)), str(error).strip("'\""))
            )
    if problems:
        raise ReferenceProblems(problems)
    return resolved
