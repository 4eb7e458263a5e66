# Profile inference moved to the leads app (progressive profiling owns it). State only:
# the table stays where it is and leads.0005 takes the model over under the same name.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tools', '0002_exit_offer_stats_permission'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='InferredLead'),
                migrations.DeleteModel(name='ProfileInference'),
            ],
            database_operations=[],
        ),
    ]
