import { createPool, createTestDatabase, type TestDatabase } from '@ventas/service-kit';
import type { Pool } from 'pg';
import { populate } from './populate';
import { SEED_CUSTOMERS } from './seed-data';

describe('populate (PostgreSQL)', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase('cliente_populate');
    pool = createPool(database.url);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const snapshot = async () =>
    (await pool.query('SELECT id, email, first_name, last_name, phone, city FROM customers ORDER BY id'))
      .rows;

  it('creates the schema and seeds customers', async () => {
    await expect(populate(pool)).resolves.toEqual({
      applied: ['0001_initial'],
      seed: 'inserted',
      inserted: { customers: SEED_CUSTOMERS.length },
    });
  });

  it('run twice leaves the same data', async () => {
    const before = await snapshot();
    await expect(populate(pool)).resolves.toEqual({ applied: [], seed: 'already-seeded', inserted: {} });
    expect(await snapshot()).toEqual(before);
    expect(before).toHaveLength(SEED_CUSTOMERS.length);
  });

  it('keeps customers users added or edited, and a deleted seed customer stays deleted', async () => {
    await pool.query(`DELETE FROM customers WHERE email = 'jose.munoz@example.com'`);
    await pool.query(
      `INSERT INTO customers (email, first_name, last_name) VALUES ('new.user@example.com', 'Nuevo', 'Usuario')`,
    );
    await pool.query(`UPDATE customers SET city = 'Arica' WHERE email = 'maria.gonzalez@example.com'`);
    const before = await snapshot();
    const results = await Promise.all([populate(pool), populate(pool)]);
    expect(results.map((result) => result.seed)).toEqual(['already-seeded', 'already-seeded']);
    expect(await snapshot()).toEqual(before);
    expect(before.find((row) => row.email === 'maria.gonzalez@example.com')?.city).toBe('Arica');
    expect(before.some((row) => row.email === 'new.user@example.com')).toBe(true);
    expect(before.some((row) => row.email === 'jose.munoz@example.com')).toBe(false);
  });
});
