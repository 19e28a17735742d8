import type { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { createPool } from './pool';
import { withTransaction } from './transaction';

describe('withTransaction (PostgreSQL)', () => {
  let database: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    database = await createTestDatabase('tx');
    pool = createPool(database.url, { max: 1 });
    await pool.query('CREATE TABLE notes (text text NOT NULL)');
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });
  beforeEach(() => pool.query('TRUNCATE notes'));

  const notes = async () =>
    (await pool.query<{ text: string }>('SELECT text FROM notes')).rows.map((r) => r.text);

  it('commits what the work wrote and returns its result', async () => {
    const result = await withTransaction(pool, async (client) => {
      await client.query("INSERT INTO notes VALUES ('kept')");
      return 7;
    });
    expect(result).toBe(7);
    expect(await notes()).toEqual(['kept']);
  });

  it('rolls back everything the work wrote when it throws, and rethrows', async () => {
    await expect(
      withTransaction(pool, async (client) => {
        await client.query("INSERT INTO notes VALUES ('lost')");
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await notes()).toEqual([]);
  });

  it('gives the client back either way (a pool of one still answers)', async () => {
    await withTransaction(pool, async () => undefined);
    await withTransaction(pool, async () => Promise.reject(new Error('x'))).catch(() => undefined);
    expect(pool.idleCount).toBe(1);
    expect(await notes()).toEqual([]);
  });
});
