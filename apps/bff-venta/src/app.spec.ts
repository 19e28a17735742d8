import {
  closedPort,
  createPool,
  createTestDatabase,
  startProxy,
  spawnService,
  startSlowServer,
  type ServiceProcess,
  type TestDatabase,
} from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { buildApp } from './app';
import type { Config } from './config';

// The real catalogo-service, bundled and run as a process on its own database: no mock of our own services.
const CATALOGO = join(__dirname, '../../catalogo-service/src');

function testConfig(catalogoUrl: string, extra: Partial<Config> = {}): Config {
  return {
    PORT: 0,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SERVICE_NAME: 'bff-venta',
    SHUTDOWN_TIMEOUT_MS: 1000,
    CATALOGO_SERVICE_URL: catalogoUrl,
    UPSTREAM_TIMEOUT_MS: 2000,
    TAX_RATE: 0.19,
    ...extra,
  };
}

describe('bff-venta over a real catalogo-service', () => {
  let database: TestDatabase;
  let catalogo: ServiceProcess;
  let app: FastifyInstance;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase('bff_venta');
    const env = { DATABASE_URL: database.url };
    const populate = await spawnService({ entry: join(CATALOGO, 'populate-db.ts'), env });
    expect(await populate.exited).toBe(0);
    catalogo = await spawnService({ entry: join(CATALOGO, 'main.ts'), env, healthPath: '/health' });
    pool = createPool(database.url);
  });

  beforeEach(async () => {
    app = buildApp(testConfig(catalogo.url));
    await app.ready();
  });

  afterEach(() => app?.close());

  afterAll(async () => {
    await pool?.end();
    await catalogo?.stop();
    await database?.drop();
  });

  const product = async (sku: string) => {
    const response = await fetch(`${catalogo.url}/api/products?q=${sku}`);
    return ((await response.json()) as { items: Array<{ id: number; stock: number; price: number }> })
      .items[0];
  };

  it('is live and ready while catalogo-service answers', async () => {
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/ready' })).json()).toMatchObject({ status: 'ok', down: [] });
  });

  it('browses the catalogue through catalogo-service, relaying its 400 and 404', async () => {
    const list = await app.inject({ url: '/api/catalog/products?category=bebidas&limit=2' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 3, limit: 2 });
    expect((await app.inject({ url: '/api/catalog/categories' })).json().items).toHaveLength(5);
    expect((await app.inject({ url: '/api/catalog/products?limit=0' })).statusCode).toBe(400);
    const missing = await app.inject({ url: '/api/catalog/products/99999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('quotes a basket with current prices, tax and availability', async () => {
    const water = await product('BEB-001');
    const croissant = await product('PAN-002');
    const response = await app.inject({
      method: 'POST',
      url: '/api/quotes',
      payload: {
        items: [
          { productId: water.id, quantity: 3 },
          { productId: croissant.id, quantity: 1 },
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      subtotal: 5.77,
      tax: 1.1,
      total: 6.87,
      allAvailable: false,
      lines: [
        { sku: 'BEB-001', quantity: 3, lineTotal: 2.67, available: true },
        { sku: 'PAN-002', quantity: 1, lineTotal: 3.1, available: false },
      ],
    });
  });

  it('answers 404 naming unknown products and 400 for a bad basket', async () => {
    const missing = await app.inject({
      method: 'POST',
      url: '/api/quotes',
      payload: { items: [{ productId: 99999, quantity: 1 }] },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'PRODUCT_NOT_FOUND', productIds: [99999] });
    const bad = await app.inject({ method: 'POST', url: '/api/sales', payload: { items: [] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toEqual([
      { field: 'body.items', message: 'must NOT have fewer than 1 items' },
    ]);
  });

  it('makes a sale: reserves the stock and logs the event when no queue is set', async () => {
    const rice = await product('ABA-001');
    const response = await app.inject({
      method: 'POST',
      url: '/api/sales',
      payload: { customerId: 1, items: [{ productId: rice.id, quantity: 2 }] },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      id: expect.any(String),
      reservationId: expect.any(String),
      customerId: 1,
      total: 3.78,
      event: { published: true, via: 'log' },
    });
    expect((await product('ABA-001')).stock).toBe(rice.stock - 2);
  });

  it('reserves every line or none: one short line → 409 and no stock moves', async () => {
    const milk = await product('LAC-001');
    const cheese = await product('LAC-003');
    const response = await app.inject({
      method: 'POST',
      url: '/api/sales',
      payload: {
        items: [
          { productId: milk.id, quantity: 1 },
          { productId: cheese.id, quantity: cheese.stock + 5 },
        ],
      },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'INSUFFICIENT_STOCK',
      shortages: [{ productId: cheese.id, requested: cheese.stock + 5, available: cheese.stock }],
    });
    expect((await product('LAC-001')).stock).toBe(milk.stock);
    expect((await product('LAC-003')).stock).toBe(cheese.stock);
  });

  describe('idempotent sales (Idempotency-Key)', () => {
    const sell = (
      key: string | undefined,
      items: Array<{ productId: number; quantity: number }>,
      target = app,
    ) =>
      target.inject({
        method: 'POST',
        url: '/api/sales',
        headers: key ? { 'idempotency-key': key } : {},
        payload: { customerId: 2, items },
      });
    const salesWithKey = async (key: string) =>
      (await pool.query('SELECT count(*)::int AS n FROM sales WHERE idempotency_key = $1', [key])).rows[0].n;

    it('a retry with the same key answers the same sale and reserves nothing more', async () => {
      const oil = await product('ABA-002');
      const key = `till-7:${randomUUID()}`;
      const first = await sell(key, [{ productId: oil.id, quantity: 2 }]);
      expect(first.statusCode).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const retry = await sell(key, [
        { productId: oil.id, quantity: 1 },
        { productId: oil.id, quantity: 1 },
      ]);
      expect(retry.statusCode).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.json()).toEqual(first.json());
      expect((await product('ABA-002')).stock).toBe(oil.stock - 2);
      expect(await salesWithKey(key)).toBe(1);
    });

    it('the same key with another basket is refused with 409, and nothing moves', async () => {
      const oil = await product('ABA-002');
      const key = `till-7:${randomUUID()}`;
      expect((await sell(key, [{ productId: oil.id, quantity: 1 }])).statusCode).toBe(201);
      const other = await sell(key, [{ productId: oil.id, quantity: 3 }]);
      expect(other.statusCode).toBe(409);
      expect(other.json().error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect((await product('ABA-002')).stock).toBe(oil.stock - 1);
    });

    it('two requests with one key at the same time make one sale', async () => {
      const rice = await product('ABA-001');
      const key = `till-7:${randomUUID()}`;
      const [a, b] = await Promise.all([
        sell(key, [{ productId: rice.id, quantity: 1 }]),
        sell(key, [{ productId: rice.id, quantity: 1 }]),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
      expect(a.json().id).toBe(b.json().id);
      expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']]).toContain('true');
      expect((await product('ABA-001')).stock).toBe(rice.stock - 1);
      expect(await salesWithKey(key)).toBe(1);
    });

    it('retries the sale when catalogo-service answered too late (after committing): one sale, stock taken once', async () => {
      const proxy = await startProxy(catalogo.url);
      // The first POST /api/sales reaches catalogo-service and commits; its answer comes after our deadline.
      proxy.holdNextAnswer((method, path) => method === 'POST' && path === '/api/sales', 2500);
      const slowApp = buildApp(testConfig(proxy.url, { UPSTREAM_TIMEOUT_MS: 800 }));
      try {
        const milk = await product('LAC-001');
        const key = `till-7:${randomUUID()}`;
        const response = await sell(key, [{ productId: milk.id, quantity: 2 }], slowApp);
        expect(response.statusCode).toBe(201);
        expect(response.headers['idempotent-replayed']).toBe('true');
        expect(proxy.seen().filter((call) => call === 'POST /api/sales')).toHaveLength(2);
        expect((await product('LAC-001')).stock).toBe(milk.stock - 2);
        expect(await salesWithKey(key)).toBe(1);
      } finally {
        await slowApp.close();
        await proxy.close();
      }
    });

    it.each([
      ['short', 'abc'],
      ['with a space', 'abc def ghi'],
      ['too long', 'k'.repeat(129)],
    ])('answers 400 naming the header for a key that is %s', async (_case, key) => {
      const response = await sell(key, [{ productId: 1, quantity: 1 }]);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields.map((f: { field: string }) => f.field)).toEqual([
        'headers.idempotency-key',
      ]);
    });
  });

  describe('when catalogo-service is unreachable', () => {
    it('answers 502 JSON when it is down, and readiness 503 names it', async () => {
      const down = buildApp(testConfig(`http://127.0.0.1:${await closedPort()}`));
      try {
        const response = await down.inject({
          method: 'POST',
          url: '/api/sales',
          payload: { items: [{ productId: 1, quantity: 1 }] },
        });
        expect(response.statusCode).toBe(502);
        expect(response.json().error).toMatchObject({
          code: 'UPSTREAM_UNAVAILABLE',
          upstream: 'catalogo-service',
        });
        const ready = await down.inject({ url: '/ready' });
        expect(ready.statusCode).toBe(503);
        expect(ready.json().down).toEqual(['catalogo-service']);
      } finally {
        await down.close();
      }
    });

    it('answers 504 JSON when it is slow, after one retry of the idempotent lookup', async () => {
      const slow = await startSlowServer(10000);
      const slowApp = buildApp(testConfig(slow.url, { UPSTREAM_TIMEOUT_MS: 200 }));
      try {
        const started = Date.now();
        const response = await slowApp.inject({ url: '/api/catalog/products' });
        expect(response.statusCode).toBe(504);
        expect(response.json().error).toMatchObject({
          code: 'UPSTREAM_TIMEOUT',
          upstream: 'catalogo-service',
        });
        // Far below the upstream's 10 s delay: the deadline cut it (slack for a loaded CI box).
        expect(Date.now() - started).toBeLessThan(5000);
        expect(slow.hits()).toBe(2);
      } finally {
        await slowApp.close();
        await slow.close();
      }
    });
  });
});
