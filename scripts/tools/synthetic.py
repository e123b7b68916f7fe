"""Synthetic data for benchmarks and tests, clearly marked, never written into data/ or a public site.

``write_site_inputs(folder, authorities, years, providers, reports, transactions)`` writes data
packages, a GSS reference file and Markdown reports into ``folder``; every title says SYNTHETIC.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

from scripts.settings import ROOT, default
from scripts.symbols import MISSING_VALUES

MARK = "SYNTHETIC benchmark data (not real)"
SOURCE = [
    "source_id,publisher,title,url,date_published,date_accessed,licence,note",
    f"synthetic,Benchmark generator,{MARK},https://example.invalid/synthetic,[x],2026-01-01,Not applicable,{MARK}",
]
SUPPORT_TYPES = [
    "courses-and-groups",
    "time-bank",
    "one-to-one-outreach",
    "peer-support",
    "centre-based",
    "practical-help",
]
KINDS = ["mental-health-specific", "social-and-leisure"]


def authority_codes(count: int) -> list[tuple[str, str]]:
    # E10 9xxxxx is not a real county code range; names say SYNTHETIC.
    return [(f"E109{n:05d}", f"Synthetic authority {n:03d}") for n in range(count)]


def _write(path: Path, lines) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        for line in lines:
            writer.writerow(line) if isinstance(line, (list, tuple)) else file.write(line + "\n")


def _append_real(path: Path, package: str) -> None:
    real = (ROOT / "data" / package / path.name).read_text(encoding="utf-8").splitlines()[1:]
    with open(path, "a", encoding="utf-8") as file:
        file.write("\n".join(real) + "\n")


def _descriptor(package: str, folder: Path, mutate=None) -> None:
    descriptor = json.loads((ROOT / "data" / package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = f"{descriptor['title']} ({MARK})"
    descriptor["description"] = MARK
    if mutate:
        mutate(descriptor)
    (folder / package / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")


def write_spend(folder: Path, authorities, years: int) -> None:
    rows = [
        [
            "authority_code",
            "authority_name",
            "financial_year",
            "amount_gbp",
            "published_as",
            "rounded_to_gbp",
            "excludes",
            "source_id",
        ]
    ]
    rng = random.Random(1)
    for code, name in authorities:
        for start in range(2023 - years, 2023):
            amount = rng.randrange(5, 120) * 100_000
            rows.append(
                [
                    code,
                    name,
                    f"{start}-{(start + 1) % 100:02d}",
                    amount,
                    f"£{amount / 1e6:.1f}m",
                    100000,
                    "transport costs",
                    "synthetic",
                ]
            )
    # The figures the site quotes name Norfolk; keep the real rows so every figure resolves.
    real = (ROOT / "data" / "spend" / "spend.csv").read_text(encoding="utf-8").splitlines()[1:]
    _write(folder / "spend" / "spend.csv", rows + real)
    _write(
        folder / "spend" / "sources.csv",
        SOURCE + (ROOT / "data" / "spend" / "sources.csv").read_text(encoding="utf-8").splitlines()[1:],
    )
    _descriptor("spend", folder)


def write_providers(folder: Path, authorities, providers: int) -> None:
    rng = random.Random(2)
    base = folder / "providers"
    organisations, services, areas, links = _provider_rows(rng, authorities, providers)
    _write(base / "organization.csv", organisations)
    _write(base / "service.csv", services)
    _write(base / "service_area.csv", areas)
    _write(base / "service_taxonomy.csv", links)
    # The real providers stay too: the site's prose and figures name them.
    for name in ("organization.csv", "service.csv", "service_area.csv", "service_taxonomy.csv"):
        _append_real(base / name, "providers")
    shutil.copyfile(ROOT / "data" / "providers" / "taxonomy_term.csv", base / "taxonomy_term.csv")
    # The real contact tables (locations, phones, times, urgent help) come across unchanged.
    for path in sorted((ROOT / "data" / "providers").glob("*.csv")):
        if not (base / path.name).exists() and path.name not in (
            "market_snapshot.csv",
            "locality_share.csv",
            "sources.csv",
        ):
            shutil.copyfile(path, base / path.name)
    snapshot, shares = _market_rows(rng, authorities)
    _write(base / "market_snapshot.csv", snapshot)
    _write(base / "locality_share.csv", shares)
    # The figures the site quotes name Norfolk; keep the real Norfolk rows so every figure resolves.
    for name in ("market_snapshot.csv", "locality_share.csv"):
        _append_real(base / name, "providers")
    sources = SOURCE + (ROOT / "data" / "providers" / "sources.csv").read_text(encoding="utf-8").splitlines()[1:]
    _write(base / "sources.csv", sources)
    _descriptor("providers", folder)


ORGANISATION_HEADER = [
    "id",
    "name",
    "alternate_name",
    "former_name",
    "description",
    "website",
    "website_source_id",
    "email",
    "status",
    "last_checked",
    "source_id",
]
SERVICE_HEADER = [
    "id",
    "organization_id",
    "name",
    "description",
    "status",
    "eligibility_description",
    "application_process",
    "fees_description",
    "url",
    "email",
    "source_id",
]


def _provider_rows(rng: random.Random, authorities, providers: int) -> tuple[list, list, list, list]:
    """SYNTHETIC organisations, services, service areas and taxonomy links, one provider per service."""
    organisations = [ORGANISATION_HEADER]
    services = [SERVICE_HEADER]
    areas = [["id", "service_id", "name", "authority_code", "source_id"]]
    links = [["service_id", "taxonomy_term_id", "source_id"]]
    for n in range(providers):
        code, name = authorities[n % len(authorities)]
        org, service = f"synthetic-provider-{n:05d}", f"synthetic-service-{n:05d}"
        organisations.append(
            [org, f"Synthetic provider {n:05d}", "", "", MARK, "[x]", "[x]", "[x]", "active", "2026-11-01", "synthetic"]
        )
        services.append(
            [
                service,
                org,
                f"Synthetic service {n:05d}",
                MARK,
                "active",
                "Adults (synthetic)",
                "[x]",
                "[x]",
                "[x]",
                "[x]",
                "synthetic",
            ]
        )
        areas.append([f"{service}-area", service, name, code, "synthetic"])
        for term in {rng.choice(SUPPORT_TYPES), rng.choice(KINDS)}:
            links.append([service, term, "synthetic"])
    return organisations, services, areas, links


def _market_rows(rng: random.Random, authorities) -> tuple[list, list]:
    """SYNTHETIC market snapshots and locality shares, one set per authority."""
    snapshot = [
        [
            "authority_code",
            "authority_name",
            "financial_year",
            "people_accessing",
            "providers_or_locations",
            "source_id",
        ]
    ]
    shares = [["authority_code", "authority_name", "month", "locality", "share_percent", "source_id"]]
    for code, name in authorities:
        snapshot.append([code, name, "2022-23", rng.randrange(100, 2000), rng.randrange(5, 80), "synthetic"])
        for locality, share in (("North", 40), ("South", 35), ("West", 25)):
            shares.append([code, name, "2023-01", locality, share, "synthetic"])
    return snapshot, shares


def write_survey(folder: Path, providers: int) -> None:
    shutil.copytree(ROOT / "data" / "survey", folder / "survey", dirs_exist_ok=True)
    rows = [["question_id", "question", "answer", "provider_id", "count", "source_id"]]
    rng = random.Random(3)
    for q in range(10):
        for answer in ("Yes", "No", "Not sure"):
            # Published surveys give totals for everyone (provider all) beside each provider's counts.
            rows.append(
                [
                    f"q{q}",
                    f"Synthetic question {q}",
                    answer,
                    "all",
                    rng.randrange(40, 400),
                    "healthwatch-liverpool-2019",
                ]
            )
            for p in range(min(providers, 50)):
                count = rng.randrange(0, 40)
                rows.append(
                    [
                        f"q{q}",
                        f"Synthetic question {q}",
                        answer,
                        f"synthetic-provider-{p:05d}",
                        "[c]" if 0 < count < default("suppression_threshold") else count,
                        "healthwatch-liverpool-2019",
                    ]
                )
    _write(folder / "survey" / "answer_count.csv", rows)
    _descriptor("survey", folder)


TRANSACTIONS_SCHEMA = {
    "fields": [
        {
            "name": "transaction_id",
            "title": "Transaction id",
            "type": "integer",
            "description": "Row id.",
            "constraints": {"required": True, "minimum": 1},
        },
        {
            "name": "authority_code",
            "title": "Authority code",
            "type": "string",
            "description": "GSS code.",
            "constraints": {"required": True, "pattern": "^E(06|07|08|09|10)[0-9]{6}$"},
        },
        {
            "name": "financial_year",
            "title": "Financial year",
            "type": "string",
            "description": "2022-23 form.",
            "example": "2022-23",
            "constraints": {"required": True, "pattern": "^[0-9]{4}-[0-9]{2}$"},
        },
        {
            "name": "paid_on",
            "title": "Paid on",
            "type": "date",
            "description": "Payment date.",
            "constraints": {"required": True},
        },
        {
            "name": "supplier",
            "title": "Supplier",
            "type": "string",
            "description": "Who was paid.",
            "constraints": {"required": True},
        },
        {
            "name": "category",
            "title": "Category",
            "type": "string",
            "description": "Kind of spend.",
            "constraints": {"required": True, "enum": ["day-opportunities", "transport", "other"]},
        },
        {
            "name": "amount_gbp",
            "title": "Amount (GBP)",
            "type": "number",
            "unit": "GBP",
            "description": "Amount paid.",
            "constraints": {"minimum": 0},
        },
        {
            "name": "source_id",
            "title": "Source",
            "type": "string",
            "description": "A source_id.",
            "constraints": {"required": True},
        },
    ],
    "missingValues": list(MISSING_VALUES),
    "primaryKey": ["transaction_id"],
    "foreignKeys": [{"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}}],
}


def write_transactions(folder: Path, authorities, rows: int) -> Path:
    base = folder / "transactions"
    base.mkdir(parents=True, exist_ok=True)
    rng = random.Random(4)
    categories = ("day-opportunities", "transport", "other")
    with open(base / "transactions.csv", "w", encoding="utf-8", newline="") as file:
        file.write("transaction_id,authority_code,financial_year,paid_on,supplier,category,amount_gbp,source_id\n")
        chunk = []
        for n in range(1, rows + 1):
            code = authorities[n % len(authorities)][0]
            month = 1 + n % 12
            chunk.append(
                f"{n},{code},2022-23,2022-{month:02d}-{1 + n % 28:02d},Synthetic supplier {n % 997},"
                f"{categories[n % 3]},{rng.randrange(1, 500000) / 100},synthetic\n"
            )
            if len(chunk) == 10000:
                file.write("".join(chunk))
                chunk.clear()
        file.write("".join(chunk))
    _write(base / "sources.csv", SOURCE)
    (base / "datapackage.json").write_text(json.dumps(_transactions_descriptor(), indent=2) + "\n", encoding="utf-8")
    return base


def _transactions_descriptor() -> dict:
    """The SYNTHETIC transactions package's descriptor: its table, and the real spend package's sources."""
    return {
        "profile": "tabular-data-package",
        "name": "transactions",
        "title": f"Spend transactions ({MARK})",
        "description": MARK,
        "version": "0.0.0",
        "licenses": [
            {
                "name": "CC0-1.0",
                "title": "Synthetic: no rights",
                "path": "https://creativecommons.org/publicdomain/zero/1.0/",
            }
        ],
        "sources": [{"title": MARK, "path": "https://example.invalid/synthetic"}],
        "resources": [
            {
                "name": "transactions",
                "path": "transactions.csv",
                "title": "Transactions",
                "description": MARK,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": TRANSACTIONS_SCHEMA,
            },
            json.loads((ROOT / "data" / "spend" / "datapackage.json").read_text())["resources"][1],
        ],
    }


def write_gss_codes(path: Path, authorities) -> Path:
    real = (ROOT / "scripts" / "reference" / "gss-codes.csv").read_text(encoding="utf-8").splitlines()
    _write(path, real + [f"{code},{name},E10 county (synthetic),{MARK}" for code, name in authorities])
    return path


def write_reports(content: Path, count: int) -> None:
    shutil.copytree(ROOT / "content", content, dirs_exist_ok=True)
    for n in range(count):
        (content / "reports" / f"synthetic-{n:04d}.md").write_text(
            f"Title: Synthetic report {n:04d}\nDate: 2026-01-01\nSummary: {MARK}.\n\n"
            f"{MARK}. Norfolk spent {{figure spend/norfolk-2022-23}} in 2022-23.\n\n"
            + "\n\n".join(f"## Section {s}\n\n" + ("Plain synthetic paragraph text. " * 40) for s in range(5))
            + "\n",
            encoding="utf-8",
        )


def write_site_inputs(
    folder: Path, authorities: int, years: int, providers: int, reports: int, transactions: int = 0
) -> dict:
    codes = authority_codes(authorities)
    data = folder / "data"
    write_spend(data, codes, years)
    write_providers(data, codes, providers)
    write_survey(data, providers)
    # the real council figures, copied as the survey is (descriptor marked): the real reports copied below quote them
    shutil.copytree(ROOT / "data" / "council-figures", data / "council-figures")
    _descriptor("council-figures", data)
    # the real official series too (the national report and every council's page quote it): the real-size pages
    shutil.copytree(ROOT / "data" / "day-care-spend", data / "day-care-spend")
    _descriptor("day-care-spend", data)
    if transactions:
        write_transactions(data, codes, transactions)
    write_reports(folder / "content", reports)
    gss = write_gss_codes(folder / "gss-codes.csv", codes)
    return {"data": data, "content": folder / "content", "gss_codes": gss}
