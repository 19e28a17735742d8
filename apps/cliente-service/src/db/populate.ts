import { migrate, type MigrateResult, type Seed } from '@ventas/service-kit/data';
import type { Pool } from 'pg';
import { MIGRATIONS } from './migrations';
import { SEED_CUSTOMERS } from './seed-data';

// Serialises concurrent runs (two tasks starting together) of the migrations and the seed.
const POPULATE_LOCK = 4_201_002;

/** The demo customers, inserted once in a database's life (recorded in schema_seeds). */
export const CUSTOMERS_SEED: Seed = {
  name: 'customers-v1',
  // A database populated by the version that seeded on every start already has its customers.
  alreadyPresent: async (client) =>
    ((await client.query('SELECT 1 FROM customers LIMIT 1')).rowCount ?? 0) > 0,
  insert: async (client) => {
    const customers = await client.query(
      `INSERT INTO customers (email, first_name, last_name, phone, city)
       SELECT email, first_name, last_name, phone, city
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
         AS s (email, first_name, last_name, phone, city, n)
       ORDER BY n
       ON CONFLICT (email) DO NOTHING`,
      [
        SEED_CUSTOMERS.map((c) => c.email),
        SEED_CUSTOMERS.map((c) => c.firstName),
        SEED_CUSTOMERS.map((c) => c.lastName),
        SEED_CUSTOMERS.map((c) => c.phone),
        SEED_CUSTOMERS.map((c) => c.city),
      ],
    );
    return { customers: customers.rowCount ?? 0 };
  },
};

/**
 * Applies the pending migrations in order and seeds customers once (see migrate in service-kit). Run on every
 * start by populate-db: a second run changes nothing, and a seed customer deleted since stays deleted.
 */
export function populate(pool: Pool): Promise<MigrateResult> {
  return migrate(pool, { lockKey: POPULATE_LOCK, migrations: MIGRATIONS, seed: CUSTOMERS_SEED });
}
