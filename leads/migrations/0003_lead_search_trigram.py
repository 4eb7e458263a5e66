"""Trigram indexes for the staff list's ``q`` search (email, name, company substrings).

PostgreSQL only: creates ``pg_trgm`` when the role may (skipped with a notice otherwise,
leaving the search correct but unindexed). Nothing happens on SQLite.
"""

from django.db import migrations

INDEXES = {
    "lead_email_trgm_idx": "email_normalized gin_trgm_ops",
    "lead_name_trgm_idx": "UPPER(name) gin_trgm_ops",
    "lead_company_trgm_idx": "UPPER(company) gin_trgm_ops",
}


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                cursor.execute("SAVEPOINT trgm")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute("RELEASE SAVEPOINT trgm")
            except Exception:  # no privilege: keep the plain (unindexed) search
                cursor.execute("ROLLBACK TO SAVEPOINT trgm")
                return
        for name, expression in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON leads_lead USING gin ({expression})"
            )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("leads", "0002_lead_industry_ci_index")]

    operations = [migrations.RunPython(forwards, backwards)]
