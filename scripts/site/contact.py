"""``{contact NAME}`` references: the contact routes set once in pelican.conf.py.

``{contact email}`` is CONTACT_EMAIL as a mailto link; ``{contact feedback}``,
``{contact directory-change}`` and ``{contact data-problem}`` link to the GitHub issue forms.
"""

from __future__ import annotations

from html import escape

from scripts.references import Rendered, resolver

FORM_TEXT = {
    "feedback": "share your thoughts (feedback form)",
    "directory-change": "report a change to a directory entry",
    "data-problem": "report a problem with the data",
}


def issue_form_url(settings: dict, form: str, title: str = "") -> str:
    from urllib.parse import urlencode

    query = {"template": settings["ISSUE_FORMS"][form]}
    if title:
        query["title"] = title
    return f"{settings['REPOSITORY_URL']}/issues/new?{urlencode(query)}"


@resolver("contact")
def contact_reference(name: str, context: dict) -> Rendered:
    settings = context["settings"]
    if name == "email":
        email = escape(settings["CONTACT_EMAIL"])
        return Rendered(f'<a href="mailto:{email}">{email}</a>')
    if name in settings.get("ISSUE_FORMS", {}):
        return Rendered(f'<a href="{escape(issue_form_url(settings, name))}">{FORM_TEXT.get(name, name)}</a>')
    raise LookupError(f"unknown contact '{name}'; use email or one of: {', '.join(settings.get('ISSUE_FORMS', {}))}")
