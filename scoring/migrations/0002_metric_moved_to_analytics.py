# The custom metrics moved to analytics (issue 12); the table stays (analytics 0005).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0005_metric'),
        ('scoring', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='Metric')],
        ),
    ]
