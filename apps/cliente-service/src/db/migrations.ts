import type { Migration } from '@ventas/service-kit/data';

/**
 * cliente-service's schema, one migration per change, applied in id order by populate-db on every start
 * (recorded in schema_migrations). A released migration is never edited: add the next one.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    // IF NOT EXISTS: databases created before migrations were recorded already hold these.
    id: '0001_initial',
    sql: `
      CREATE TABLE IF NOT EXISTS customers (
        id         SERIAL PRIMARY KEY,
        email      TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
        first_name TEXT NOT NULL,
        last_name  TEXT NOT NULL,
        phone      TEXT,
        city       TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS customers_last_name_idx ON customers (lower(last_name));`,
  },
];
