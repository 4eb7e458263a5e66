"""django-waffle creates its default ``waffle_flag`` tables even when ``WAFFLE_FLAG_MODEL``
points elsewhere (here ``experiments.Flag``). Nothing uses them, but their foreign keys to
``auth_user`` and ``auth_group`` make PostgreSQL refuse to TRUNCATE those tables (Django's
flush between transactional tests, ``manage.py flush``). Drop those two foreign keys; the
unused tables stay so waffle's own later migrations still apply."""

from django.db import migrations

SQL = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN
    SELECT conname, conrelid::regclass AS tbl FROM pg_constraint
    WHERE contype = 'f'
      AND conrelid IN ('waffle_flag_users'::regclass, 'waffle_flag_groups'::regclass)
      AND confrelid IN ('auth_user'::regclass, 'auth_group'::regclass)
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
  END LOOP;
END $$;
"""


def unlink(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(SQL)  # no parameters: the % signs are PL/pgSQL's


class Migration(migrations.Migration):
    dependencies = [
        ("experiments", "0002_flag"),
        ("waffle", "0004_update_everyone_nullbooleanfield"),
    ]

    operations = [migrations.RunPython(unlink, migrations.RunPython.noop)]
