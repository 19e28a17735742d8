import type { Migration } from '@ventas/service-kit/data';

/**
 * catalogo-service's schema, one migration per change, applied in id order by populate-db on every start
 * (recorded in schema_migrations). A released migration is never edited: add the next one.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    // IF NOT EXISTS: databases created before migrations were recorded already hold these tables.
    id: '0001_initial',
    sql: `
      CREATE TABLE IF NOT EXISTS categories (
        id         SERIAL PRIMARY KEY,
        slug       TEXT NOT NULL UNIQUE,
        name       TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE TABLE IF NOT EXISTS products (
        id          SERIAL PRIMARY KEY,
        sku         TEXT NOT NULL UNIQUE,
        name        TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        category_id INTEGER NOT NULL REFERENCES categories (id),
        price       NUMERIC(12, 2) NOT NULL CHECK (price >= 0),
        stock       INTEGER NOT NULL CHECK (stock >= 0),
        created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS products_category_id_idx ON products (category_id);
      CREATE TABLE IF NOT EXISTS stock_reservations (
        id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        reference  TEXT,
        items      JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );`,
  },
  {
    // A repeated reservation (a retry) returns the first one. Older duplicates, if any, keep a suffixed reference.
    id: '0002_reservation_reference_unique',
    sql: `
      UPDATE stock_reservations r SET reference = r.reference || '#' || r.id
      WHERE r.reference IS NOT NULL
        AND EXISTS (SELECT 1 FROM stock_reservations o
                    WHERE o.reference = r.reference AND (o.created_at, o.id) < (r.created_at, r.id));
      CREATE UNIQUE INDEX stock_reservations_reference_key ON stock_reservations (reference);`,
  },
  {
    // Sales and their outbox (README: "Sales and events"): written in the reservation's transaction.
    id: '0003_sales_outbox',
    sql: `
      CREATE TABLE sales (
        id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key TEXT NOT NULL UNIQUE,
        fingerprint     TEXT NOT NULL,
        reservation_id  UUID NOT NULL UNIQUE REFERENCES stock_reservations (id),
        customer_id     INTEGER,
        lines           JSONB NOT NULL,
        subtotal        NUMERIC(14, 2) NOT NULL,
        tax             NUMERIC(14, 2) NOT NULL,
        total           NUMERIC(14, 2) NOT NULL,
        created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE TABLE outbox_events (
        id              BIGSERIAL PRIMARY KEY,
        aggregate_id    UUID NOT NULL,
        type            TEXT NOT NULL,
        payload         JSONB NOT NULL,
        created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
        published_at    TIMESTAMPTZ,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        last_error      TEXT
      );
      CREATE INDEX outbox_events_pending_idx ON outbox_events (next_attempt_at, id) WHERE published_at IS NULL;`,
  },
];
