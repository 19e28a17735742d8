import { createPool, createTestDatabase, type TestDatabase } from '@ventas/service-kit';
import type { Pool } from 'pg';
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

  it('creates the schema and the seed on an empty database', async () => {
    await expect(populate(pool)).resolves.toEqual({
      categoriesInserted: SEED_CATEGORIES.length,
      productsInserted: SEED_PRODUCTS.length,
    });
  });

  it('run twice leaves the same data', async () => {
    const before = await snapshot();
    await expect(populate(pool)).resolves.toEqual({ categoriesInserted: 0, productsInserted: 0 });
    expect(await snapshot()).toEqual(before);
    expect(before).toHaveLength(SEED_PRODUCTS.length);
  });

  it('keeps what users added or changed', async () => {
    await pool.query(
      `INSERT INTO products (sku, name, category_id, price, stock) VALUES ('USR-1', 'Added by a user', 1, 9.99, 3)`,
    );
    await pool.query(`UPDATE products SET stock = 1 WHERE sku = 'BEB-001'`);
    const before = await snapshot();
    await Promise.all([populate(pool), populate(pool)]);
    expect(await snapshot()).toEqual(before);
    expect(before).toEqual(expect.arrayContaining([expect.objectContaining({ sku: 'USR-1' })]));
    expect(before.find((row) => row.sku === 'BEB-001')?.stock).toBe(1);
  });
});
