# The content types of the models that moved from tools (0005) follow them, so permissions
# granted on them (to a group or a user) stay granted (as analytics.0005 does for Metric).

from django.db import migrations

MOVED = ("profileinference", "inferredlead")


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED:
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "tools", "leads")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, schema_editor, "leads", "tools")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('leads', '0005_profile_inference_from_tools'),
    ]

    operations = [
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
