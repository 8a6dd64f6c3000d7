"""French full-text search on PostgreSQL: a trigger keeps ``search_vector`` up to date on
every insert and update (services, bulk_create, admin, other apps alike), and a GIN index
serves the searches. Nothing on SQLite, which searches with LIKE."""

from django.db import migrations

FIELDS_A = ["title", "question"]
FIELDS_B = ["territory", "stakes"]
FIELDS_C = [
    "stakeholders",
    "users_concerned",
    "obstacles",
    "levers",
    "expected_outcome",
    "outcome",
]


def _weighted(fields, weight):
    text = " || ' ' || ".join(f"coalesce(NEW.{f}, '')" for f in fields)
    return f"setweight(to_tsvector('pg_catalog.french', {text}), '{weight}')"


FUNCTION = f"""
CREATE OR REPLACE FUNCTION challenges_challenge_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := {_weighted(FIELDS_A, "A")} || {_weighted(FIELDS_B, "B")}
        || {_weighted(FIELDS_C, "C")};
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""
TRIGGER = f"""
DROP TRIGGER IF EXISTS challenges_challenge_search_vector_trg ON challenges_challenge;
CREATE TRIGGER challenges_challenge_search_vector_trg
    BEFORE INSERT OR UPDATE OF {", ".join(FIELDS_A + FIELDS_B + FIELDS_C)}
    ON challenges_challenge
    FOR EACH ROW EXECUTE FUNCTION challenges_challenge_search_vector();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(TRIGGER)
    schema_editor.execute("UPDATE challenges_challenge SET title = title")  # backfill
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS challenge_search_gin "
        "ON challenges_challenge USING gin (search_vector)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS challenge_search_gin")
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS challenges_challenge_search_vector_trg ON challenges_challenge"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS challenges_challenge_search_vector()")


class Migration(migrations.Migration):
    dependencies = [("challenges", "0003_challenge_form_history_attachments")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
