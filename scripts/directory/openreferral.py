"""The directory as static Open Referral UK (HSDS 3.0) JSON: /openreferral/services.json and one file per service.

HSDS 3 ids are UUIDs. Ours are derived with uuid5 from our own ids, so they never change
between builds: ``uuid5(NAMESPACE, "<kind>/<our id>")`` with NAMESPACE the uuid5 of the
export's address in the URL namespace. Values we have not confirmed from a source ([x] in the
data: url, email, fees, application process) are left out, never null: HSDS types them as
strings and none of them is required. ``contacts`` and ``cost_options`` are empty lists for
the same reason.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from scripts.directory.model import Directory, Provider, Service

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://mh-day-opportunities.github.io/openreferral/")
STATISTICAL_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"


def uid(kind: str, our_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{our_id}"))


def _with_known(record: dict, **optional) -> dict:
    record.update({k: v for k, v in optional.items() if v})
    return record


def organization(provider: Provider) -> dict:
    return _with_known(
        {"id": uid("organization", provider.id), "name": provider.name, "description": provider.description},
        alternate_name=provider.alternate_name,
        email=provider.email,
        website=provider.website,
    )


def service(item: Service) -> dict:
    service_id = uid("service", item.id)
    record = _with_known(
        {
            "id": service_id,
            "organization_id": uid("organization", item.provider.id),
            "name": item.name,
            "description": item.description,
            "status": item.status,
        },
        url=item.url,
        email=item.email,
        eligibility_description=item.eligibility,
        application_process=item.application_process,
        fees_description=item.fees,
    )
    record["assured_date"] = item.provider.last_checked.isoformat()
    record["organization"] = organization(item.provider)
    record["service_areas"] = [
        {
            "id": uid("service_area", area["id"]),
            "service_id": service_id,
            "name": area["name"],
            "uri": STATISTICAL_GEOGRAPHY + area["authority_code"],
        }
        for area in item.areas
    ]
    record["contacts"] = []
    record["cost_options"] = []
    record["attributes"] = [
        {
            "id": uid("attribute", f"{item.id}/{term['id']}"),
            "link_id": service_id,
            "link_type": term["taxonomy"],
            "link_entity": "service",
            "taxonomy_term_id": uid("taxonomy_term", term["id"]),
            "taxonomy_term": {
                "id": uid("taxonomy_term", term["id"]),
                "code": term["id"],
                "name": term["name"],
                "description": term["description"],
                "taxonomy": term["taxonomy"],
                "language": "en",
            },
        }
        for term in item.terms
    ]
    return record


def page(records: list[dict]) -> dict:
    """The HSDS paginated list: everything on one page."""
    return {
        "total_items": len(records),
        "total_pages": 1,
        "page_number": 1,
        "size": len(records),
        "first_page": True,
        "last_page": True,
        "empty": not records,
        "contents": records,
    }


def write(directory: Directory, output: Path) -> list[Path]:
    folder = output / "openreferral"
    (folder / "services").mkdir(parents=True, exist_ok=True)
    written = []
    records = [service(s) for s in directory.services]
    for record in records:
        path = folder / "services" / f"{record['id']}.json"
        path.write_text(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        written.append(path)
    path = folder / "services.json"
    path.write_text(json.dumps(page(records), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return written + [path]
