"""The GIN index of the French full-text search, on PostgreSQL only (SQLite searches with
LIKE and has no tsvector)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS challenge_search_gin "
        "ON challenges_challenge USING gin (search_vector)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS challenge_search_gin")


class Migration(migrations.Migration):
    dependencies = [("challenges", "0003_challenge_form_history_attachments")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
