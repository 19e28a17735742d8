import { migrate, type MigrateResult, type Seed } from '@ventas/service-kit/data';
import type { Pool } from 'pg';
import { MIGRATIONS } from './migrations';
import { SEED_CATEGORIES, SEED_PRODUCTS } from './seed-data';

// Serialises concurrent runs (two tasks starting together) of the migrations and the seed.
const POPULATE_LOCK = 4_201_001;

/** The demo catalogue, inserted once in a database's life (recorded in schema_seeds). */
export const CATALOGUE_SEED: Seed = {
  name: 'catalogue-v1',
  // A database populated by the version that seeded on every start already has its catalogue.
  alreadyPresent: async (client) =>
    ((await client.query('SELECT 1 FROM categories LIMIT 1')).rowCount ?? 0) > 0,
  insert: async (client) => {
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
    return { categories: categories.rowCount ?? 0, products: products.rowCount ?? 0 };
  },
};

/**
 * Applies the pending migrations in order and seeds the catalogue once (see migrate in service-kit). Run on every
 * start by populate-db: a second run changes nothing, and a seed product an operator deleted stays deleted.
 */
export function populate(pool: Pool): Promise<MigrateResult> {
  return migrate(pool, { lockKey: POPULATE_LOCK, migrations: MIGRATIONS, seed: CATALOGUE_SEED });
}
