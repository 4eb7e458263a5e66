"""The move of Metric (and the sales dashboard's permission) from scoring to analytics keeps
its table and rows, and a group that could open the dashboard still can (issue 12)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("analytics", "0004_ingest_checkpoint"), ("scoring", "0001_initial")]


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """Every app's latest migration: going back to ``BEFORE`` also unapplies other apps'
    migrations that depend on it, and the rest of the suite needs them."""
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_metric_rows_and_the_dashboard_permission_survive_the_move():
    executor = MigrationExecutor(connection)
    latest = _latest(executor)
    old = executor.migrate(BEFORE).apps
    executor.loader.build_graph()

    Lead = old.get_model("leads", "Lead")
    OldMetric = old.get_model("scoring", "Metric")
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    content_type = ContentType.objects.get_or_create(app_label="scoring", model="metric")[0]
    perm = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_sales_dashboard",
        defaults={"name": "Can view the live sales dashboard"},
    )[0]
    group = Group.objects.create(name="Dashboard viewers (migration test)")
    group.permissions.add(perm)
    lead = Lead.objects.create(email="m@example.com", email_normalized="m@example.com")
    from django.utils import timezone

    metric = OldMetric.objects.create(
        kind="conversion", lead=lead, value=12.5, data={"type": "x"}, occurred_at=timezone.now()
    )

    new = MigrationExecutor(connection).migrate(latest).apps

    row = new.get_model("analytics", "Metric").objects.get(pk=metric.pk)
    assert (row.kind, row.lead_id, row.value, row.data) == (
        "conversion",
        lead.pk,
        12.5,
        {"type": "x"},
    )
    with pytest.raises(LookupError):
        new.get_model("scoring", "Metric")
    moved = new.get_model("contenttypes", "ContentType").objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == ("analytics", "metric")
    codes = (
        new.get_model("auth", "Group")
        .objects.get(pk=group.pk)
        .permissions.values_list("content_type__app_label", "codename")
    )
    assert list(codes) == [("analytics", "view_sales_dashboard")]
