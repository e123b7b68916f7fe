"""The internal link checker, on small fixture sites and on the real build."""

from __future__ import annotations

from pathlib import Path

from scripts.linkcheck import check_site, main
from tests.conftest import python


def site(tmp_path: Path, pages: dict[str, str]) -> Path:
    root = tmp_path / "output"
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return root


def flat(root: Path) -> list[tuple[str, str, str]]:
    return [(b.page, b.link, b.reason) for b in check_site(root)]


GOOD = {
    "index.html": """<a href="#main">skip</a><main id="main">
        <a href="/about/">about</a> <a href="about/#team">team</a> <a href="/reports">reports</a>
        <img src="/img/logo.svg" alt=""> <a href="https://example.org/x">out</a> <a href="mailto:a@b.c">mail</a>
        <a href="/data/spend.csv?download=1">csv</a></main>""",
    "about/index.html": """<h2 id="team">Team</h2><a href="../">home</a> <a href="../reports/index.html#top">r</a>
        <link rel="stylesheet" href="../theme/site.css">""",
    "reports/index.html": '<a name="top"></a><a href="//cdn.example.org/x.js">x</a>',
    "img/logo.svg": "<svg/>",
    "data/spend.csv": "a\n1\n",
    "theme/site.css": "",
}


def test_a_site_whose_links_all_resolve_passes(tmp_path):
    assert flat(site(tmp_path, GOOD)) == []


def test_missing_files_and_ids_are_each_reported_with_their_page(tmp_path):
    root = site(
        tmp_path,
        {
            **GOOD,
            "about/index.html": """<h2 id="team">Team</h2>
        <a href="/directory/">directory</a> <a href="#nowhere">x</a> <a href="/#main">ok</a>
        <img src="missing.png"> <a href="../../../etc/passwd">up</a> <a href="/reports/#gone">r</a>""",
        },
    )
    assert flat(root) == [
        ("about/index.html", "/directory/", "no such file in the site"),
        ("about/index.html", "#nowhere", "no id 'nowhere' on about/index.html"),
        ("about/index.html", "missing.png", "no such file in the site"),
        ("about/index.html", "../../../etc/passwd", "no such file in the site"),
        ("about/index.html", "/reports/#gone", "no id 'gone' on reports/index.html"),
    ]


def test_command_prints_file_and_link_and_exits_1(tmp_path, capsys):
    root = site(tmp_path, {"index.html": '<a href="/nope/">x</a>'})
    assert main([str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["index.html: /nope/: no such file in the site", "Checked 1 pages: 1 broken internal link."]


def test_command_exits_0_on_a_good_site_and_1_without_a_site(tmp_path):
    assert python("-m", "scripts.linkcheck", str(site(tmp_path, GOOD))).returncode == 0
    missing = python("-m", "scripts.linkcheck", str(tmp_path / "absent"))
    assert missing.returncode == 1 and "build the site first" in missing.stderr


def test_the_real_site_has_no_broken_internal_links(built_site):
    assert [str(b) for b in check_site(built_site)] == []
