"""Which lead field maps to which HubSpot contact property, and which side owns it.

Ownership per field comes from ``HUBSPOT_FIELD_OWNERSHIP``: ``ours`` (our value wins and is
pushed back), ``theirs`` (HubSpot's value wins), ``newest`` (the later change wins). An
empty value never overwrites a filled one, on either side."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

# Our unique property on the HubSpot contact: upserts are keyed by it, so a retried push
# updates the same contact instead of creating a second one.
ID_PROPERTY = "ementech_lead_id"

STAGE_TO_LIFECYCLE = {
    "anonymous": "subscriber",
    "identified": "lead",
    "qualified": "marketingqualifiedlead",
    "opportunity": "opportunity",
    "customer": "customer",
}
LIFECYCLE_TO_STAGE = {v: k for k, v in STAGE_TO_LIFECYCLE.items()} | {
    "salesqualifiedlead": "qualified",
    "evangelist": "customer",
}


def _split_name(name: str) -> dict[str, str]:
    first, _, last = (name or "").strip().partition(" ")
    return {"firstname": first, "lastname": last.strip()}


def _join_name(props: dict[str, Any]) -> str | None:
    if "firstname" not in props and "lastname" not in props:
        return None
    return " ".join(p for p in (props.get("firstname") or "", props.get("lastname") or "") if p)


@dataclass(frozen=True)
class FieldMap:
    field: str
    to_remote: Callable[[Any], dict[str, str]]
    from_remote: Callable[[dict[str, Any]], Any]  # None when the properties lack it


def _simple(field: str, prop: str, max_length: int = 200) -> FieldMap:
    return FieldMap(
        field,
        lambda v: {prop: "" if v is None else str(v)},
        lambda p: str(p[prop] or "")[:max_length] if prop in p else None,
    )


FIELDS: tuple[FieldMap, ...] = (
    _simple("email", "email", 254),
    FieldMap("name", _split_name, _join_name),
    _simple("company", "company"),
    _simple("role", "jobtitle"),
    _simple("phone", "phone", 40),
    _simple("website", "website", 300),
    _simple("industry", "industry", 100),
    FieldMap(
        "stage",
        lambda v: {"lifecyclestage": STAGE_TO_LIFECYCLE.get(v, "lead")},
        lambda p: LIFECYCLE_TO_STAGE.get(p["lifecyclestage"]) if p.get("lifecyclestage") else None,
    ),
    FieldMap(
        "score",
        lambda v: {"ementech_score": str(v or 0)},
        lambda p: None,  # computed here only; never taken from HubSpot
    ),
)
BY_FIELD = {f.field: f for f in FIELDS}
PROPERTIES: list[str] = sorted(
    {"email", "firstname", "lastname", "company", "jobtitle", "phone", "website", "industry"}
    | {"lifecyclestage", "ementech_score", ID_PROPERTY, "lastmodifieddate", "hs_object_id"}
)
PROPERTY_TO_FIELD = {
    "email": "email",
    "firstname": "name",
    "lastname": "name",
    "company": "company",
    "jobtitle": "role",
    "phone": "phone",
    "website": "website",
    "industry": "industry",
    "lifecyclestage": "stage",
}


def owner(field: str) -> str:
    rule = (settings.HUBSPOT_FIELD_OWNERSHIP or {}).get(field, "newest")
    return rule if rule in {"ours", "theirs", "newest"} else "newest"


def contact_properties(lead: Any, *, creating: bool) -> dict[str, str]:
    """The properties to send: everything when creating the contact; afterwards only the
    fields HubSpot does not own (their fields are theirs to change)."""
    props: dict[str, str] = {ID_PROPERTY: str(lead.pk)}
    for fmap in FIELDS:
        if not creating and owner(fmap.field) == "theirs":
            continue
        for key, value in fmap.to_remote(getattr(lead, fmap.field)).items():
            if creating and value == "":
                continue
            props[key] = value
    return props


def lead_values(props: dict[str, Any]) -> dict[str, Any]:
    """Lead field values carried by a set of HubSpot properties (absent ones left out)."""
    values: dict[str, Any] = {}
    for fmap in FIELDS:
        value = fmap.from_remote(props)
        if value is not None:
            values[fmap.field] = value
    return values
