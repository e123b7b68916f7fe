"""The directory as static Open Referral UK (HSDS 3.0) JSON: /openreferral/services.json, one file per service
(/openreferral/services/<uuid>.json) and one per organisation (/openreferral/organizations/<uuid>.json).

HSDS 3 ids are UUIDs. Ours are derived with uuid5 from our own ids, so they never change
between builds: ``uuid5(NAMESPACE, "<kind>/<our id>")`` with NAMESPACE the uuid5 of the
export's address in the URL namespace. Values we have not confirmed from a source ([x] in the
data: url, email, fees, application process) are left out, never null: HSDS types them as
strings and none of them is required. ``contacts`` and ``cost_options`` are empty lists for
the same reason.

Places, phones and times: each service carries ``service_at_locations`` (each with its ``location``),
``schedules`` and ``phones``. An HSDS address needs address_1, city, state_province, postal_code and
country; a source that does not give them all (no source we cite gives a county) cannot make an
address record, so the location's description says the address as the source gives it instead.
The compiled ORUK profile has no phone object; ``phones`` follows the HSDS 3.0 phone fields.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from scripts.directory.model import Directory, Provider, Service
from scripts.symbols import known

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://mh-day-opportunities.github.io/openreferral/")
STATISTICAL_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"


def uid(kind: str, our_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{our_id}"))


ADDRESS_REQUIRED = ("address_1", "city", "state_province", "postal_code", "country", "address_type")


def _with_known(record: dict, **optional) -> dict:
    record.update({k: v for k, v in optional.items() if v})
    return record


def phone(row: dict) -> dict:
    record = {"id": uid("phone", row["id"]), "number": row["number"]}
    for kind in ("organization", "service", "location"):
        if known(row.get(f"{kind}_id")):
            record[f"{kind}_id"] = uid(kind, row[f"{kind}_id"])
    return _with_known(record, type=known(row.get("type")), description=known(row.get("description")))


def location(row: dict) -> dict:
    address = row["address"]
    complete = address and all(known(address.get(k)) for k in ADDRESS_REQUIRED)
    description = row["description"]
    if address and not complete:
        description = f"{description} Address as the source gives it: {address['text']}.".strip()
    record = _with_known(
        {"id": uid("location", row["id"]), "location_type": row["location_type"], "name": row["name"]},
        description=description,
    )
    if complete:
        record["addresses"] = [
            {
                "id": uid("address", address["id"]),
                "location_id": record["id"],
                **{k: address[k] for k in ADDRESS_REQUIRED},
                **{k: address[k] for k in ("region",) if known(address.get(k))},
            }
        ]
    record["phones"] = [phone(p) for p in row["phones"]]
    return record


def schedule(row: dict, service_id: str) -> dict:
    record = {"id": uid("schedule", row["id"]), "service_id": service_id}
    if known(row.get("service_at_location_id")):
        record["service_at_location_id"] = uid("service_at_location", row["service_at_location_id"])
    if known(row.get("interval")):
        record["interval"] = int(row["interval"])
    return _with_known(
        record,
        **{k: known(row.get(k)) for k in ("freq", "byday", "bymonthday", "opens_at", "closes_at", "description")},
    )


def organization(provider: Provider) -> dict:
    record = _with_known(
        {"id": uid("organization", provider.id), "name": provider.name, "description": provider.description},
        alternate_name=provider.alternate_name,
        email=provider.email,
        website=provider.website,
    )
    record["phones"] = [phone(p) for p in provider.phones]
    return record


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
    record["service_at_locations"] = [
        {
            "id": uid("service_at_location", place["link_id"]),
            "service_id": service_id,
            "location_id": uid("location", place["id"]),
            "location": location(place),
        }
        for place in item.locations
    ]
    record["schedules"] = [schedule(row, service_id) for row in item.schedules]
    record["phones"] = [phone(row) for row in item.phones]
    record["contacts"] = []
    record["cost_options"] = []
    record["attributes"] = [attribute(item, term, service_id) for term in item.terms]
    return record


def attribute(item: Service, term: dict, service_id: str) -> dict:
    """A service's taxonomy term, linked to it as HSDS 3.0 links one."""
    return {
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


def organization_with_services(provider: Provider) -> dict:
    """One organisation and its services (without each service repeating the organisation)."""
    record = organization(provider)
    record["services"] = [{k: v for k, v in service(s).items() if k != "organization"} for s in provider.services]
    return record


def _dump(path: Path, record: dict) -> Path:
    path.write_text(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def write(directory: Directory, output: Path) -> list[Path]:
    folder = output / "openreferral"
    (folder / "services").mkdir(parents=True, exist_ok=True)
    (folder / "organizations").mkdir(parents=True, exist_ok=True)
    records = [service(s) for s in directory.services]
    written = [_dump(folder / "services" / f"{record['id']}.json", record) for record in records]
    for provider in directory.providers:
        record = organization_with_services(provider)
        written.append(_dump(folder / "organizations" / f"{record['id']}.json", record))
    return written + [_dump(folder / "services.json", page(records))]
