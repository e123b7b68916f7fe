"""Pelican settings for the site. Paths are relative to the repository root."""

SITENAME = "Mental health day opportunities: open data"
SITEURL = ""
AUTHOR = "Mental health day opportunities open data project"
PATH = "content"
THEME = "theme"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en-GB"
DEFAULT_DATE = "fs"

# Stable, citable addresses: /<slug>/ for pages.
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = []
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"

# A data site, not a blog: no tag, category, author or archive pages.
DIRECT_TEMPLATES = []
TAG_SAVE_AS = CATEGORY_SAVE_AS = AUTHOR_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
ARTICLE_SAVE_AS = DRAFT_SAVE_AS = DRAFT_PAGE_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None

# Where readers send feedback and requests for other formats.
CONTACT_EMAIL = "mh-day-opportunities-data@example.org"
REPOSITORY_URL = "https://github.com/mh-day-opportunities/open-data"
