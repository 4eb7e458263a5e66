"""Pulling HubSpot's changes: pages of contacts (all, or modified since the cursor) applied
to leads field by field, newest change wins, conflicts kept for a person to resolve.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from integrations.hubspot import mapping
from integrations.hubspot.client import call, client
from integrations.hubspot.sync.push import (
    BATCH,
    _lead_model,
    _normalize_email,
    contact_mark_dirty,
)
from integrations.models import CrmLink, SyncConflict, SyncCursor

PULL_CURSOR = "hubspot.contacts.modified"

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


def _email_taken(Lead: Any, email: str, lead_id: Any) -> bool:  # noqa: N803
    """Another live lead already has this address (a pulled email change is then skipped)."""
    return (
        Lead.all_objects.filter(email_normalized=_normalize_email(email), erased_at__isnull=True)
        .exclude(pk=lead_id)
        .exists()
    )


def _same(a: Any, b: Any) -> bool:
    return str(a if a is not None else "").strip() == str(b if b is not None else "").strip()


@transaction.atomic
def contacts_apply(*, contacts: list[RemoteContact], source: str) -> ApplyResult:
    """Apply HubSpot's version of these contacts to our leads, field by field according to
    ownership; conflicts are logged; contacts we do not know become leads (unless their
    address was erased here)."""
    from privacy.facade import suppressed_emails

    Lead = _lead_model()  # noqa: N806
    from leads.facade import LeadNew, lead_fields_pulled, leads_create_from

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
    suppressed = suppressed_emails(emails=emails)
    now = timezone.now()
    new_leads: list[LeadNew] = []
    new_links: list[CrmLink] = []
    conflicts: list[SyncConflict] = []
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
                or email in suppressed
                or email in {_normalize_email(n.email) for n in new_leads}
            ):
                result.skipped += 1
                continue
            new = LeadNew(
                id=uuid.uuid4(),
                email=contact.properties.get("email").strip(),
                source="hubspot",
                stage=values.get("stage") or Lead.Stage.IDENTIFIED,
                fields={k: v for k, v in values.items() if k not in {"email", "stage"}},
            )
            new_leads.append(new)
            new_links.append(
                CrmLink(
                    kind=CrmLink.Kind.CONTACT,
                    local_id=str(new.id),
                    lead_id=new.id,
                    hubspot_id=contact.hubspot_id,
                    dirty=False,
                    status=CrmLink.Status.SYNCED,
                    pulled_at=now,
                    remote_updated_at=contact.modified_at,
                )
            )
            result.created += 1
            continue
        changes: dict[str, Any] = {}
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
                if name == "email" and _email_taken(Lead, theirs, lead.pk):
                    continue
                changes[name] = theirs
            else:
                push_back.add(lead.pk)
        if changes:
            lead_fields_pulled(
                lead=lead, changes=changes, source=source, action="hubspot_pulled", actor=None
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
        result.lead_ids += leads_create_from(leads=new_leads, actor=None)
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
