"""The move of OutboundEmail from nurture to mail keeps its table and rows: a database with
emails (and deliveries pointing at them) migrated across the move still has every row,
under the mail app, with the same ids, tokens and links; permissions follow the model."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("nurture", "0004_issue_delivery_plural"), ("mail", None)]


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """Every app's latest migration: going back to ``BEFORE`` also unapplies other apps'
    migrations that depend on it, and the rest of the suite needs them."""
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_rows_survive_the_move_to_the_mail_app():
    executor = MigrationExecutor(connection)
    latest = _latest(executor)
    old = executor.migrate(BEFORE).apps  # the state (and schema) before the move
    executor.loader.build_graph()

    Lead = old.get_model("leads", "Lead")
    Email = old.get_model("nurture", "OutboundEmail")
    Newsletter = old.get_model("nurture", "Newsletter")
    NewsletterIssue = old.get_model("nurture", "NewsletterIssue")
    Subscriber = old.get_model("nurture", "Subscriber")
    IssueDelivery = old.get_model("nurture", "IssueDelivery")
    ContentType = old.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.get_or_create(app_label="nurture", model="outboundemail")[0]
    lead = Lead.objects.create(email="old@example.com", email_normalized="old@example.com")
    token = uuid.uuid4()
    email = Email.objects.create(
        token=token, template="welcome", to_email=lead.email, lead=lead, subject="Hi",
        body_text="Body", status="sent", open_count=3,
    )  # fmt: skip
    newsletter = Newsletter.objects.create(slug="n", name="N", frequency="weekly")
    issue = NewsletterIssue.objects.create(newsletter=newsletter, subject="Issue 1")
    subscriber = Subscriber.objects.create(email=lead.email, email_normalized=lead.email)
    delivery = IssueDelivery.objects.create(issue=issue, subscriber=subscriber, email=email)

    executor = MigrationExecutor(connection)
    new = executor.migrate(latest).apps

    Moved = new.get_model("mail", "OutboundEmail")
    row = Moved.objects.get(pk=email.pk)
    assert (row.token, row.to_email, row.lead_id, row.subject, row.status, row.open_count) == (
        token, "old@example.com", lead.pk, "Hi", "sent", 3
    )  # fmt: skip
    assert row.key is None  # the column added after the move
    assert new.get_model("nurture", "IssueDelivery").objects.get(pk=delivery.pk).email_id == row.pk
    moved_type = new.get_model("contenttypes", "ContentType").objects.get(pk=content_type.pk)
    assert (moved_type.app_label, moved_type.model) == ("mail", "outboundemail")
    with pytest.raises(LookupError):
        new.get_model("nurture", "OutboundEmail")
