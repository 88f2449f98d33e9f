"""pg_trgm, the PostgreSQL extension whose indexes serve the review lists' search (migration 021)."""


def trigram_schema(database):
    """The schema holding pg_trgm, which is created in "public" (else the current schema) when the database lacks
    it: an extension is one per database, so it is kept out of the schemas that test runs make and drop, and a
    restore (which copies one schema) finds it there."""
    found = database.execute_sql("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                 "WHERE extname = 'pg_trgm'").fetchone()
    if found:
        return found[0]
    schema = database.execute_sql("SELECT COALESCE((SELECT 'public' FROM pg_namespace WHERE nspname = 'public'), "
                                  "current_schema())").fetchone()[0]
    database.execute_sql(f'CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA "{schema}"')
    return schema
