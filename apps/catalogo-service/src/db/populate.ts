import { withTransaction } from '@ventas/service-kit';
import type { Pool } from 'pg';
import { SCHEMA_SQL } from './schema';
import { SEED_CATEGORIES, SEED_PRODUCTS } from './seed-data';

// Serialises concurrent runs (two tasks starting together) of the DDL and the seed.
const POPULATE_LOCK = 4_201_001;

export interface PopulateResult {
  categoriesInserted: number;
  productsInserted: number;
}

/**
 * Creates the schema and seeds the catalogue. Idempotent: rows are inserted only when their natural key
 * (category slug, product SKU) is new, so a second run changes nothing, and rows users added or changed
 * (stock after sales, new products) are kept.
 */
export async function populate(pool: Pool): Promise<PopulateResult> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [POPULATE_LOCK]);
    await client.query(SCHEMA_SQL);
    const categories = await client.query(
      `INSERT INTO categories (slug, name)
       SELECT slug, name FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS s (slug, name, n) ORDER BY n
       ON CONFLICT (slug) DO NOTHING`,
      [SEED_CATEGORIES.map((c) => c.slug), SEED_CATEGORIES.map((c) => c.name)],
    );
    const products = await client.query(
      `INSERT INTO products (sku, name, description, category_id, price, stock)
       SELECT s.sku, s.name, s.description, c.id, s.price, s.stock
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::int[]) WITH ORDINALITY
         AS s (sku, name, description, category, price, stock, n)
       JOIN categories c ON c.slug = s.category
       ORDER BY s.n
       ON CONFLICT (sku) DO NOTHING`,
      [
        SEED_PRODUCTS.map((p) => p.sku),
        SEED_PRODUCTS.map((p) => p.name),
        SEED_PRODUCTS.map((p) => p.description),
        SEED_PRODUCTS.map((p) => p.category),
        SEED_PRODUCTS.map((p) => p.price),
        SEED_PRODUCTS.map((p) => p.stock),
      ],
    );
    return { categoriesInserted: categories.rowCount ?? 0, productsInserted: products.rowCount ?? 0 };
  });
}
