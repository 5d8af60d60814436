"""Our task-queue migration holds the schema of the installed procrastinate: a version
bump that changes it fails here until a migration brings its changes."""

import importlib.resources

import psycopg

from vividshift import migrate

CATALOG = {
    "functions": """SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p
                    JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'public' AND p.proname LIKE 'procrastinate%'""",
    "columns": """SELECT table_name || '.' || column_name,
                         concat_ws(' ', data_type, udt_name, is_nullable, column_default)
                  FROM information_schema.columns
                  WHERE table_schema = 'public' AND table_name LIKE 'procrastinate%'""",
    "indexes": """SELECT indexname, indexdef FROM pg_indexes
                  WHERE schemaname = 'public' AND tablename LIKE 'procrastinate%'""",
    "constraints": """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                      WHERE conrelid::regclass::text LIKE 'procrastinate%'""",
    "triggers": """SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
                   WHERE NOT tgisinternal AND tgname LIKE 'procrastinate%'""",
    "types": """SELECT t.typname, coalesce(
                    (SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder)
                     FROM pg_enum WHERE enumtypid = t.oid),
                    (SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ','
                                       ORDER BY attnum)
                     FROM pg_attribute WHERE attrelid = t.typrelid AND attnum > 0))
                FROM pg_type t WHERE t.typname LIKE 'procrastinate%' AND t.typtype IN ('e', 'c')
                  AND NOT EXISTS (SELECT 1 FROM pg_class c
                                  WHERE c.reltype = t.oid AND c.relkind <> 'c')""",
}


def procrastinate_catalog(url: str) -> dict[str, dict[str, str]]:
    with psycopg.connect(url) as conn:
        return {
            kind: dict(conn.execute(query).fetchall())  # type: ignore[arg-type]
            for kind, query in CATALOG.items()
        }


def test_migrated_queue_schema_is_the_installed_procrastinate_schema(
    database_url: str, empty_db_url: str
) -> None:
    schema = importlib.resources.files("procrastinate.sql").joinpath("schema.sql").read_text()
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute(schema)  # type: ignore[arg-type]
    theirs = procrastinate_catalog(empty_db_url)
    ours = procrastinate_catalog(database_url)
    assert len(theirs["functions"]) >= 15 and len(theirs["types"]) == 3
    assert ours == theirs


def test_the_task_queue_revision_is_in_the_one_chain() -> None:
    assert migrate.head_revision() is not None  # exactly one head, or this raises
