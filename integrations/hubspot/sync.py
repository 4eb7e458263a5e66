"""HubSpot sync services: record our changes, push them, pull theirs, apply webhooks,
propagate deletions and GDPR erasures both ways.

Durability: a local change sets ``CrmLink.dirty`` (and bumps ``version``) in the same
transaction as the change, then a push task is enqueued after commit. A push clears
``dirty`` only for the version it sent, so a change made during a push is sent next time.
While HubSpot is down the rows stay dirty (status ``retrying``) and the periodic sweep
sends them later; upserts are keyed by our lead id (``ementech_lead_id``), so a push whose
answer was lost is repeated without creating a second contact. No network call runs inside
a database transaction.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from integrations.hubspot import mapping
from integrations.hubspot.client import HubSpotRefused, HubSpotUnavailable, call, client
from integrations.models import CrmLink, RemoteErasure, SyncConflict, SyncCursor

log = logging.getLogger(__name__)

BATCH = 100  # HubSpot's batch and page limit
PULL_CURSOR = "hubspot.contacts.modified"


def _lead_model():
    # TODO(facade): leads.facade once i12 lands it; the Lead model is the narrowest surface.
    from leads.models import Lead

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

    from chat.models import DemoBooking  # TODO(facade): chat.facade

    booking = DemoBooking.objects.filter(pk=booking_id).first()
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
                    str(booking.pk),
                    {
                        "hs_timestamp": start,
                        "hs_meeting_title": "EmenTech demo",
                        "hs_meeting_start_time": start,
                        "hs_meeting_end_time": end,
                        "hs_meeting_outcome": "CANCELED"
                        if booking.status == DemoBooking.Status.CANCELLED
                        else "SCHEDULED",
                    },
                )
            ],
            "ementech_booking_id",
        ),
    )
    meeting_id = response.results[0].id
    CrmLink.objects.update_or_create(
        kind=CrmLink.Kind.MEETING,
        local_id=str(booking.pk),
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


# --- pull and apply ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteContact:
    hubspot_id: str
    properties: dict[str, Any]
    modified_at: datetime


@dataclass
class ApplyResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    conflicts: int = 0
    lead_ids: list = field(default_factory=list)


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _same(a: Any, b: Any) -> bool:
    return str(a if a is not None else "").strip() == str(b if b is not None else "").strip()


@transaction.atomic
def contacts_apply(*, contacts: list[RemoteContact], source: str) -> ApplyResult:
    """Apply HubSpot's version of these contacts to our leads, field by field according to
    ownership; conflicts are logged; contacts we do not know become leads (unless their
    address was erased here)."""
    from privacy.hashing import email_hash
    from privacy.models import Suppression

    Lead = _lead_model()  # noqa: N806
    from leads.models import LeadAudit

    result = ApplyResult()
    if not contacts:
        return result
    links = {
        link.hubspot_id: link
        for link in CrmLink.objects.select_for_update().filter(
            kind=CrmLink.Kind.CONTACT, hubspot_id__in=[c.hubspot_id for c in contacts]
        )
    }
    wanted_ids = {link.lead_id for link in links.values() if link.lead_id}
    wanted_ids |= {u for c in contacts if (u := _as_uuid(c.properties.get(mapping.ID_PROPERTY)))}
    by_id = Lead.all_objects.select_for_update().in_bulk(list(wanted_ids))
    emails = {
        _normalize_email(c.properties.get("email") or "")
        for c in contacts
        if c.hubspot_id not in links
    } - {""}
    by_email = {
        lead.email_normalized: lead
        for lead in Lead.all_objects.select_for_update().filter(
            email_normalized__in=emails, erased_at__isnull=True
        )
    }
    suppressed = set(
        Suppression.objects.filter(email_hash__in=[email_hash(e) for e in emails]).values_list(
            "email_hash", flat=True
        )
    )
    now = timezone.now()
    new_leads: list = []
    new_links: list[CrmLink] = []
    conflicts: list[SyncConflict] = []
    audits: list = []
    push_back: set = set()
    seen_links: list[int] = []
    for contact in contacts:
        link = links.get(contact.hubspot_id)
        lead = by_id.get(link.lead_id) if link and link.lead_id else None
        if lead is None:
            lead = by_id.get(_as_uuid(contact.properties.get(mapping.ID_PROPERTY)))
        email = _normalize_email(contact.properties.get("email") or "")
        if lead is None and email:
            lead = by_email.get(email)
        if lead is not None and lead.erased_at is not None:
            result.skipped += 1
            continue
        values = mapping.lead_values(contact.properties)
        if lead is None:
            if (
                not email
                or email_hash(email) in suppressed
                or email in {ld.email_normalized for ld in new_leads}
            ):
                result.skipped += 1
                continue
            lead = Lead(
                email=contact.properties.get("email").strip(),
                email_normalized=email,
                source="hubspot",
                stage=values.get("stage") or Lead.Stage.IDENTIFIED,
            )
            for name, value in values.items():
                if name not in {"email", "stage"}:
                    setattr(lead, name, value)
            new_leads.append(lead)
            new_links.append(
                CrmLink(
                    kind=CrmLink.Kind.CONTACT,
                    local_id=str(lead.pk),
                    lead=lead,
                    hubspot_id=contact.hubspot_id,
                    dirty=False,
                    status=CrmLink.Status.SYNCED,
                    pulled_at=now,
                    remote_updated_at=contact.modified_at,
                )
            )
            result.created += 1
            continue
        changes: dict[str, dict] = {}
        for name, theirs in values.items():
            ours = getattr(lead, name)
            if _same(ours, theirs):
                continue
            rule = mapping.owner(name)
            if theirs in ("", None):
                if rule != "theirs":
                    push_back.add(lead.pk)
                continue
            if ours in ("", None):
                winner = "theirs"
            else:
                newer = contact.modified_at >= (lead.updated_at or now)
                winner = "theirs" if rule == "theirs" or (rule == "newest" and newer) else "ours"
                conflicts.append(
                    SyncConflict(
                        lead=lead,
                        field=name,
                        ours=str(ours),
                        theirs=str(theirs),
                        winner=winner,
                        rule=rule,
                        source=source,
                    )
                )
            if winner == "theirs":
                if name == "email":
                    if (
                        Lead.all_objects.filter(
                            email_normalized=_normalize_email(theirs), erased_at__isnull=True
                        )
                        .exclude(pk=lead.pk)
                        .exists()
                    ):
                        continue
                    lead.email_normalized = _normalize_email(theirs)
                changes[name] = {"from": ours, "to": theirs}
                setattr(lead, name, theirs)
            else:
                push_back.add(lead.pk)
        if changes:
            fields = [*changes, "updated_at"] + (["email_normalized"] if "email" in changes else [])
            lead.save(update_fields=fields)
            audits.append(
                LeadAudit(lead=lead, action="hubspot_pulled", changes={"source": source, **changes})
            )
            result.updated += 1
        else:
            result.unchanged += 1
        result.lead_ids.append(lead.pk)
        if link is None:
            new_links.append(
                CrmLink(
                    kind=CrmLink.Kind.CONTACT,
                    local_id=str(lead.pk),
                    lead=lead,
                    hubspot_id=contact.hubspot_id,
                    dirty=False,
                    status=CrmLink.Status.SYNCED,
                    pulled_at=now,
                    remote_updated_at=contact.modified_at,
                )
            )
        elif changes or link.remote_updated_at is None:
            link.pulled_at, link.remote_updated_at = now, contact.modified_at
            link.save(update_fields=["pulled_at", "remote_updated_at", "updated_at"])
        else:
            seen_links.append(link.pk)
    CrmLink.objects.filter(pk__in=seen_links).update(pulled_at=now)
    if new_leads:
        Lead.objects.bulk_create(new_leads, batch_size=500)
        audits += [
            LeadAudit(lead=lead, action="created", changes={"source": "hubspot"})
            for lead in new_leads
        ]
        result.lead_ids += [lead.pk for lead in new_leads]
    # A lead pushed before HubSpot answered may already have a row without the id.
    existing = {
        row.local_id: row
        for row in CrmLink.objects.select_for_update().filter(
            kind=CrmLink.Kind.CONTACT, local_id__in=[nl.local_id for nl in new_links]
        )
    }
    to_create = []
    for nl in new_links:
        row = existing.get(nl.local_id)
        if row is None:
            to_create.append(nl)
            continue
        row.hubspot_id, row.pulled_at, row.remote_updated_at = (
            nl.hubspot_id,
            now,
            nl.remote_updated_at,
        )
        row.save(update_fields=["hubspot_id", "pulled_at", "remote_updated_at", "updated_at"])
    CrmLink.objects.bulk_create(to_create, batch_size=1000)
    LeadAudit.objects.bulk_create(audits, batch_size=1000)
    SyncConflict.objects.bulk_create(conflicts)
    result.conflicts = len(conflicts)
    for lead_id in push_back:
        contact_mark_dirty(lead_id=lead_id)
    return result


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if value in (None, ""):
        return timezone.now()
    text = str(value)
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _remote(obj: Any) -> RemoteContact:
    props = dict(obj.properties or {})
    modified = props.get("lastmodifieddate") or obj.updated_at
    return RemoteContact(
        hubspot_id=str(obj.id), properties=props, modified_at=_parse_time(modified)
    )


def _remote_json(obj: dict[str, Any]) -> RemoteContact:
    props = dict(obj.get("properties") or {})
    modified = props.get("lastmodifieddate") or obj.get("updatedAt")
    return RemoteContact(
        hubspot_id=str(obj["id"]), properties=props, modified_at=_parse_time(modified)
    )


def _page(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[list[RemoteContact], str]:
    """One page through the SDK (its auth, retries, error handling), read as plain JSON:
    building the SDK's model objects costs more than the rest of the sync per contact."""
    raw = call(fn, *args, _preload_content=False, **kwargs)
    data = json.loads(raw.data)
    after = ((data.get("paging") or {}).get("next") or {}).get("after") or ""
    return [_remote_json(obj) for obj in data.get("results") or []], str(after)


