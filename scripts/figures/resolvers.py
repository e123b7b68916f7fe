"""The resolver of every kind of ``{kind name}`` reference: a name in, trusted HTML out.

``RESOLVERS`` names them all; the build context holds it (``scripts/site/__init__.py`` hands it over) and
``scripts/site/references.py`` finds the references in a page and calls the resolver of each.
A resolver raises LookupError for a name it does not know; the page's file and line are added there.
"""

from __future__ import annotations

from dataclasses import dataclass

from scripts.figures.compendium import CouncilFigureError, compare
from scripts.figures.named import FigureError, resolve
from scripts.publishing import contact_email, issue_form_url
from scripts.settings import value


@dataclass(frozen=True)
class Rendered:
    html: str
    block: bool = False


NO_EMAIL = (
    "we have no email address or phone number yet, so the forms on GitHub are the only way to reach us "
    "(they need a free GitHub account, and what you write there is public)"
)

FORM_TEXT = {
    "feedback": "share your thoughts (feedback form)",
    "directory-change": "report a change to a directory entry",
    "data-problem": "report a problem with the data",
}


def figure_reference(name: str, context) -> Rendered:
    """``{figure NAME}``: the figure's value, linked to its dataset."""
    try:
        value = resolve(name, context.packages)
    except FigureError as error:
        raise LookupError(str(error)) from None
    return Rendered(context.render("_figure.html", figure=value))


def compare_reference(name: str, context) -> Rendered:
    """``{compare MEASURE}``: one measure's figures side by side, in order of council name, never ranked."""
    try:
        measure, figures = compare(name, context.packages)
        return Rendered(context.render("_compare.html", measure_id=name, measure=measure, figures=figures), block=True)
    except CouncilFigureError as error:
        raise LookupError(str(error)) from None


def contact_reference(name: str, context) -> Rendered:
    """``{contact email}``: CONTACT_EMAIL as a mailto link, or ``NO_EMAIL`` when there is no real address;
    ``{contact feedback}``, ``{contact directory-change}``, ``{contact data-problem}``: the issue forms."""
    settings = context.settings
    forms = value("issue_forms", settings)
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


def chart_reference(name: str, build) -> Rendered:
    """``{chart ID}``: the chart as a figure, with its table and downloads."""
    return Rendered(build.charts.block_html(name, build.siteurl), block=True)


def setting_reference(name: str, build) -> Rendered:
    """``{setting suppressed-counts}``: the counts published as [c], in words, from the settings table."""
    known = {"suppressed-counts": build.suppressed_counts}
    if name not in known:
        raise LookupError(f"unknown setting '{name}'; use one of: {', '.join(known)}")
    return Rendered(build.render("_text.html", text=known[name]))


RESOLVERS = {
    "chart": chart_reference,
    "compare": compare_reference,
    "contact": contact_reference,
    "figure": figure_reference,
    "setting": setting_reference,
}
