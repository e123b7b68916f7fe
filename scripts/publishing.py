"""What a publishing build (``python -m scripts.build --publish``) requires of the contact settings.

``site_public_url`` and ``repository_url`` must be real https addresses and ``contact_email`` a real
address or nothing (None or empty: the pages then offer only the GitHub issue forms). A placeholder,
an address on a domain reserved for examples (RFC 2606: example.org, example.com, example.net,
.example, .test, .invalid, localhost), is refused with one line naming where it is set. Pages never
show a placeholder address, publishing or not: ``contact_email`` gives None for one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from scripts.settings import ROOT, SETTINGS, value

CONF = ROOT / "pelican.conf.py"
RESERVED_DOMAINS = ("example.org", "example.com", "example.net")
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
EMAIL = re.compile(r"^[^@\s]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")


def reserved(host: str) -> bool:
    host = host.lower().rstrip(".")
    return (
        host in RESERVED_DOMAINS
        or host.endswith(tuple(f".{d}" for d in RESERVED_DOMAINS))
        or host.endswith(RESERVED_SUFFIXES)
        or host in ("localhost", "example")
    )


def contact_email(settings: Mapping) -> str | None:
    """The contact address the pages may show: None when none is set or it is a placeholder."""
    email = (value("contact_email", settings) or "").strip()
    match = EMAIL.match(email)
    return email if match and not reserved(match[1]) else None


def problem(name: str, given) -> str | None:
    """What is wrong with one setting's value for publishing, or None."""
    text = (str(given) if given is not None else "").strip()
    if name == "contact_email":
        if not text:
            return None
        match = EMAIL.match(text)
        if not match:
            return f"'{text}' is not an email address: set the project's own address, or None for no email"
        if reserved(match[1]):
            return f"'{text}' is a placeholder ({match[1]} is reserved for examples): set a real address, or None"
        return None
    if not text:
        return "is empty: a published site needs its real address"
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname:
        return f"'{text}' is not an https address"
    if reserved(parts.hostname):
        return f"'{text}' is a placeholder ({parts.hostname} is reserved for examples)"
    return None


PUBLISHED = ("site_public_url", "repository_url", "contact_email")


def where(name: str, conf: Path = CONF) -> str:
    """``pelican.conf.py:<line>`` where the setting is assigned, for the one-line message."""
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    for number, line in enumerate(lines, 1):
        if re.match(rf"{name}\s*=", line):
            return f"{conf.name}:{number}"
    return f"{conf.name}:0"


def problems(settings: Mapping, conf: Path = CONF) -> list[str]:
    """Every contact setting a publishing build refuses, one line each: ``file:line:NAME: what is wrong``."""
    found = []
    for name in PUBLISHED:
        wrong = problem(name, value(name, settings))
        if wrong:
            site_name = SETTINGS[name].site_name
            found.append(f"{where(site_name, conf)}:{site_name}: {wrong}")
    return found


def issue_form_url(settings: Mapping, form: str, title: str = "") -> str:
    """The address of one of the repository's issue forms (ISSUE_FORMS), with an optional title filled in."""
    query = {"template": value("issue_forms", settings)[form]}
    if title:
        query["title"] = title
    return f"{value('repository_url', settings)}/issues/new?{urlencode(query, quote_via=quote)}"