def _pages_all() -> Iterator[list[RemoteContact]]:
    api = client()
    after = None
    while True:
        contacts, after = _page(
            api.crm.contacts.basic_api.get_page,
            limit=BATCH,
            after=after,
            properties=mapping.PROPERTIES,
            archived=False,
        )
        yield contacts
        if not after:
            return


def _pages_modified_since(since: datetime) -> Iterator[list[RemoteContact]]:
    from hubspot.crm.contacts import Filter, FilterGroup, PublicObjectSearchRequest

    api = client()
    after = None
    while True:
        request = PublicObjectSearchRequest(
            filter_groups=[
                FilterGroup(
                    filters=[
                        Filter(
                            property_name="lastmodifieddate",
                            operator="GT",
                            value=str(int(since.timestamp() * 1000)),
                        )
                    ]
                )
            ],
            sorts=["lastmodifieddate"],
            properties=mapping.PROPERTIES,
            limit=BATCH,
            after=after,
        )
        contacts, after = _page(api.crm.contacts.search_api.do_search, request)
        yield contacts
        if not after:
            return


def contacts_pull(*, full: bool, progress: Callable[[int], None] | None = None) -> ApplyResult:
    """Pull HubSpot's contacts (all of them, or those modified since the last pull) and apply
    them page by page; the cursor moves only after a page is applied."""
    cursor, _ = SyncCursor.objects.get_or_create(name=PULL_CURSOR)
    pages: Iterable[list[RemoteContact]] = (
        _pages_all() if full or cursor.value is None else _pages_modified_since(cursor.value)
    )
    total = ApplyResult()
    latest = cursor.value
    for page in pages:
        part = contacts_apply(contacts=page, source="full" if full else "pull")
        for name in ("created", "updated", "unchanged", "skipped", "conflicts"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        if page:
            newest = max(c.modified_at for c in page)
            latest = max(latest, newest) if latest else newest
            if not full:
                SyncCursor.objects.filter(pk=cursor.pk).update(value=latest)
        if progress:
            progress(len(page))
    if latest:
        SyncCursor.objects.filter(pk=cursor.pk).update(value=latest)
    return total


# --- deletions and erasures ---------------------------------------------------------------


def contact_deleted_remotely(*, hubspot_id: str) -> bool:
    """The contact was deleted in HubSpot: soft-delete the lead here (restorable, like a
    staff delete)."""
    from leads.services import lead_soft_delete  # TODO(facade): leads.facade

    with transaction.atomic():
        link = (
            CrmLink.objects.select_for_update(of=("self",))
            .filter(kind=CrmLink.Kind.CONTACT, hubspot_id=hubspot_id)
            .select_related("lead")
            .first()
        )
        if link is None or link.lead is None:
            return False
        CrmLink.objects.filter(pk=link.pk).update(status=CrmLink.Status.DELETED, dirty=False)
        lead_soft_delete(lead=link.lead, actor=None)
    return True


def contact_erased_remotely(*, hubspot_id: str) -> bool:
    """HubSpot GDPR-deleted the contact: erase the person here too (their address is
    suppressed so no import brings it back)."""
    from privacy.models import DeletionLog
    from privacy.services import lead_erase  # TODO(facade): privacy.facade

    link = (
        CrmLink.objects.filter(kind=CrmLink.Kind.CONTACT, hubspot_id=hubspot_id)
        .select_related("lead")
        .first()
    )
    if link is None or link.lead is None:
        return False
    CrmLink.objects.filter(pk=link.pk).update(status=CrmLink.Status.DELETED, dirty=False)
    lead_erase(
        lead=link.lead, method=DeletionLog.Method.STAFF, verified_by="hubspot:privacyDeletion"
    )
    return True


def erasure_requested(*, lead_ids: Iterable[Any]) -> int:
    """Privacy is erasing these leads (inside its transaction, before the rows go): queue
    the GDPR delete of their HubSpot contacts. Returns how many were queued."""
    from integrations import tasks
    from integrations.queue import enqueue

    remote_ids = list(
        CrmLink.objects.filter(kind=CrmLink.Kind.CONTACT, lead_id__in=list(lead_ids))
        .exclude(hubspot_id="")
        .exclude(status=CrmLink.Status.DELETED)
        .values_list("hubspot_id", flat=True)
    )
    RemoteErasure.objects.bulk_create(
        [RemoteErasure(service=RemoteErasure.Service.HUBSPOT, remote_id=r) for r in remote_ids]
    )
    if remote_ids:
        enqueue(tasks.remote_erasures)
    return len(remote_ids)


def contact_gdpr_delete(*, hubspot_id: str) -> None:
    """HubSpot's GDPR delete of one contact (404: already gone, which is what we want)."""
    from hubspot.crm.contacts import PublicGdprDeleteInput

    try:
        call(
            client().crm.contacts.basic_api.purge,
            PublicGdprDeleteInput(object_id=hubspot_id),
        )
    except HubSpotRefused as exc:
        if exc.status != 404:
            raise
