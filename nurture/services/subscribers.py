"""Newsletter subscribers: the signed tokens in confirmation, unsubscribe and preferences
links (and the ``List-Unsubscribe`` headers), and the one subscriber row per address.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db import IntegrityError, transaction

from mail.facade import absolute_url
from nurture.models import (
    Newsletter,
    Subscriber,
)

CONFIRM_SALT = "nurture.newsletter.confirm"
UNSUBSCRIBE_SALT = "nurture.unsubscribe"
PREFERENCES_SALT = "nurture.preferences"
CONFIRM_MAX_AGE = dt.timedelta(days=7)


# --- Newsletter tokens ---------------------------------------------------------------------------


def confirm_token(subscriber: Subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscriber.pk))


def unsubscribe_token(subscriber: Subscriber, newsletter: Newsletter | None = None) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(
        f"{subscriber.pk}:{newsletter.pk if newsletter else 0}"
    )


def preferences_token(subscriber: Subscriber) -> str:
    return signing.Signer(salt=PREFERENCES_SALT).sign(str(subscriber.pk))


def unsubscribe_url(subscriber: Subscriber, newsletter: Newsletter | None = None) -> str:
    return absolute_url(f"/api/newsletter/unsubscribe/{unsubscribe_token(subscriber, newsletter)}")


def preferences_url(subscriber: Subscriber) -> str:
    return absolute_url(f"/newsletter/preferences/{preferences_token(subscriber)}/")


def subscriber_from_confirm_token(token: str) -> Subscriber | None:
    try:
        pk = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=CONFIRM_MAX_AGE.total_seconds()
        )
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=pk).first()


def unsubscribe_target(token: str) -> tuple[Subscriber, Newsletter | None] | None:
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
        sub_pk, _, list_pk = value.partition(":")
    except signing.BadSignature:
        return None
    subscriber = Subscriber.objects.filter(pk=sub_pk).first()
    if subscriber is None:
        return None
    newsletter = Newsletter.objects.filter(pk=list_pk).first() if list_pk != "0" else None
    return subscriber, newsletter


def subscriber_from_preferences_token(token: str) -> Subscriber | None:
    try:
        pk = signing.Signer(salt=PREFERENCES_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=pk).first()


def list_unsubscribe_headers(subscriber: Subscriber, newsletter: Newsletter | None) -> dict:
    """RFC 2369 + RFC 8058 one-click unsubscribe headers."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber, newsletter)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _subscriber_for(email: str) -> Subscriber:
    normalized = email.strip().lower()
    subscriber = Subscriber.objects.select_for_update().filter(email_normalized=normalized).first()
    if subscriber is not None:
        return subscriber
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email.strip(), email_normalized=normalized)
    except IntegrityError:
        return Subscriber.objects.select_for_update().get(email_normalized=normalized)
