"""Pushing our changes to HubSpot: marking a lead's link dirty in the changing transaction,
batched contact and company upserts keyed by our lead id, and booked meetings.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from integrations.hubspot import mapping
from integrations.hubspot.client import HubSpotRefused, HubSpotUnavailable, call, client
from integrations.models import CrmLink

log = logging.getLogger(__name__)

log = logging.getLogger(__name__)

BATCH = 100  # HubSpot's batch and page limit


def _lead_model():
    # TODO(facade): leads.facade once i12 lands it; the Lead model is the narrowest surface.
    from leads.facade import Lead

    return Lead


def _normalize_email(email: str) -> str:
    return (email or "").strip().lower()


# --- recording our changes ---------------------------------------------------------------------


def contact_mark_dirty(*, lead_id: Any) -> None:
    """Our lead changed: remember to push it (in the caller's transaction), push after commit."""
    from integrations import tasks
    from integrations.queue import enqueue

    updated = CrmLink.objects.filter(kind=CrmLink.Kind.CONTACT, local_id=str(lead_id)).update(
        dirty=True, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        try:
            with transaction.atomic():
                CrmLink.objects.create(
                    kind=CrmLink.Kind.CONTACT, local_id=str(lead_id), lead_id=lead_id
                )
        except IntegrityError:  # created concurrently: mark that one
            CrmLink.objects.filter(kind=CrmLink.Kind.CONTACT, local_id=str(lead_id)).update(
                dirty=True, version=F("version") + 1
            )
    enqueue(tasks.hubspot_push)


# --- push ------------------------------------------------------------------------------------


@dataclass
class PushResult:
    upserted: int = 0
    archived: int = 0
    failed: int = 0


def _upsert_input(objects: list[tuple[str, dict[str, str]]], id_property: str):
    from hubspot.crm.contacts import (
        BatchInputSimplePublicObjectBatchInputUpsert,
        SimplePublicObjectBatchInputUpsert,
    )

    return BatchInputSimplePublicObjectBatchInputUpsert(
        inputs=[
            SimplePublicObjectBatchInputUpsert(id_property=id_property, id=key, properties=props)
            for key, props in objects
        ]
    )


def _json(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """An SDK call whose answer is read as plain JSON (see ``_page``)."""
    return json.loads(call(fn, *args, _preload_content=False, **kwargs).data or b"{}")


def _company_key(name: str) -> str:
    return " ".join((name or "").lower().split())[:200]


def _push_companies(contacts: list[tuple[str, str]]) -> None:
    """Upsert the companies named by these (HubSpot contact id, company name) pairs and
    associate each contact with its company."""
    from hubspot.crm.associations.v4 import (
        BatchInputPublicDefaultAssociationMultiPost,
        PublicDefaultAssociationMultiPost,
        PublicObjectId,
    )

    names = {}
    for _cid, name in contacts:
        key = _company_key(name)
        if key:
            names.setdefault(key, name.strip())
    if not names:
        return
    api = client()
    response = _json(
        api.crm.companies.batch_api.upsert,
        _upsert_input(
            [(k, {"ementech_company_key": k, "name": n}) for k, n in names.items()],
            "ementech_company_key",
        ),
    )
    ids = {r["properties"].get("ementech_company_key"): r["id"] for r in response["results"]}
    now = timezone.now()
    known = {
        link.local_id: link
        for link in CrmLink.objects.filter(kind=CrmLink.Kind.COMPANY, local_id__in=list(ids))
    }
    changed = [link for key, link in known.items() if link.hubspot_id != ids[key] or link.dirty]
    for link in changed:
        link.hubspot_id, link.dirty, link.status, link.pushed_at = (
            ids[link.local_id],
            False,
            CrmLink.Status.SYNCED,
            now,
        )
    CrmLink.objects.bulk_update(changed, ["hubspot_id", "dirty", "status", "pushed_at"])
    CrmLink.objects.bulk_create(
        [
            CrmLink(
                kind=CrmLink.Kind.COMPANY,
                local_id=key,
                hubspot_id=hubspot_id,
                dirty=False,
                status=CrmLink.Status.SYNCED,
                pushed_at=now,
            )
            for key, hubspot_id in ids.items()
            if key not in known
        ],
        ignore_conflicts=True,
    )
    pairs = [
        PublicDefaultAssociationMultiPost(
            _from=PublicObjectId(id=cid), to=PublicObjectId(id=ids[_company_key(name)])
        )
        for cid, name in contacts
        if _company_key(name) in ids
    ]
    if pairs:
        call(
            api.crm.associations.v4.batch_api.create_default,
            "contact",
            "company",
            BatchInputPublicDefaultAssociationMultiPost(inputs=pairs),
        )


def _send_contacts(api: Any, upserts: list[tuple[dict, Any]]) -> dict[str, Any]:
    """Create-or-update by our id for contacts HubSpot has not given an id yet (an upsert:
    repeated after a lost answer, it finds the same contact); update by HubSpot id for the
    others (including contacts that came from HubSpot, which lack our id until now).
    Returns HubSpot's objects by our lead id."""
    from hubspot.crm.contacts import BatchInputSimplePublicObjectBatchInput
    from hubspot.crm.contacts import SimplePublicObjectBatchInput as UpdateInput

    remote: dict[str, Any] = {}
    creates = [(link, lead) for link, lead in upserts if not link["hubspot_id"]]
    updates = [(link, lead) for link, lead in upserts if link["hubspot_id"]]
    if creates:
        payload = [
            (str(ld.pk), mapping.contact_properties(ld, creating=True)) for _l, ld in creates
        ]
        response = _json(
            api.crm.contacts.batch_api.upsert, _upsert_input(payload, mapping.ID_PROPERTY)
        )
        remote.update({r["properties"].get(mapping.ID_PROPERTY): r for r in response["results"]})
    if updates:
        response = _json(
            api.crm.contacts.batch_api.update,
            BatchInputSimplePublicObjectBatchInput(
                inputs=[
                    UpdateInput(
                        id=link["hubspot_id"],
                        properties=mapping.contact_properties(lead, creating=False),
                    )
                    for link, lead in updates
                ]
            ),
        )
        by_id = {str(r["id"]): r for r in response["results"]}
        for link, lead in updates:
            obj = by_id.get(link["hubspot_id"])
            if obj is not None:
                remote[str(lead.pk)] = obj
            else:  # gone in HubSpot: forget the id, the next round creates it again
                CrmLink.objects.filter(pk=link["pk"]).update(hubspot_id="")
    return remote


def _links_pushed(upserts: list[tuple[dict, Any]], remote: dict[str, Any]) -> None:
    """Record HubSpot's ids, and clear ``dirty`` only on rows still at the version we
    sent (a change made meanwhile is sent next time). A few queries per batch."""
    now = timezone.now()
    sent = [(link, remote[str(lead.pk)]) for link, lead in upserts if str(lead.pk) in remote]
    new_ids = [
        CrmLink(pk=link["pk"], hubspot_id=str(obj["id"]))
        for link, obj in sent
        if link["hubspot_id"] != str(obj["id"])
    ]
    CrmLink.objects.bulk_update(new_ids, ["hubspot_id"])
    by_version: dict[int, list[int]] = {}
    for link, _obj in sent:
        by_version.setdefault(link["version"], []).append(link["pk"])
    for version, pks in by_version.items():
        CrmLink.objects.filter(pk__in=pks, version=version).update(
            dirty=False,
            status=CrmLink.Status.SYNCED,
            attempts=0,
            last_error="",
            pushed_at=now,
        )


def contacts_push(*, limit: int = BATCH) -> PushResult:
    """Push up to ``limit`` dirty contacts (one batch upsert, plus archives of deleted
    leads). Raises ``HubSpotUnavailable`` when HubSpot is down: the rows stay dirty."""
    Lead = _lead_model()  # noqa: N806
    result = PushResult()
    links = list(
        CrmLink.objects.filter(kind=CrmLink.Kind.CONTACT, dirty=True)
        .exclude(status=CrmLink.Status.DELETED)
        .order_by("updated_at", "pk")
        .values("pk", "local_id", "hubspot_id", "version", "lead_id")[:limit]
    )
    if not links:
        return result
    leads = Lead.all_objects.in_bulk([link["lead_id"] for link in links if link["lead_id"]])
    upserts: list[tuple[dict, Any]] = []
    archives: list[dict] = []
    for link in links:
        lead = leads.get(link["lead_id"]) if link["lead_id"] else None
        if lead is None or lead.erased_at is not None:
            CrmLink.objects.filter(pk=link["pk"]).update(dirty=False)
        elif lead.deleted_at is not None:
            archives.append(link)
        else:
            upserts.append((link, lead))
    api = client()
    try:
        if upserts:
            remote = _send_contacts(api, upserts)
            _links_pushed(upserts, remote)
            result.upserted += sum(1 for _l, ld in upserts if str(ld.pk) in remote)
            _push_companies(
                [
                    (remote[str(ld.pk)]["id"], ld.company)
                    for _l, ld in upserts
                    if str(ld.pk) in remote and ld.company
                ]
            )
        for link in archives:
            if link["hubspot_id"]:
                try:
                    call(api.crm.contacts.basic_api.archive, link["hubspot_id"])
                except HubSpotRefused as exc:
                    if exc.status != 404:
                        raise
            CrmLink.objects.filter(pk=link["pk"], version=link["version"]).update(
                dirty=False, status=CrmLink.Status.DELETED, pushed_at=timezone.now()
            )
            result.archived += 1
    except HubSpotUnavailable as exc:
        CrmLink.objects.filter(pk__in=[link["pk"] for link in links], dirty=True).update(
            status=CrmLink.Status.RETRYING, attempts=F("attempts") + 1, last_error=str(exc)[:500]
        )
        raise
    except HubSpotRefused as exc:
        # The batch was refused as a whole (a bad value): mark it; a later change retries.
        CrmLink.objects.filter(pk__in=[link["pk"] for link in links]).update(
            status=CrmLink.Status.FAILED, dirty=False, last_error=str(exc)[:500]
        )
        result.failed += len(links)
        log.warning("hubspot: push refused: %s", exc)
    return result


def contacts_push_all(*, progress: Callable[[int], None] | None = None) -> PushResult:
    """Push every dirty contact, batch after batch (the sweep and ``sync_hubspot``)."""
    total = PushResult()
    while True:
        part = contacts_push(limit=BATCH)
        if not (part.upserted or part.archived or part.failed):
            return total
        total.upserted += part.upserted
        total.archived += part.archived
        total.failed += part.failed
        if progress:
            progress(part.upserted + part.archived + part.failed)


def contacts_mark_all_dirty() -> int:
    """``sync_hubspot --full``: every live lead is (re)sent."""
    Lead = _lead_model()  # noqa: N806
    known = set(
        CrmLink.objects.filter(kind=CrmLink.Kind.CONTACT).values_list("local_id", flat=True)
    )
    missing = [
        CrmLink(kind=CrmLink.Kind.CONTACT, local_id=str(pk), lead_id=pk)
        for pk in Lead.objects.values_list("pk", flat=True).iterator(chunk_size=2000)
        if str(pk) not in known
    ]
    CrmLink.objects.bulk_create(missing, batch_size=1000, ignore_conflicts=True)
    return (
        CrmLink.objects.filter(kind=CrmLink.Kind.CONTACT)
        .exclude(status=CrmLink.Status.DELETED)
        .update(dirty=True, version=F("version") + 1)
    )


def meeting_push(*, booking_id: Any) -> str:
    """Upsert the HubSpot meeting of a demo booking (keyed by our booking id) and associate
    it with the lead's contact, pushing the contact first if it has no HubSpot id yet."""
    from hubspot.crm.associations.v4 import (
        BatchInputPublicDefaultAssociationMultiPost,
        PublicDefaultAssociationMultiPost,
        PublicObjectId,
    )

    from chat.facade import booking_info

    booking = booking_info(booking_id=booking_id)
    if booking is None or booking.lead_id is None:
        return ""
    contact = CrmLink.objects.filter(kind=CrmLink.Kind.CONTACT, lead_id=booking.lead_id).first()
    if contact is None or not contact.hubspot_id:
        contacts_push_all()
        contact = CrmLink.objects.filter(kind=CrmLink.Kind.CONTACT, lead_id=booking.lead_id).first()
    api = client()
    start = booking.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    end = booking.ends_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    response = call(
        api.crm.objects.meetings.batch_api.upsert,
        _upsert_input(
            [
                (
                    str(booking.id),
                    {
                        "hs_timestamp": start,
                        "hs_meeting_title": "EmenTech demo",
                        "hs_meeting_start_time": start,
                        "hs_meeting_end_time": end,
                        "hs_meeting_outcome": "CANCELED" if booking.cancelled else "SCHEDULED",
                    },
                )
            ],
            "ementech_booking_id",
        ),
    )
    meeting_id = response.results[0].id
    CrmLink.objects.update_or_create(
        kind=CrmLink.Kind.MEETING,
        local_id=str(booking.id),
        defaults={
            "lead_id": booking.lead_id,
            "hubspot_id": meeting_id,
            "dirty": False,
            "status": CrmLink.Status.SYNCED,
            "pushed_at": timezone.now(),
        },
    )
    if contact is not None and contact.hubspot_id:
        call(
            api.crm.associations.v4.batch_api.create_default,
            "meeting",
            "contact",
            BatchInputPublicDefaultAssociationMultiPost(
                inputs=[
                    PublicDefaultAssociationMultiPost(
                        _from=PublicObjectId(id=meeting_id),
                        to=PublicObjectId(id=contact.hubspot_id),
                    )
                ]
            ),
        )
    return meeting_id
