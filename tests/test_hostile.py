"""Hostile and careless input the fixture corpus cannot hold: links, limits, duplicates, the network, dates,
and the Markdown content and the files beside it."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from scripts.settings import ROOT, default
from scripts.site.run import BuildError, run_pelican
from scripts.site.safe_markdown import sanitise
from scripts.validate.command import CLI_SETTINGS, validate
from scripts.validate.content import check_content, check_dates, svg_problem
from tests.conftest import python, run
from tests.overlay import materialise

DEFAULTS = {name: default(name) for name in CLI_SETTINGS}


def problems(folder, engine=None, **settings):
    result = validate([folder], {**DEFAULTS, **settings, "columnar_threshold_bytes": engine})
    return [(p.line, p.field, p.code, p.message) for p in result.problems]


def test_a_symlink_leading_out_of_the_package_is_refused(tmp_path):
    folder = materialise("valid/minimal", tmp_path)
    secret = tmp_path / "secret.csv"
    secret.write_text((folder / "spend.csv").read_text())
    (folder / "spend.csv").unlink()
    (folder / "spend.csv").symlink_to(secret)
    found = problems(folder)
    assert len(found) == 1
    line, _, code, message = found[0]
    assert code == "descriptor-error" and "must name a file inside the package folder" in message
    assert isinstance(line, int)


def test_two_packages_with_one_name_are_refused(tmp_path):
    first = materialise("valid/minimal", tmp_path / "a")
    second = materialise("valid/minimal", tmp_path / "b")
    result = validate([first, second], DEFAULTS)
    assert [(p.path, p.line, p.code) for p in result.problems] == [
        (str(second / "datapackage.json"), 2, "duplicate-package")
    ]
    assert "package name 'minimal' is already used by" in result.problems[0].message


@pytest.mark.parametrize("engine", [None, 0], ids=["frictionless", "columnar"])
def test_a_cell_over_the_limit_names_its_field_and_size_in_both_engines(tmp_path, engine):
    folder = materialise("valid/minimal", tmp_path)
    found = problems(folder, engine, max_cell_chars=13)
    assert found == [
        (3, "name", "cell-too-large", "the cell is 14 characters: the most allowed is 13 (setting max_cell_chars)"),
        (2, "title", "cell-too-large", "the cell is 37 characters: the most allowed is 13 (setting max_cell_chars)"),
    ]
    assert problems(folder, engine) == []


def test_a_long_description_and_a_large_descriptor_are_refused(tmp_path):
    folder = materialise("valid/minimal", tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["description"] = "x" * 60
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    message = "description is 60 characters: the most allowed is 50 (setting max_description_chars)"
    assert problems(folder, max_description_chars=50) == [(382, "description", "descriptor-error", message)]
    ((_, _, code, message),) = problems(folder, max_descriptor_bytes=100)
    assert code == "too-large" and message.endswith("the most allowed is 100 (setting max_descriptor_bytes)")


def test_nothing_is_fetched_for_remote_profiles_schemas_dialects_or_keys(tmp_path, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the validator tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for name in ("remote-profile", "remote-schema", "remote-dialect", "foreign-key-to-another-package"):
        found = problems(materialise(f"invalid/{name}", tmp_path))
        assert found and all(code == "descriptor-error" for _, _, code, _ in found), name


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "vbscript:x", "//evil.example", "http://"],
)
def test_links_in_the_data_are_web_or_mail_addresses_only(tmp_path, link):
    folder = materialise("invalid/link-not-a-web-address", tmp_path)
    (folder / "sources.csv").write_text(f'source_id,title,url\nfixture,Title,"{link}"\n')
    found = problems(folder)
    assert (2, "url", "link-error") in [(line, field, code) for line, field, code, _ in found]
    assert {line for line, *_ in found} == {2}


@pytest.mark.parametrize("link", ["https://example.org/a?b=c", "http://example.org", "mailto:team@example.org"])
def test_web_and_mail_links_pass(tmp_path, link):
    folder = materialise("invalid/link-not-a-web-address", tmp_path)
    (folder / "sources.csv").write_text(f"source_id,title,url\nfixture,Title,{link}\n")
    assert problems(folder) == []


@pytest.mark.parametrize(
    ("month", "valid"),
    [("2024-02", True), ("2023-00", False), ("2023-1", False), ("0999-01", False), ("2023-01-01", False)],
)
def test_months_are_real_in_both_engines(tmp_path, month, valid):
    folder = materialise("valid/minimal", tmp_path)
    text = (folder / "locality_share.csv").read_text().replace("E08000012,2023-01", f"E08000012,{month}")
    (folder / "locality_share.csv").write_text(text)
    found = problems(folder)
    assert found == problems(folder, 0)
    assert (found == []) == valid, found


def test_report_dates_in_content_are_real_dates(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "good.md").write_text("Title: Good\nDate: 2024-02-29\n\nText. Date: 2023-02-30\n")
    (tmp_path / "reports" / "bad.md").write_text("Title: Bad\nDate: 2023-02-30\nModified: yesterday\n\nText.\n")
    found = [(p.path.split("/")[-1], p.line, p.field, p.code) for p in check_dates(tmp_path)]
    assert found == [("bad.md", 2, "Date", "date-error"), ("bad.md", 3, "Modified", "date-error")]
    assert check_dates(__import__("tests.conftest").conftest.ROOT / "content") == []


def test_the_build_refuses_a_package_named_as_a_path_and_writes_nothing_outside(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    materialise("invalid/package-name-is-a-path", tmp_path).rename(data / "spend")
    result = python("-m", "scripts.build", "--output", str(tmp_path / "site" / "output"), "--data", str(data))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "package name '../../data/spend' must be lower-case" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "invalid"]


def test_an_unexpected_crash_is_a_message_naming_the_file_not_a_traceback(tmp_path, monkeypatch):
    from scripts.validate import command

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(command, "check_package", explode)
    folder = materialise("valid/minimal", tmp_path)
    result = validate([folder], DEFAULTS)
    (problem,) = result.problems
    assert problem.path == str(folder / "datapackage.json") and problem.code == "unchecked"
    assert "RuntimeError: boom" in problem.message


# --- content/: metadata, static files, links, symbolic links, limits (scripts/validate/content.py) ------------


def content_problems(content, **settings):
    return [
        (str(Path(p.path).relative_to(content)), p.line, p.field, p.code, p.message)
        for p in check_content(content, settings)
    ]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_content_passes_every_content_check():
    assert check_content(ROOT / "content") == []


@pytest.mark.parametrize("key", ["Template", "Url", "Save_as", "Lang", "Translation", "Status", "Category", "Tags"])
def test_report_metadata_is_an_allow_list(tmp_path, key):
    write(tmp_path / "reports" / "r.md", f"Title: R\nSlug: r\n   {key}: anything\nDate: 2024-01-01\n\nText.\n")
    ((file, line, field, code, message),) = content_problems(tmp_path)
    assert (file, line, field, code) == ("reports/r.md", 3, key, "metadata-error")
    assert message.startswith(f"the metadata key '{key}' is not allowed: use only Title, Slug, Date, Modified, Summary")


def test_a_page_cannot_take_an_address_the_site_writes(tmp_path):
    write(tmp_path / "pages" / "a.md", "Title: A\nSlug: data\n\nx\n")
    write(tmp_path / "pages" / "b.md", "Title: Directory\n\nx\n")  # Pelican would make the slug "directory"
    write(tmp_path / "pages" / "c.md", "Title: C\nSlug: c\nSave_as: data/spend/index.html\n\nx\n")
    write(tmp_path / "pages" / "d.md", "Title: D\nSlug: home2\nSave_as: index.html\nTemplate: home\n\nx\n")
    write(tmp_path / "pages" / "e.md", "Title: E\nSlug: home3\nSave_as: index.html\n\nx\n")
    write(tmp_path / "reports" / "f.md", "Title: F\nSlug: ../../data\n\nx\n")
    write(tmp_path / "reports" / "g.md", "Title: G\nSlug: g\n\nx\n")
    write(tmp_path / "reports" / "h.md", "Title: H\nSlug: g\n\nx\n")
    found = [(file, line, field) for file, line, field, *_ in content_problems(tmp_path)]
    assert found == [
        ("pages/a.md", 2, "Slug"),
        ("pages/b.md", 1, "Title"),
        ("pages/c.md", 3, "Save_as"),
        ("pages/e.md", 3, "Save_as"),  # index.html is already d.md's address
        ("reports/f.md", 2, "Slug"),
        ("reports/h.md", 2, "Slug"),
    ]


@pytest.mark.parametrize("name", ["page.html", "x.svg", "app.js", "site.css", "feed.xml", "NOTES.TXT", "run"])
def test_content_static_holds_only_inert_files(tmp_path, name):
    write(tmp_path / "static" / "ok.txt", "plain text")
    (tmp_path / "static" / "ok.png").write_bytes(b"\x89PNG\r\n")
    write(tmp_path / "static" / name, "<script>alert(1)</script>")
    ((file, line, _, code, message),) = content_problems(tmp_path)
    assert (file, line, code) == (f"static/{name}", None, "static-file")
    assert "cannot be published from content/static/" in message


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" onload="alert(1)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/#x)"/></svg>',
        '<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><style>rect{}</style></svg>',
    ],
)
def test_the_favicon_is_a_plain_drawing(tmp_path, svg):
    write(tmp_path / "static" / "favicon.svg", svg)
    ((file, _, _, code, message),) = content_problems(tmp_path)
    assert (file, code) == ("static/favicon.svg", "static-file") and message.startswith("the favicon")
    assert svg_problem((ROOT / "content" / "static" / "favicon.svg").read_bytes()) is None


def test_no_symbolic_link_in_content_or_a_package_is_followed(tmp_path):
    secret = write(tmp_path / "secret.txt", "secret")
    content = tmp_path / "content"
    write(content / "static" / "ok.txt", "ok")
    (content / "static" / "notes.txt").symlink_to(secret)
    (content / "reports").mkdir()
    (content / "reports" / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    assert [(file, code) for file, _, _, code, _ in content_problems(content)] == [
        ("reports/elsewhere", "symlink"),
        ("static/notes.txt", "symlink"),
    ]
    folder = materialise("valid/minimal", tmp_path)
    (folder / "readme.txt").symlink_to(secret)
    assert problems(folder) == [(None, None, "symlink", "is a symbolic link: put the file itself here")]
    linked = tmp_path / "linked-package"
    linked.symlink_to(folder, target_is_directory=True)
    (folder / "readme.txt").unlink()
    result = validate([linked], DEFAULTS)
    assert [(p.path, p.code) for p in result.problems] == [(str(linked), "symlink")]


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("{attach}../../secret.txt", "leads out of content/"),
        ("{static}/../secret.txt", "leads out of content/"),
        ("{filename}%2e%2e/%2e%2e/secret.txt", "leads out of content/"),
        ("|filename|../../secret.txt", "leads out of content/"),
        ("{static}/static/missing.png", "names no file in content/"),
        ("{attach}page.html", "is not a file type the site may publish"),
    ],
)
def test_intrasite_links_name_a_file_inside_content(tmp_path, link, message):
    write(tmp_path / "secret.txt", "secret")
    content = tmp_path / "content"
    write(content / "reports" / "page.html", "<script>alert(1)</script>")
    write(content / "reports" / "r.md", f"Title: R\nSlug: r\n\nFirst.\n\nSee [this]({link}).\n")
    ((file, line, _, code, found),) = content_problems(content)
    assert (file, line, code) == ("reports/r.md", 6, "link-error")
    assert message in found


def test_pictures_come_from_this_site_and_no_link_is_protocol_relative(tmp_path):
    write(tmp_path / "static" / "chart.png", "png")
    write(
        tmp_path / "reports" / "r.md",
        "Title: R\nSlug: r\n\n"
        "![ok]({static}/static/chart.png) [a web link](https://example.org/) ![local](/favicon.svg)\n"
        "![tracker](https://evil.example/pixel.png)\n"
        '<img src="http://evil.example/p.png" alt="p">\n\n'
        "[home](//evil.example/) and [slash](/\\evil.example/)\n",
    )
    assert [(line, message.split(":")[0]) for _, line, _, _, message in content_problems(tmp_path)] == [
        (5, "the picture 'https"),
        (6, "the picture 'http"),
        (8, "'//evil.example/' is a protocol-relative address"),
        (8, "'/\\\\evil.example/' is a protocol-relative address"),
    ]


def test_the_sanitiser_drops_remote_pictures_and_protocol_relative_links_from_page_and_feed(tmp_path):
    html = sanitise('<img src="https://evil.example/p.png" alt="p"><a href="//evil.example/">x</a><a href="/x/">y</a>')
    assert html == '<img alt="p"><a>x</a><a href="/x/">y</a>'
    write(
        tmp_path / "content" / "reports" / "r.md",
        "Title: R\nSlug: r\nDate: 2024-01-01\nSummary: See ![s](https://evil.example/s.png)\n\n"
        "![p](https://evil.example/p.png) [l](//evil.example/l) [ok](https://example.org/)\n",
    )
    run_pelican(tmp_path / "output", {"PATH": str(tmp_path / "content"), "PREVIEW": True})
    page = (tmp_path / "output" / "reports" / "r" / "index.html").read_text()
    feed = (tmp_path / "output" / "feeds" / "reports.atom.xml").read_text()
    assert "https://example.org/" in page and "https://example.org/" in feed
    assert "evil.example" not in page and "evil.example" not in feed


def test_a_link_pelican_cannot_find_fails_the_build(tmp_path):
    write(tmp_path / "content" / "pages" / "l.md", "Title: L\nSlug: l\n\n[x]({filename}missing.md)\n")
    with pytest.raises(BuildError, match="Unable to find 'missing.md'"):
        run_pelican(tmp_path / "output", {"PATH": str(tmp_path / "content"), "PREVIEW": True})


def test_markdown_size_and_nesting_are_limited_by_settings(tmp_path):
    write(tmp_path / "reports" / "big.md", "Title: Big\nSlug: big\n\n" + "word " * 100 + "\n")
    write(tmp_path / "reports" / "deep.md", "Title: Deep\nSlug: deep\n\nFirst.\n\n" + "> " * 6 + "quoted\n")
    write(
        tmp_path / "reports" / "list.md",
        "Title: List\nSlug: list\n\n" + "\n".join(f"{'  ' * n}- {n}" for n in range(8)),
    )
    found = content_problems(tmp_path, max_markdown_bytes=400, max_markdown_depth=5)
    assert found == [
        (
            "reports/big.md",
            None,
            None,
            "too-large",
            "is 523 bytes: the most a Markdown file may be is 400 (setting max_markdown_bytes)",
        ),
        (
            "reports/deep.md",
            6,
            None,
            "too-deep",
            "nests quotes or lists 6 deep: the most allowed is 5 (setting max_markdown_depth)",
        ),
        (
            "reports/list.md",
            9,
            None,
            "too-deep",
            "nests quotes or lists 6 deep: the most allowed is 5 (setting max_markdown_depth)",
        ),
    ]
    assert content_problems(tmp_path) == []


def test_the_build_refuses_bad_content_and_publishes_nothing(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    write(
        content / "reports" / "r.md",
        "Title: R\nSlug: r\nSave_as: ../../evil.html\n\n[x]({attach}../../../etc/passwd)\n",
    )
    result = python("-m", "scripts.build", "--output", str(tmp_path / "site" / "output"), "--content", str(content))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{content}/reports/r.md:3:Save_as: the metadata key 'Save_as' is not allowed" in result.stderr
    assert f"{content}/reports/r.md:5: {{attach}}../../../etc/passwd leads out of content/" in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_key_written_twice_in_the_descriptor_is_refused_with_its_line(tmp_path):
    folder = materialise("valid/minimal", tmp_path)
    text = (folder / "datapackage.json").read_text()
    text = text.replace('"path": "spend.csv",', '"path": "spend.csv",\n      "path": "spend-old.csv",', 1)
    (folder / "datapackage.json").write_text(text)
    message = (
        "the key 'path' appears twice in one object: JSON readers keep only one of the two values, "
        "and not all the same one"
    )
    assert problems(folder) == [(44, None, "descriptor-error", message)]


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u200d", "\ufeff"])
def test_invisible_characters_in_names_and_titles_are_refused(tmp_path, char):
    folder = materialise("valid/minimal", tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"][1]["schema"]["fields"][1]["name"] = f"authority{char}_name"
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    ((line, _, code, message),) = problems(folder)
    assert code == "descriptor-error" and f"holds the invisible character U+{ord(char):04X}" in message
    assert isinstance(line, int)
    write(tmp_path / "content" / "reports" / "r.md", f"Title: Report{char}\nSlug: r\n\nText.\n")
    ((file, line, field, code, message),) = content_problems(tmp_path / "content")
    assert (file, line, field, code) == ("reports/r.md", 1, "Title", "metadata-error")


def with_name_pattern(folder: Path, pattern: str) -> None:
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"][2]["schema"]["fields"][1]["constraints"] = {"pattern": pattern}
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))


@pytest.mark.parametrize("engine", [None, 0], ids=["frictionless", "columnar"])
def test_a_pattern_that_would_backtrack_for_ever_is_checked_in_linear_time(tmp_path, engine):
    folder = materialise("valid/minimal", tmp_path)
    with_name_pattern(folder, "^(a+)+$")  # Python's re takes about 2**n steps on n a's and a '!'
    (folder / "organization.csv").write_text(
        f"id,name,status,source_id\nalpha,{'a' * 60}!,active,fixture\nbeta,aaa,renamed,fixture\n"
    )
    threshold = [] if engine is None else ["--columnar-threshold-bytes", "0"]
    result = python("-m", "scripts.validate", *threshold, str(folder), timeout=60)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].endswith(
        f"organization.csv:2:name: '{'a' * 60}!' does not match the pattern ^(a+)+$"
    )
    assert result.stdout.splitlines()[-1].endswith("1 error in 1 file.")


@pytest.mark.parametrize("pattern", ["^(a)\\1$", "^(?=a)a$", "^(a{1000}){1000}$", "^[a-z"])
def test_a_pattern_re2_cannot_run_is_refused_with_its_line(tmp_path, pattern):
    folder = materialise("valid/minimal", tmp_path)
    with_name_pattern(folder, pattern)
    ((line, field, code, message),) = problems(folder)
    assert (field, code) == ("name", "descriptor-error") and isinstance(line, int)
    assert message.startswith(f"the pattern {pattern!r} cannot be used: ")


@pytest.mark.parametrize("path", ["../../../evil.csv", "index.html", "sub/spend.csv"])
def test_a_release_whose_tagged_descriptor_names_no_csv_file_is_not_published(tmp_path, path):
    from scripts.catalogue.versions import files_at

    folder = tmp_path / "data" / "pkg"
    write(folder / "datapackage.json", json.dumps({"name": "pkg", "resources": [{"name": "x", "path": path}]}))
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "pkg 1.0.0"], ["tag", "pkg-v1.0.0"]):
        run("git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args, cwd=tmp_path, check=True)
    with pytest.raises(ValueError, match=f"pkg-v1.0.0: resource path '{path}' is not a CSV file name"):
        files_at(folder, "pkg-v1.0.0")


@pytest.mark.parametrize("version", ["../1.0.0", "1.0.0/x", "v1", 1])
def test_a_version_that_is_not_a_version_number_is_refused(tmp_path, version):
    folder = materialise("valid/minimal", tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["version"] = version
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    ((line, _, code, message),) = problems(folder)
    assert code == "descriptor-error" and message.startswith(f"version {version!r} must be like 1.0.0")
    assert isinstance(line, int)


@pytest.mark.parametrize("name", ["changelog", "formats", "councils", "1", "2-0", "q2"])
def test_a_resource_may_not_take_a_folder_the_site_writes_beside_its_page(tmp_path, name):
    folder = materialise("valid/minimal", tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"][5]["name"] = name
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    found = problems(folder)
    if name == "q2":  # not like a version (2-0 is: version 2 with the suffix -0)
        assert found == []
    else:
        assert [(code, message) for _, _, code, message in found] == [
            (
                "descriptor-error",
                (
                    f"resource name '{name}' is taken by a page the site writes (/data/<package>/{name}/): "
                    "choose another name"
                ),
            )
        ]
