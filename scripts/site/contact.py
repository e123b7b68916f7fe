"""The ``issue_form_url`` Jinja global: the GitHub issue forms' addresses, for templates.

``{contact NAME}`` references are resolved in ``scripts/figures/resolvers.py`` from the same settings;
templates read ``contact_email`` and ``no_email`` the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from scripts.publishing import issue_form_url


def jinja_global(settings: Mapping):
    """``issue_form_url(form, title="")`` for templates."""

    def url(form: str, title: str = "") -> str:
        return issue_form_url(settings, form, title)

    return url
