"""The move of ProfileInference (and the InferredLead proxy) from tools to leads keeps its
table and rows, and a permission granted on it stays granted (issue 12)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("leads", "0004_identity_levels"), ("tools", "0002_exit_offer_stats_permission")]


@pytest.mark.django_db(transaction=True)
def test_inference_rows_and_their_permissions_survive_the_move():
    executor = MigrationExecutor(connection)
    # every app's latest: going back to BEFORE also unapplies predictions' migrations that
    # depend on leads, and the rest of the suite needs them
    latest = executor.loader.graph.leaf_nodes()
    old = executor.migrate(BEFORE).apps
    executor.loader.build_graph()

    Lead = old.get_model("leads", "Lead")
    OldInference = old.get_model("tools", "ProfileInference")
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    content_type = ContentType.objects.get_or_create(app_label="tools", model="profileinference")[0]
    perm = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_profileinference",
        defaults={"name": "Can view profile inference"},
    )[0]
    group = Group.objects.create(name="Inference readers (migration test)")
    group.permissions.add(perm)
    lead = Lead.objects.create(email="i@example.com", email_normalized="i@example.com")
    row = OldInference.objects.create(
        lead=lead, field="industry", value="fintech", confidence=0.85, applied=True
    )

    new = MigrationExecutor(connection).migrate(latest).apps

    moved_row = new.get_model("leads", "ProfileInference").objects.get(pk=row.pk)
    assert (moved_row.lead_id, moved_row.field, moved_row.value, moved_row.applied) == (
        lead.pk,
        "industry",
        "fintech",
        True,
    )
    with pytest.raises(LookupError):
        new.get_model("tools", "ProfileInference")
    moved = new.get_model("contenttypes", "ContentType").objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == ("leads", "profileinference")
    codes = set(
        new.get_model("auth", "Group")
        .objects.get(pk=group.pk)
        .permissions.values_list("content_type__app_label", "codename")
    )
    assert codes == {("leads", "view_profileinference")}
