import { closedPort } from '../testing/test-servers';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { connectWithRetry, createPool, type KitLogger } from './pool';

function recorder() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg?: string }> = [];
  const log: KitLogger = {
    info: (obj, msg) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
  return { log, lines };
}

describe('connectWithRetry', () => {
  it('logs every failed try with backoff, then fails naming the database without its password', async () => {
    const port = await closedPort();
    const url = `postgresql+asyncpg://ventas:hunter2@127.0.0.1:${port}/nowhere`;
    const pool = createPool(url);
    const { log, lines } = recorder();
    try {
      await expect(
        connectWithRetry(pool, { attempts: 3, delayMs: 20, log, databaseUrl: url }),
      ).rejects.toThrow(
        `Could not connect to PostgreSQL at postgresql+asyncpg://ventas:***@127.0.0.1:${port}/nowhere after 3 attempts: connect ECONNREFUSED`,
      );
    } finally {
      await pool.end();
    }
    expect(lines.map((l) => [l.level, l.obj['attempt'], l.obj['nextDelayMs']])).toEqual([
      ['warn', 1, 20],
      ['warn', 2, 40],
      ['warn', 3, undefined],
    ]);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  describe('with PostgreSQL', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('kit');
    });
    afterAll(() => database?.drop());

    it('connects on the first try to a real database given as postgres://', async () => {
      const url = database.url.replace(/^postgresql:/, 'postgres:');
      const pool = createPool(url);
      const { log, lines } = recorder();
      try {
        await connectWithRetry(pool, { attempts: 3, delayMs: 20, log, databaseUrl: url });
        const { rows } = await pool.query('SELECT current_database() AS name');
        expect(rows[0].name).toBe(database.name);
      } finally {
        await pool.end();
      }
      expect(lines).toEqual([
        {
          level: 'info',
          obj: expect.objectContaining({ attempt: 1 }),
          msg: 'database connection established',
        },
      ]);
    });
  });
});
