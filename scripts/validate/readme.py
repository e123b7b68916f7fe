"""``python -m scripts.validate.readme``: the README's project-rules table, written from ``RULES``.

The table sits between two marker comments in README.md; this command rewrites what is between them
(``--check`` only says whether it is up to date), so a rule's words live once, in its object.
"""

from __future__ import annotations

import argparse
import sys

from scripts.settings import ROOT
from scripts.validate.rules import RULES

README = ROOT / "README.md"
START, END = "<!-- rules:start -->", "<!-- rules:end -->"
COMMAND = "python -m scripts.validate.readme"


def rules_table() -> str:
    rows = [f"| {rule.description} | {rule.applies_to} |" for rule in RULES]
    return "\n".join(["| rule | applies to |", "| --- | --- |", *rows])


def with_rules_table(text: str) -> str:
    """``text`` with the table between the markers made from ``RULES``."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"README.md needs one {START} and, after it, one {END}")
    before, rest = text.split(START)
    after = rest.split(END)[1]
    return f"{before}{START}\n\n{rules_table()}\n\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog=COMMAND, description="Write the README's project-rules table from RULES.")
    cli.add_argument("--check", action="store_true", help="only say whether the table is up to date (exit 1 if not)")
    args = cli.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    wanted = with_rules_table(text)
    if args.check:
        print("README.md's rules table is up to date." if wanted == text else f"README.md is stale: run {COMMAND}")
        return 0 if wanted == text else 1
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
