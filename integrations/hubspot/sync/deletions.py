"""Deletions and GDPR erasures in both directions: a contact deleted or erased in HubSpot,
and our erasures sent to HubSpot's GDPR delete.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from integrations.hubspot.client import HubSpotRefused, call, client
from integrations.models import CrmLink, RemoteErasure

# --- deletions and erasures ---------------------------------------------------------------


def contact_deleted_remotely(*, hubspot_id: str) -> bool:
    """The contact was deleted in HubSpot: soft-delete the lead here (restorable, like a
    staff delete)."""
    from leads.facade import lead_soft_delete

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
    from privacy.facade import lead_erase_by_staff

    link = (
        CrmLink.objects.filter(kind=CrmLink.Kind.CONTACT, hubspot_id=hubspot_id)
        .select_related("lead")
        .first()
    )
    if link is None or link.lead is None:
        return False
    CrmLink.objects.filter(pk=link.pk).update(status=CrmLink.Status.DELETED, dirty=False)
    lead_erase_by_staff(lead=link.lead, verified_by="hubspot:privacyDeletion")
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
