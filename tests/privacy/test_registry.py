"""The personal-data registry: no model can be forgotten by export or erasure."""

from __future__ import annotations

import json

import pytest
from django.db import models
from django.test.utils import isolate_apps

from privacy.registry import (
    ANONYMISE,
    DELETE,
    active_entries,
    declaration_problems,
    looks_personal,
    uncovered_models,
)
from tests.privacy.seeding import seed_entry


def test_every_model_that_looks_personal_is_declared_or_allowed():
    missing = uncovered_models()
    assert missing == {}, (
        "These models look like they hold personal data; declare them in "
        f"privacy/registry/tables.py REGISTRY (or NON_PERSONAL with a reason): {missing}"
    )


def test_declarations_match_the_models():
    assert declaration_problems() == []


@isolate_apps("privacy")
def test_the_coverage_check_catches_an_undeclared_model():
    class Ticket(models.Model):  # noqa: DJ008
        lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE)

        class Meta:
            app_label = "privacy"

    class Note(models.Model):  # noqa: DJ008
        contact_email = models.EmailField()

        class Meta:
            app_label = "privacy"

    class Counter(models.Model):  # noqa: DJ008
        hits = models.IntegerField()

        class Meta:
            app_label = "privacy"

    assert looks_personal(Counter) == []
    found = uncovered_models([Ticket, Note, Counter])
    assert set(found) == {"privacy.Ticket", "privacy.Note"}


@pytest.mark.django_db
def test_export_link_contains_every_registry_model(client, person, request_link):
    seeded = {}
    for entry, model in active_entries():
        seeded[entry.label] = seed_entry(entry, model, person)
    link = request_link(person.email, "export")
    document = json.loads(client.post(link, {"format": "json"}).content)
    labels = {entry.label for entry, _ in active_entries()}
    assert labels <= set(document["data"]), labels - set(document["data"])
    empty = sorted(label for label in labels if not document["data"][label])
    assert empty == [], f"export misses rows of {empty}"
    for label, obj in seeded.items():
        if obj is not None:
            ids = {str(row.get("id")) for row in document["data"][label]}
            assert str(obj.pk) in ids, label
    # covers the list explicitly (when those apps exist in this build)
    for label in ("leads.Lead", "leads.Visitor", "leads.ConsentRecord", "analytics.Interaction"):
        assert document["data"][label]


@pytest.mark.django_db
def test_registry_actions_are_known():
    for entry, _model in active_entries():
        assert entry.erase in (DELETE, ANONYMISE), entry.label
