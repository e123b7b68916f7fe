"""``{contact NAME}`` references and the issue-form address: the contact routes set once in pelican.conf.py.

``{contact email}`` is CONTACT_EMAIL as a mailto link, or, when the project has no address (or only a
placeholder, which is never shown), ``NO_EMAIL``: the plain statement that the issue forms are the only
route. ``{contact feedback}``, ``{contact directory-change}`` and ``{contact data-problem}`` link to the
GitHub issue forms. Templates build the same addresses with the ``issue_form_url`` Jinja global and read
``contact_email`` and ``no_email`` the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from scripts.publishing import contact_email, issue_form_url
from scripts.site.references import Rendered

NO_EMAIL = (
    "we have no email address or phone number yet, so the forms on GitHub are the only way to reach us "
    "(they need a free GitHub account, and what you write there is public)"
)

FORM_TEXT = {
    "feedback": "share your thoughts (feedback form)",
    "directory-change": "report a change to a directory entry",
    "data-problem": "report a problem with the data",
}


def jinja_global(settings: Mapping):
    """``issue_form_url(form, title="")`` for templates."""

    def url(form: str, title: str = "") -> str:
        return issue_form_url(settings, form, title)

    return url


def reference(name: str, context) -> Rendered:
    settings = context.settings
    forms = settings.get("ISSUE_FORMS", {})
    if name == "email":
        email = contact_email(settings)
        if email is None:
            return Rendered(context.render("_text.html", text=NO_EMAIL))
        return Rendered(context.render("_contact.html", href=f"mailto:{email}", text=email))
    if name in forms:
        return Rendered(
            context.render("_contact.html", href=issue_form_url(settings, name), text=FORM_TEXT.get(name, name))
        )
    raise LookupError(f"unknown contact '{name}'; use email or one of: {', '.join(forms)}")
