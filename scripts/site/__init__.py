"""The Pelican plugin: the only package that imports pelican.

``register()`` connects every handler and names every reference resolver, in one place;
nothing registers itself on import. ``PLUGINS = ["scripts.site"]`` in pelican.conf.py.
The build context (``context.py``) is made once, when Pelican is initialised, and every
generator, the reader and every resolver reads it from there.
"""

from __future__ import annotations

from markupsafe import Markup
from pelican import signals

from scripts import security
from scripts.catalogue import feeds
from scripts.figures.resolvers import NO_EMAIL, RESOLVERS
from scripts.publishing import contact_email
from scripts.site import contact, context, reader, sitemap
from scripts.site.charts import ChartFilesGenerator
from scripts.site.councils import CouncilPagesGenerator
from scripts.site.data_pages import DataPagesGenerator
from scripts.site.directory_pages import DirectoryGenerator
from scripts.symbols import is_missing


def start_build(pelican) -> None:
    """Make the build context once, before anything reads a page."""
    settings = pelican.settings
    build = context.BuildContext.create(settings, RESOLVERS)
    if not build.preview:  # a preview renders only the charts its page places
        build.charts.start_all()  # made on the chart workers while the pages are written
    settings[context.KEY] = build
    jinja_globals = settings.setdefault("JINJA_GLOBALS", {})
    jinja_globals["issue_form_url"] = contact.jinja_global(settings)
    jinja_globals["contact_email"] = contact_email(settings)
    jinja_globals["no_email"] = NO_EMAIL
    settings.setdefault("JINJA_TESTS", {})["missing"] = is_missing  # {% if cell is not missing %}: a value, no symbol
    jinja_globals["content_security_policy"] = lambda kind: Markup(security.page_policy(kind))


def site_generators(pelican):
    """The generators of the whole site: data pages, directory, chart files. A preview
    (scripts/preview.py) writes only the Markdown pages it was given, so it has none."""
    if context.of(pelican.settings).preview:
        return ()
    return (DataPagesGenerator, DirectoryGenerator, ChartFilesGenerator, CouncilPagesGenerator)


def register() -> None:
    signals.initialized.connect(start_build)
    signals.readers_init.connect(reader.install)
    signals.get_generators.connect(site_generators)
    signals.feed_generated.connect(feeds.absolute_feed_links)
    signals.finalized.connect(sitemap.write_sitemap)
