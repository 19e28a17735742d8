/** The whole schema, idempotent: populate-db runs it on every container start. */
export const SCHEMA_SQL = `
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
CREATE INDEX IF NOT EXISTS customers_last_name_idx ON customers (lower(last_name));
`;
