import { withTransaction } from '@ventas/service-kit';
import type { Pool } from 'pg';
import { SCHEMA_SQL } from './schema';
import { SEED_CUSTOMERS } from './seed-data';

// Serialises concurrent runs (two tasks starting together) of the DDL and the seed.
const POPULATE_LOCK = 4_201_002;

export interface PopulateResult {
  customersInserted: number;
}

/**
 * Creates the schema and seeds customers. Idempotent: a customer is inserted only when its email (the natural
 * key) is new, so a second run changes nothing and customers added or edited by users are kept.
 */
export async function populate(pool: Pool): Promise<PopulateResult> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [POPULATE_LOCK]);
    await client.query(SCHEMA_SQL);
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
    return { customersInserted: customers.rowCount ?? 0 };
  });
}
