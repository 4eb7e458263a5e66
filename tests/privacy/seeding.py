"""Seed one row of every registry model for a person, generically.

A model added to the registry later is seeded with no test change: required fields get a
value of their type, foreign keys a freshly seeded parent, the path to the lead/visitor is
followed hop by hop, and text fields that may hold personal data get the person's name,
phone and email (so the erasure test can prove they are gone). Models that cannot be
reached through a lead, visitor or email field have a seeder in ``SPECIAL``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from privacy.registry import ANONYMISE, PersonalData

_counter = itertools.count(1)


def _needle_text(person) -> str:
    return f"{person.name} {person.phone} {person.email}"


def _plain_value(f: models.Field, person):
    from wagtail.fields import StreamField

    if isinstance(f, StreamField):
        return []
    if f.choices:
        return f.flatchoices[0][0]
    if isinstance(f, models.EmailField):
        return person.email
    if isinstance(f, models.UUIDField):
        return uuid.uuid4()
    if isinstance(f, models.URLField):
        return "https://example.com/seed"
    if isinstance(f, models.GenericIPAddressField):
        return "203.0.0.0"
    if isinstance(f, models.SlugField):
        return f"seed-{next(_counter)}"
    if isinstance(f, models.CharField | models.TextField):
        value = f"seed-{next(_counter)}"
        return value[: f.max_length] if f.max_length else value
    if isinstance(f, models.JSONField):
        return {}
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.DecimalField):
        return Decimal("1")
    if isinstance(f, models.IntegerField | models.FloatField):
        return 1
    if isinstance(f, models.DateTimeField):
        return timezone.now()
    if isinstance(f, models.DateField):
        return timezone.now().date()
    if isinstance(f, models.TimeField):
        return dt.time(10, 0)
    if isinstance(f, models.DurationField):
        return dt.timedelta(minutes=1)
    if isinstance(f, models.BinaryField):
        return b""
    raise NotImplementedError(f"no seed value for {f.model._meta.label}.{f.name}")


def _personal_value(f: models.Field, person):
    """A value carrying the person's identifiers, or None if the field cannot hold it."""
    text = _needle_text(person)
    if f.choices or isinstance(f, models.EmailField | models.URLField | models.SlugField):
        return None
    if isinstance(f, models.JSONField):
        return {"note": text}
    if isinstance(f, models.TextField):
        return text
    if isinstance(f, models.CharField) and (f.max_length or 0) >= len(text):
        return text
    return None


def related_instance(model: type[models.Model], person):
    label = model._meta.label
    if label == "leads.Lead":
        return person.lead
    if label == "leads.Visitor":
        return person.visitor
    if model is get_user_model():
        n = next(_counter)
        return model.objects.create(username=f"seed-user-{n}", email=f"staff{n}@ementech.test")
    from wagtail.models import Page

    if issubclass(model, Page):
        root = Page.get_first_root_node()
        n = next(_counter)
        page = model(**_fill(model, person, {"title": f"Seed page {n}", "slug": f"seed-{n}"}))
        root.add_child(instance=page)
        return page
    return create(model, person, {})


def _fill(model: type[models.Model], person, overrides: dict) -> dict:
    kwargs = dict(overrides)
    from wagtail.models import Page

    page_fields = {f.name for f in Page._meta.concrete_fields} if issubclass(model, Page) else set()
    for f in model._meta.concrete_fields:
        if f.name in kwargs or f.attname in kwargs or f.name in page_fields:
            continue
        if f.primary_key or f.auto_created:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if f.null or f.has_default():
            continue
        if f.is_relation:
            kwargs[f.name] = related_instance(f.related_model, person)
        elif f.blank and isinstance(f, models.CharField | models.TextField):
            continue
        else:
            kwargs[f.name] = _plain_value(f, person)
    return kwargs


def create(model: type[models.Model], person, overrides: dict) -> models.Model:
    obj = model(**_fill(model, person, overrides))
    obj.save()
    return obj


def _link(model: type[models.Model], path: str, target) -> dict:
    first, _, rest = path.partition("__")
    if not rest:
        return {first: target}
    parent_model = model._meta.get_field(first).related_model
    parent = create(parent_model, _person_of(target), _link(parent_model, rest, target))
    return {first: parent}


_PERSON = {}


def _person_of(_target):
    return _PERSON["current"]


def _log_entry(entry, model, person):
    from django.contrib.admin.models import CHANGE
    from django.contrib.contenttypes.models import ContentType

    return model.objects.create(
        user=related_instance(get_user_model(), person),
        content_type=ContentType.objects.get_for_model(person.lead),
        object_id=str(person.lead.pk),
        object_repr=person.lead.email,
        action_flag=CHANGE,
        change_message=f"Changed name to {person.name}, phone {person.phone}",
    )


def _form_submission(entry, model, person):
    from wagtail.models import Page

    return model.objects.create(
        page=Page.get_first_root_node(),
        form_data={"email": person.email, "name": person.name, "phone": person.phone},
    )


def _data_request(entry, model, person):
    from privacy.hashing import email_hash

    return model.objects.create(
        kind="export", email_hash=email_hash(person.email), lead_id=person.lead.pk
    )


def _attendance_import(entry, model, person):
    overrides = {
        "unmatched": [
            {"email": person.email, "name": person.name, "phone": person.phone},
            {"email": "someone-else@example.org", "name": "Other Person"},
        ]
    }
    return create(model, person, overrides)


SPECIAL = {
    "admin.LogEntry": _log_entry,
    "wagtailforms.FormSubmission": _form_submission,
    "privacy.DataRequest": _data_request,
    "events.AttendanceImport": _attendance_import,
}


def seed_entry(entry: PersonalData, model: type[models.Model], person) -> models.Model | None:
    """One row of ``model`` that the registry entry finds for ``person``."""
    _PERSON["current"] = person
    if entry.label in SPECIAL:
        return SPECIAL[entry.label](entry, model, person)
    overrides: dict = {}
    if entry.lead == "pk" or entry.visitor == "pk":
        return None  # the person's own lead / visitor rows already exist
    if entry.lead:
        overrides = _link(model, entry.lead, person.lead)
    elif entry.visitor:
        overrides = _link(model, entry.visitor, person.visitor)
    elif entry.email:
        overrides = {entry.email: person.email}
    else:
        raise NotImplementedError(f"add a seeder for {entry.label} in tests/privacy/seeding.py")
    # Put the person's identifiers into the text fields erasure must clear.
    for f in model._meta.concrete_fields:
        if f.name in overrides or f.primary_key or f.is_relation:
            continue
        if entry.erase == ANONYMISE and f.name not in entry.personal:
            continue
        value = _personal_value(f, person)
        if value is not None:
            overrides[f.name] = value
    return create(model, person, overrides)
