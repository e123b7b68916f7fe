"""Pelican settings for the site. Paths are relative to the repository root."""

SITENAME = "Mental health day opportunities: open data"
SITEURL = ""
# Where the published site lives, for citations and absolute links.
SITE_PUBLIC_URL = "https://mh-day-opportunities.github.io"
AUTHOR = "Mental health day opportunities open data project"
PATH = "content"
THEME = "theme"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en-GB"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# Where readers send feedback and requests for other formats; the site links to issue forms.
# We have no mailbox yet: with CONTACT_EMAIL None the pages say the issue forms are the only route.
# `python -m scripts.build --publish` refuses a placeholder here or in the two addresses (scripts/publishing.py).
CONTACT_EMAIL = None
REPOSITORY_URL = "https://github.com/mh-day-opportunities/open-data"
ISSUE_FORMS = {
    "feedback": "share-your-thoughts.yml",
    "directory-change": "directory-change.yml",
    "data-problem": "data-problem.yml",
}

PLUGINS = ["scripts.site"]

# Escape by default; templates mark our own trusted HTML with |safe.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

# Only Markdown is read, through the plugin's sanitising reader.
READERS = {"html": None, "htm": None, "rst": None}
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"permalink": False},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}

# Stable, citable addresses. Pages: /<slug>/. Reports are Pelican articles: /reports/<slug>/.
PAGE_PATHS = ["pages"]
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
ARTICLE_PATHS = ["reports"]
ARTICLE_URL = "reports/{slug}/"
ARTICLE_SAVE_AS = "reports/{slug}/index.html"
DIRECT_TEMPLATES = ["reports", "search"]  # /search/ is the Pagefind search page
REPORTS_SAVE_AS = "reports/index.html"
SEARCH_SAVE_AS = "search/index.html"
STATIC_PATHS = ["static"]
EXTRA_PATH_METADATA = {"static/favicon.svg": {"path": "favicon.svg"}}

# A data site, not a blog: no tag, category, author or date archive pages.
TAG_SAVE_AS = CATEGORY_SAVE_AS = AUTHOR_SAVE_AS = ""
TAGS_SAVE_AS = CATEGORIES_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
DRAFT_SAVE_AS = DRAFT_PAGE_SAVE_AS = ""
FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None

# Findable: every article is a report, so the all-articles feed is the reports feed. The plugin writes
# /feeds/data.atom.xml, /catalog.jsonld, /sitemap.xml and /robots.txt.
FEED_ALL_ATOM = "feeds/reports.atom.xml"
FEED_DOMAIN = SITE_PUBLIC_URL
