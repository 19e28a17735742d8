import {
  closedPort,
  createPool,
  createTestDatabase,
  spawnService,
  type ServiceProcess,
  type TestDatabase,
} from '@ventas/service-kit';
import { join } from 'node:path';
import type { Pool } from 'pg';

// The real entry points, bundled as the build target does and run as processes.
const MAIN = join(__dirname, 'main.ts');
const POPULATE = join(__dirname, 'populate-db.ts');

describe('catalogo-service processes', () => {
  let database: TestDatabase;
  let pool: Pool;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('catalogo_main');
    pool = createPool(database.url);
  });

  afterEach(async () => {
    await service?.stop('SIGKILL');
    service = undefined;
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('populate-db: two processes at once migrate and seed once; a third run changes nothing', async () => {
    const env = { DATABASE_URL: database.url.replace('postgresql://', 'postgresql+asyncpg://') };
    const runs = await Promise.all([
      spawnService({ entry: POPULATE, env }),
      spawnService({ entry: POPULATE, env }),
    ]);
    expect(await Promise.all(runs.map((run) => run.exited))).toEqual([0, 0]);
    const populated = runs.map((run) => run.logs().find((line) => line['msg'] === 'database populated'));
    expect(populated.map((line) => line?.['seed']).sort()).toEqual(['already-seeded', 'inserted']);
    const third = await spawnService({ entry: POPULATE, env });
    expect(await third.exited).toBe(0);
    expect(third.logs().find((line) => line['msg'] === 'database populated')).toMatchObject({
      applied: [],
      seed: 'already-seeded',
    });
    const migrations = await pool.query('SELECT id FROM schema_migrations ORDER BY id');
    expect(migrations.rows.map((row) => row.id)).toEqual([
      '0001_initial',
      '0002_reservation_reference_unique',
      '0003_sales_outbox',
    ]);
  });

  it('database down at start: logs every try, then exits 1 with a clear message', async () => {
    const port = await closedPort();
    service = await spawnService({
      entry: MAIN,
      env: {
        DATABASE_URL: `postgresql://ventas:secret@127.0.0.1:${port}/catalogo`,
        DB_CONNECT_ATTEMPTS: '3',
        DB_CONNECT_DELAY_MS: '50',
      },
    });
    expect(await service.exited).toBe(1);
    const tries = service.logs().filter((line) => line['msg'] === 'database connection failed');
    expect(tries.map((line) => line['attempt'])).toEqual([1, 2, 3]);
    // The fatal line goes to stderr, the tries to stdout: two pipes, so their order here is not guaranteed.
    expect(service.logs().filter((line) => line['level'] === 60)).toMatchObject([
      {
        msg: `startup failed: Could not connect to PostgreSQL at postgresql://ventas:***@127.0.0.1:${port}/catalogo after 3 attempts: connect ECONNREFUSED 127.0.0.1:${port}`,
      },
    ]);
    expect(service.output()).not.toContain('secret');
  });

  it('SIGTERM during a request: the request completes, the pool closes, exit 0', async () => {
    service = await spawnService({ entry: MAIN, env: { DATABASE_URL: database.url }, healthPath: '/health' });
    const { rows } = await pool.query<{ id: number }>(`SELECT id FROM products WHERE sku = 'BEB-003'`);
    // Hold the product's row lock so the reservation is still in flight when SIGTERM arrives.
    const blocker = await pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT stock FROM products WHERE id = $1 FOR UPDATE', [rows[0].id]);
      const inFlight = fetch(`${service.url}/api/products/reservations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ productId: rows[0].id, quantity: 1 }] }),
      });
      await service.waitForLog(
        (line) => (line['req'] as { url?: string } | undefined)?.url === '/api/products/reservations',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      service.child.kill('SIGTERM');
      await service.waitForLog((line) => line['msg'] === 'shutting down');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await blocker.query('COMMIT');
      const response = await inFlight;
      expect(response.status).toBe(201);
    } finally {
      blocker.release();
    }
    expect(await service.exited).toBe(0);
    expect(service.logs().map((line) => line['msg'])).toEqual(
      expect.arrayContaining(['shutting down', 'server closed']),
    );
  });
});
