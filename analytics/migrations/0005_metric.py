# The custom metrics and the sales dashboard's permission move from scoring (issue 12).

import django.db.models.deletion
from django.db import migrations, models


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=new, model="metric").exists():
        types.filter(app_label=old, model="metric").update(app_label=new)


def move_content_type(apps, schema_editor):
    _relabel(apps, schema_editor, "scoring", "analytics")


def move_content_type_back(apps, schema_editor):
    _relabel(apps, schema_editor, "analytics", "scoring")


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0004_ingest_checkpoint'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('leads', '0004_identity_levels'),
        ('scoring', '0001_initial'),
    ]

    operations = [
        # The model moves from scoring; its table (scoring_metric) and rows stay.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Metric',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('lead_captured', 'Lead captured'), ('conversion', 'Conversion'), ('ai_satisfaction', 'AI satisfaction')], max_length=30)),
                        ('value', models.FloatField(blank=True, null=True)),
                        ('data', models.JSONField(blank=True, default=dict)),
                        ('occurred_at', models.DateTimeField()),
                        ('lead', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='leads.lead')),
                    ],
                    options={
                        'db_table': 'scoring_metric',
                        'ordering': ['-occurred_at', '-id'],
                        'permissions': [('view_sales_dashboard', 'Can view the live sales dashboard')],
                        'indexes': [models.Index(fields=['kind', 'occurred_at'], name='metric_kind_time_idx')],
                    },
                ),
            ],
        ),
        # The dashboard permission (and view/add/change/delete_metric) keeps its rows, so
        # groups and users that had it keep it; admin log entries follow too.
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
