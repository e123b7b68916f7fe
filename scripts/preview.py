"""Preview one changed Markdown page in seconds: ``python -m scripts.preview content/reports/x.md``.

Builds only that page (no data pages, directory, charts files, feeds or search index) and
writes it into an existing full build in output/. For editing prose; what is published is
always the complete build of ``make site``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from scripts.build import BuildError, run_pelican
from scripts.formats import shown_path
from scripts.settings import ROOT
from scripts.validate.content import check_content


def preview(source: Path, output: Path, content: Path = ROOT / "content", overrides: dict | None = None) -> list[Path]:
    """Build ``source`` alone and copy its page(s) into ``output``; return what was written."""
    source, content = source.resolve(), content.resolve()
    if not (output / "index.html").exists():
        raise BuildError(f"{output} has no full build to preview into: run `make site` first")
    relative = source.relative_to(content)
    problems = [p.text() for p in check_content(content) if Path(p.path).resolve() == source]
    if problems:
        raise BuildError("\n".join(problems))
    with tempfile.TemporaryDirectory(prefix="preview-") as workdir:
        staged_content, staged_output = Path(workdir) / "content", Path(workdir) / "output"
        (staged_content / relative).parent.mkdir(parents=True)
        shutil.copyfile(source, staged_content / relative)
        try:
            run_pelican(
                staged_output,
                {"PATH": str(staged_content), "PREVIEW": True, "CHARTS_FROM": str(output), **(overrides or {})},
            )
        except BuildError as error:
            # Name the file the maintainer edits, never its copy in the temporary folder.
            raise BuildError(str(error).replace(str(staged_content / relative), shown_path(source))) from None
        # Index pages of the preview list one page only: keep the full build's.
        listings = {"index.html", "reports/index.html", "search/index.html"}
        if relative.stem == "home":
            listings.discard("index.html")
        written = []
        for page in sorted(staged_output.rglob("*.html")):
            name = page.relative_to(staged_output).as_posix()
            if name in listings:
                continue
            (output / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page, output / name)
            written.append(output / name)
    return written


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m scripts.preview", description=__doc__.splitlines()[0])
    cli.add_argument("source", type=Path, help="the Markdown file you changed, under content/")
    cli.add_argument("--output", type=Path, default=ROOT / "output", help="the full build to update (default: output/)")
    cli.add_argument("--data", type=Path, help="the packages the full build was made from, if not data/")
    cli.add_argument("--content", type=Path, default=ROOT / "content", help="the content folder SOURCE is in")
    args = cli.parse_args(argv)
    overrides = {"DATA_DIR": str(args.data.resolve())} if args.data else None
    try:
        written = preview(args.source, args.output.resolve(), args.content, overrides)
    except (BuildError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    for path in written:
        print(f"Updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
