import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` between BEGIN and COMMIT on one client of the pool. Any error rolls the transaction back and is
 * rethrown (a failed ROLLBACK, e.g. on a broken connection, does not hide it); the client always goes back.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
