# Profile inference moved here from the tools app. State only: the table keeps its name
# (tools_profileinference) and its rows; tools.0003 gave up the model.

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0004_identity_levels'),
        ('tools', '0003_move_profile_inference_to_leads'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ProfileInference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('field', models.CharField(max_length=30)),
                        ('value', models.CharField(max_length=100)),
                        ('confidence', models.FloatField()),
                        ('applied', models.BooleanField(default=False)),
                        ('method', models.CharField(default='rules', max_length=10)),
                        ('evidence', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('lead', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='leads.lead')),
                    ],
                    options={
                        'db_table': 'tools_profileinference',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['lead', 'field'], name='inference_lead_field_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='InferredLead',
                    fields=[],
                    options={
                        'verbose_name': 'lead with inferred data',
                        'verbose_name_plural': 'leads with inferred data',
                        'proxy': True,
                        'indexes': [],
                        'constraints': [],
                    },
                    bases=('leads.lead',),
                    managers=[
                        ('objects', django.db.models.manager.Manager()),
                        ('all_objects', django.db.models.manager.Manager()),
                    ],
                ),
            ],
            database_operations=[],
        ),
    ]
