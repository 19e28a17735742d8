import { createPool, createTestDatabase, type TestDatabase } from '@ventas/service-kit';
import type { Pool } from 'pg';
import { MIGRATIONS } from './migrations';
import { populate } from './populate';
import { SEED_CATEGORIES, SEED_PRODUCTS } from './seed-data';

describe('populate (PostgreSQL)', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase('catalogo_populate');
    pool = createPool(database.url);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const snapshot = async () =>
    (await pool.query('SELECT sku, name, price::text, stock, category_id FROM products ORDER BY sku')).rows;

  it('applies every migration and seeds an empty database', async () => {
    await expect(populate(pool)).resolves.toEqual({
      applied: MIGRATIONS.map((migration) => migration.id),
      seed: 'inserted',
      inserted: { categories: SEED_CATEGORIES.length, products: SEED_PRODUCTS.length },
    });
  });

  it('run again (twice at once) changes nothing, keeps user data, and a deleted seed product stays deleted', async () => {
    await pool.query(
      `INSERT INTO products (sku, name, category_id, price, stock) VALUES ('USR-1', 'Added by a user', 1, 9.99, 3)`,
    );
    await pool.query(`UPDATE products SET stock = 1 WHERE sku = 'BEB-001'`);
    await pool.query(`DELETE FROM products WHERE sku = 'LIM-001'`);
    const before = await snapshot();
    const results = await Promise.all([populate(pool), populate(pool)]);
    expect(results).toEqual([
      { applied: [], seed: 'already-seeded', inserted: {} },
      { applied: [], seed: 'already-seeded', inserted: {} },
    ]);
    expect(await snapshot()).toEqual(before);
    expect(before.map((row) => row.sku)).toContain('USR-1');
    expect(before.map((row) => row.sku)).not.toContain('LIM-001');
    expect(before.find((row) => row.sku === 'BEB-001')?.stock).toBe(1);
  });

  it('upgrades a database populated before migrations were recorded, without re-seeding it', async () => {
    const legacy = await createTestDatabase('catalogo_legacy');
    const legacyPool = createPool(legacy.url);
    try {
      // What the previous populate-db left: the tables (0001) and a seed, minus a product an operator deleted.
      await legacyPool.query(MIGRATIONS[0].sql);
      await legacyPool.query(`INSERT INTO categories (slug, name) VALUES ('bebidas', 'Bebidas')`);
      await legacyPool.query(
        `INSERT INTO stock_reservations (reference, items) VALUES ('sale:1', '[]'), ('sale:1', '[]')`,
      );
      await expect(populate(legacyPool)).resolves.toEqual({
        applied: MIGRATIONS.map((migration) => migration.id),
        seed: 'adopted',
        inserted: {},
      });
      expect((await legacyPool.query('SELECT count(*)::int AS n FROM products')).rows[0].n).toBe(0);
      const references = await legacyPool.query(
        'SELECT reference FROM stock_reservations ORDER BY reference',
      );
      expect(references.rows[0].reference).toBe('sale:1');
      expect(references.rows[1].reference).toMatch(/^sale:1#[0-9a-f-]{36}$/);
    } finally {
      await legacyPool.end();
      await legacy.drop();
    }
  });
});
