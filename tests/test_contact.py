"""Contact routes that work: no page shows an example address, and a publishing build refuses one."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from scripts import build as build_module
from scripts.build import BuildError, build, main
from scripts.figures.resolvers import NO_EMAIL
from scripts.publishing import contact_email, problems, where
from scripts.site.run import pelican_settings
from tests.conftest import read_csv
from tests.test_directory import PROVIDERS

RESERVED = ("example.org", "example.com", "example.net", ".invalid", ".test")


def soup(site, path) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "lxml")


def test_the_shipped_settings_may_be_published():
    assert problems(pelican_settings()) == []


@pytest.mark.parametrize(
    ("override", "name"),
    [
        ({"CONTACT_EMAIL": "mh-day-opportunities-data@example.org"}, "CONTACT_EMAIL"),
        ({"CONTACT_EMAIL": "team@mail.example.com"}, "CONTACT_EMAIL"),
        ({"CONTACT_EMAIL": "not an address"}, "CONTACT_EMAIL"),
        ({"SITE_PUBLIC_URL": ""}, "SITE_PUBLIC_URL"),
        ({"SITE_PUBLIC_URL": "https://www.example.com"}, "SITE_PUBLIC_URL"),
        ({"REPOSITORY_URL": "https://example.org/open-data"}, "REPOSITORY_URL"),
        ({"REPOSITORY_URL": "http://github.com/x/y"}, "REPOSITORY_URL"),
    ],
)
def test_a_publishing_build_refuses_a_placeholder_in_one_line(tmp_path, override, name):
    output = tmp_path / "output"
    with pytest.raises(BuildError) as refused:
        build(output, override, for_publishing=True)
    lines = str(refused.value).splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{where(name)}:{name}: ")
    assert where(name) != "pelican.conf.py:0"  # the line where the setting is assigned
    assert not output.exists()


def test_an_unset_email_may_be_published_but_not_an_empty_address():
    assert problems(pelican_settings({"CONTACT_EMAIL": ""})) == []
    refused = problems(pelican_settings({"SITE_PUBLIC_URL": "", "REPOSITORY_URL": ""}))
    assert [line.split(":")[2] for line in refused] == ["SITE_PUBLIC_URL", "REPOSITORY_URL"]


def test_the_command_prints_the_refusal_without_a_traceback(tmp_path, monkeypatch, capsys):
    real = build_module.pelican_settings
    monkeypatch.setattr(
        build_module, "pelican_settings", lambda _overrides=None: real({"CONTACT_EMAIL": "a@example.org"})
    )
    assert main(["--publish", "--output", str(tmp_path / "output")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{where('CONTACT_EMAIL')}:CONTACT_EMAIL: 'a@example.org' is a placeholder")
    assert "Traceback" not in "\n".join(err) and err[1].startswith("Nothing was published")


@pytest.mark.parametrize("email", ["x@example.org", "x@EXAMPLE.COM", "x@sub.example.net", "x@host.invalid", ""])
def test_a_placeholder_is_never_an_address_the_pages_may_show(email):
    assert contact_email({"CONTACT_EMAIL": email}) is None


def test_no_page_shows_an_example_address(built_site):
    for page in sorted(built_site.rglob("*.html")):
        text = page.read_text(encoding="utf-8").lower()
        for domain in RESERVED:
            assert f"@{domain.lstrip('.')}" not in text and f'{domain}"' not in text, (page, domain)
        assert 'href="mailto:?' not in text and 'href="mailto:"' not in text, page


def test_without_an_email_the_pages_offer_the_forms_and_say_so(built_site):
    footer = soup(built_site, "index.html").select_one("footer")
    assert footer.select_one('a[href="/about/#contact"]').get_text() == "How to contact us"
    assert footer.select_one('a[href*="template=share-your-thoughts.yml"]') is not None
    assert footer.select_one('a[href^="mailto:"]') is None

    about = soup(built_site, "about/index.html").select_one("main")
    contact = about.select_one("#contact")
    section = " ".join(p.get_text(" ", strip=True) for p in contact.find_next_siblings("p"))
    assert NO_EMAIL in section
    for form in ("data-problem.yml", "share-your-thoughts.yml", "directory-change.yml"):
        assert about.select_one(f'a[href$="template={form}"]') is not None

    statement = soup(built_site, "accessibility/index.html").select_one("main")
    assert NO_EMAIL in statement.get_text(" ", strip=True)
    assert statement.select_one('a[href$="template=share-your-thoughts.yml"]') is not None

    for organisation in read_csv(PROVIDERS / "organization.csv"):
        page = soup(built_site, f"directory/{organisation['id']}/index.html")
        assert page.select_one("a.change-mailto") is None
        assert NO_EMAIL in page.select_one(".no-email").get_text(" ", strip=True)
        assert page.select_one('a[href*="template=directory-change.yml"]') is not None
