"""``{contact NAME}`` references and the issue-form address: the contact routes set once in pelican.conf.py.

``{contact email}`` is CONTACT_EMAIL as a mailto link; ``{contact feedback}``,
``{contact directory-change}`` and ``{contact data-problem}`` link to the GitHub issue forms.
Templates build the same addresses with the ``issue_form_url`` Jinja global.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode

from scripts.references import Rendered

FORM_TEXT = {
    "feedback": "share your thoughts (feedback form)",
    "directory-change": "report a change to a directory entry",
    "data-problem": "report a problem with the data",
}


def issue_form_url(settings: Mapping, form: str, title: str = "") -> str:
    """The address of one of the repository's issue forms, with an optional title filled in."""
    query = {"template": settings["ISSUE_FORMS"][form]}
    if title:
        query["title"] = title
    return f"{settings['REPOSITORY_URL']}/issues/new?{urlencode(query, quote_via=quote)}"


def jinja_global(settings: Mapping):
    """``issue_form_url(form, title="")`` for templates."""

    def url(form: str, title: str = "") -> str:
        return issue_form_url(settings, form, title)

    return url


def reference(name: str, context) -> Rendered:
    settings = context.settings
    forms = settings.get("ISSUE_FORMS", {})
    if name == "email":
        return Rendered(
            context.render("_contact.html", href=f"mailto:{settings['CONTACT_EMAIL']}", text=settings["CONTACT_EMAIL"])
        )
    if name in forms:
        return Rendered(
            context.render("_contact.html", href=issue_form_url(settings, name), text=FORM_TEXT.get(name, name))
        )
    raise LookupError(f"unknown contact '{name}'; use email or one of: {', '.join(forms)}")
