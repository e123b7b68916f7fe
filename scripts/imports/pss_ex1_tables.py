"""What the PSS EX1 import looks for, declared once as data: the measures, each year's definition,
the column labels of each layout of the return, and the publishers' known header errors.

A layout is recognised by its ``col`` row (``col A``, ``col B``, ``Col G = C + F``, ...), never by the
year it is filed under; each measure is a column of it, found by its ``col`` label and confirmed by
words that must stand in the header above it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    unit: str
    definition: str


GBP_K = "GBP thousands"
MEASURES = (
    Measure(
        "gross-cost",
        "Gross cost",
        GBP_K,
        "What the council's day care for this client group cost in the year before any income was taken off: "
        "its own provision, what it bought from other organisations and (from 2007-08) its grants to "
        "voluntary organisations, including capital charges.",
    ),
    Measure(
        "own-provision",
        "Own provision",
        GBP_K,
        "The part of the gross cost spent on day care the council ran itself, including joint "
        "arrangements and capital charges.",
    ),
    Measure(
        "provided-by-others",
        "Provision by others",
        GBP_K,
        "The part of the gross cost spent on day care bought from other organisations (independent, "
        "voluntary or NHS providers).",
    ),
    Measure(
        "grants-to-voluntary-organisations",
        "Grants to voluntary organisations",
        GBP_K,
        "The part of the gross cost given as grants to voluntary organisations (a column of its own in 2007-08 only).",
    ),
    Measure(
        "income-client-contributions",
        "Income: client contributions",
        GBP_K,
        "What people using the service paid (sales, fees and charges).",
    ),
    Measure(
        "income-joint-arrangements",
        "Income: joint arrangements",
        GBP_K,
        "Money received from partners under joint arrangements.",
    ),
    Measure(
        "income-nhs", "Income: from the NHS", GBP_K, "Money received from the NHS (a column of its own from 2006-07)."
    ),
    Measure("income-other", "Income: other", GBP_K, "Any other income for the service."),
    Measure("income-total", "Income: total", GBP_K, "All income for the service: the income lines added up."),
    Measure("net-cost", "Net cost", GBP_K, "The gross cost less all income, including capital charges."),
    Measure(
        "clients-per-week",
        "Clients per week",
        "clients",
        "The average number of people using the council's day care or day services each week of the year "
        "(the publisher rounds numbers of people to the nearest 5).",
    ),
    Measure(
        "clients-per-week-own-provision",
        "Clients per week: own provision",
        "clients",
        "The average number of people using day care the council ran itself each week of the year.",
    ),
    Measure(
        "clients-per-week-provided-by-others",
        "Clients per week: provision by others",
        "clients",
        "The average number of people using day care bought from other organisations each week of the year.",
    ),
    Measure(
        "client-weeks",
        "Client weeks in the year",
        "client weeks",
        "The number of weeks of day care or day services given in the year, all clients together: the average "
        "clients per week times 52 (2008-09 only, where the table gives its counts this way).",
    ),
    Measure(
        "client-weeks-own-provision",
        "Client weeks in the year: own provision",
        "client weeks",
        "As client weeks in the year, for day care the council ran itself (2008-09 only).",
    ),
    Measure(
        "client-weeks-provided-by-others",
        "Client weeks in the year: provision by others",
        "client weeks",
        "As client weeks in the year, for day care bought from other organisations (2008-09 only).",
    ),
    Measure(
        "cost-per-client-week",
        "Gross cost per client week",
        "GBP",
        "The average gross cost of one person's day care for one week, as the publisher works it out from "
        "the gross cost and the clients per week.",
    ),
    Measure(
        "cost-per-client-week-own-provision",
        "Gross cost per client week: own provision",
        "GBP",
        "As the gross cost per client week, for day care the council ran itself.",
    ),
    Measure(
        "cost-per-client-week-provided-by-others",
        "Gross cost per client week: provision by others",
        "GBP",
        "As the gross cost per client week, for day care bought from other organisations.",
    ),
    Measure(
        "ascfr-other-long-term-care-gross-cost",
        "Other long-term community care (ASC-FR): gross cost",
        GBP_K,
        "2014-15 only, from the Adult Social Care Finance Return: long-term support for adults aged 18 to 64 "
        "whose main need is mental health support, in the community, other than the listed kinds of "
        "long-term care. It includes day care and more, so it cannot be compared with the day-care figures "
        "of earlier years.",
    ),
    Measure(
        "ascfr-other-long-term-care-own-provision",
        "Other long-term community care (ASC-FR): own provision",
        GBP_K,
        "The part of the ASC-FR gross cost above that the council provided itself (2014-15 only; not comparable).",
    ),
    Measure(
        "ascfr-other-long-term-care-provided-by-others",
        "Other long-term community care (ASC-FR): provision by others",
        GBP_K,
        "The part of the ASC-FR gross cost above bought from other organisations (2014-15 only; not comparable).",
    ),
    Measure(
        "ascfr-other-long-term-care-net-cost",
        "Other long-term community care (ASC-FR): net cost",
        GBP_K,
        "The ASC-FR gross cost above less all income (2014-15 only; not comparable).",
    ),
)
MEASURE_ORDER = {m.id: i for i, m in enumerate(MEASURES)}


@dataclass(frozen=True)
class Column:
    measure: str
    label: str  # the col row's text, as printed ("Col G = C + F")
    words: tuple[str, ...]  # each must stand in the header cells above it (any case)


def _cols(*columns: tuple[str, str, tuple[str, ...]]) -> tuple[Column, ...]:
    return tuple(Column(m, label, words) for m, label, words in columns)


OWN = ("own provision",)
OTHERS = ("by others",)
CLIENT = ("client", "contributions")
JOINT = ("joint", "arrangements")
OTHER = ("other", "income")
NHS = ("income", "from", "nhs")

# Each layout: the columns we read. A file is of the one layout whose every label its col row holds.
EX1_LAYOUTS = {
    "ex1-2000": _cols(
        ("own-provision", "col C", OWN + ("including", "capital")),
        ("provided-by-others", "col F", OTHERS),
        ("gross-cost", "Col G = C + F", ("total", "including", "capital")),
        ("income-client-contributions", "col I", CLIENT),
        ("income-joint-arrangements", "col J", JOINT),
        ("income-other", "col K", OTHER),
        ("income-total", "col L = (I to K)", ("total", "income")),
        ("net-cost", "col N = G - L", ("net", "total", "cost")),
    ),
    "ex1-2005": _cols(
        ("own-provision", "col C", OWN + ("including", "capital")),
        ("provided-by-others", "col F", OTHERS + ("including", "capital")),
        ("gross-cost", "Col I = C + F", ("total", "including", "capital")),
        ("income-client-contributions", "col L", CLIENT),
        ("income-joint-arrangements", "col M", JOINT),
        ("income-other", "col N", OTHER),
        ("income-total", "col O = (L to N)", ("total", "income")),
        ("net-cost", "col Q = I - O", ("net", "total", "cost")),
    ),
    "ex1-2006": _cols(
        ("own-provision", "col C", OWN + ("including", "capital")),
        ("provided-by-others", "col F", OTHERS + ("including", "capital")),
        ("gross-cost", "Col I = C + F", ("total", "including", "capital")),
        ("income-client-contributions", "col L", CLIENT),
        ("income-joint-arrangements", "col M", JOINT),
        ("income-nhs", "col N", NHS),
        ("income-other", "col O", OTHER),
        ("income-total", "col P = (L to O)", ("total", "income")),
        ("net-cost", "col R = I - P", ("net", "total", "cost")),
    ),
    "ex1-2007": _cols(
        ("own-provision", "col C", OWN),
        ("provided-by-others", "col D", ("provision", "by others")),
        ("grants-to-voluntary-organisations", "col E", ("grants", "voluntary", "organisations")),
        ("gross-cost", "col F = (C to E)", ("total", "expenditure")),
        ("income-client-contributions", "col G", CLIENT),
        ("income-joint-arrangements", "col H", JOINT),
        ("income-nhs", "col I", NHS),
        ("income-other", "col J", OTHER),
        ("income-total", "col K = (G to J)", ("income",)),
        ("net-cost", "col L = (F - K)", ("net", "total", "expenditure")),
    ),
}

# The unit-cost tables (2008-09 to 2013-14): each measure is the one column whose header is this text
# (compared in lower case with runs of spaces made one and "31 March <year>" read as "31 March").
_MH = "adults aged 18-64 with mental health needs"
UNIT_COST_LABELS = {
    f"gross total cost for day care or day services for {_MH} during year ended 31 march (£000's)": "gross-cost",
    f"the average number of clients of day care or day services per week for {_MH} during year ended 31 march": (
        "clients-per-week"
    ),
    f"average gross expenditure per day care or day services client for {_MH}": "cost-per-client-week",
    f"gross total cost for own provision day care or day services for {_MH} during year ended 31 march (£000's)": (
        "own-provision"
    ),
    f"the average number of clients of own provision day care or day services per week for {_MH} during year "
    "ended 31 march": "clients-per-week-own-provision",
    f"average gross expenditure per own provision day care or day services client for {_MH}": (
        "cost-per-client-week-own-provision"
    ),
    f"gross total cost for day care or day services for {_MH} provided by others during year ended 31 march "
    "(£000's)": "provided-by-others",
    f"the average number of clients of day care or day services per week for {_MH} provided by others during "
    "year ended 31 march": "clients-per-week-provided-by-others",
    f"average gross expenditure per day care or day services client for {_MH} provided by others": (
        "cost-per-client-week-provided-by-others"
    ),
}
# A table carrying this note gives its client counts as client weeks in the year, whatever the header says
# (2008-09: "... expressed in the denominators as an annual figure").
ANNUAL_NOTE = "have been expressed in the denominators as an annual figure"
CLIENT_WEEKS = {
    "clients-per-week": "client-weeks",
    "clients-per-week-own-provision": "client-weeks-own-provision",
    "clients-per-week-provided-by-others": "client-weeks-provided-by-others",
}
# Unit cost = gross cost (GBP thousands) x 1000 / (clients per week x 52), where the table defines it.
UNIT_COST_PARTS = {
    "cost-per-client-week": ("gross-cost", "clients-per-week"),
    "cost-per-client-week-own-provision": ("own-provision", "clients-per-week-own-provision"),
    "cost-per-client-week-provided-by-others": ("provided-by-others", "clients-per-week-provided-by-others"),
}


@dataclass(frozen=True)
class HeaderCorrection:
    """A column whose published header is wrong, read as the measure it holds, once the arithmetic shows it."""

    path: str
    label_measure: str  # the measure its (wrong) header names
    occurrence: int  # which of the columns so headed, counting from 1
    measure: str  # what it holds
    parts: tuple[str, ...]  # measures that must add up to it, for every council
    reason: str


HEADER_CORRECTIONS = (
    HeaderCorrection(
        "2010/Final_Council Level_DetailedUnitcosts_200910.csv",
        "own-provision",
        1,
        "gross-cost",
        ("own-provision", "provided-by-others"),
        "The first of two columns headed as own provision holds the total: own provision plus provision by "
        "others equals it for every council.",
    ),
)

# 2014-15, the Adult Social Care Finance Return: the rows for this service, and the measures of its
# accounting categories.
ASCFR_SERVICE = ("Long term", "Age 18 to 64", "Mental health support", "Community: other long term care")
ASCFR_SERVICE_HEADERS = ("Support type", "Age category", "Summary", "Delivery mechanism", "Accounting category")
ASCFR_CATEGORIES = {
    "Gross total cost: total expenditure": "ascfr-other-long-term-care-gross-cost",
    "Gross total cost: own provision": "ascfr-other-long-term-care-own-provision",
    "Gross total cost: provision by others": "ascfr-other-long-term-care-provided-by-others",
    "Net total expenditure": "ascfr-other-long-term-care-net-cost",
}
