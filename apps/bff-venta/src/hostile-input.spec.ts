import {
  createTestDatabase,
  fuzzRequests,
  hostileBody,
  hostileId,
  hostileQuery,
  hostileString,
  newTally,
  recordFuzzReport,
  spawnService,
  type FuzzOptions,
  type FuzzTally,
  type ServiceProcess,
  type TestDatabase,
} from '@ventas/service-kit';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { join } from 'node:path';
import { buildApp } from './app';
import type { Config } from './config';

// The real catalogo-service, bundled and run as a process on its own database: no mock of our own services.
const CATALOGO = join(__dirname, '../../catalogo-service/src');

/**
 * Property tests: thousands of generated requests (valid, near-valid and hostile) on every route of the BFF,
 * through inject, over a real catalogo-service and PostgreSQL. No answer may be a 5xx (502/504 included: the
 * upstream must never be handed something it chokes on); afterwards the BFF is still ready and the stock is
 * exactly what the accepted sales left (replays of a key took nothing).
 */
describe('bff-venta under generated requests (real catalogo-service)', () => {
  let database: TestDatabase;
  let catalogo: ServiceProcess;
  let app: FastifyInstance;
  const tallies: Record<string, FuzzTally> = {};
  const taken = new Map<number, number>();
  let before: Map<number, number>;

  beforeAll(async () => {
    database = await createTestDatabase('bff_venta_fuzz');
    const env = { DATABASE_URL: database.url, LOG_LEVEL: 'warn' };
    const populate = await spawnService({ entry: join(CATALOGO, 'populate-db.ts'), env });
    expect(await populate.exited).toBe(0);
    catalogo = await spawnService({ entry: join(CATALOGO, 'main.ts'), env, healthPath: '/health' });
    const config: Config = {
      PORT: 0,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SERVICE_NAME: 'bff-venta',
      SHUTDOWN_TIMEOUT_MS: 1000,
      CATALOGO_SERVICE_URL: catalogo.url,
      UPSTREAM_TIMEOUT_MS: 3000,
      TAX_RATE: 0.19,
    };
    app = buildApp(config);
    await app.ready();
    before = await stock();
  }, 60000);

  afterAll(async () => {
    recordFuzzReport('bff-venta', tallies);
    await app?.close();
    await catalogo?.stop();
    await database?.drop();
  });

  async function stock(): Promise<Map<number, number>> {
    const page = (await app.inject({ url: '/api/catalog/products?limit=100' })).json();
    return new Map(page.items.map((p: { id: number; stock: number }) => [p.id, p.stock]));
  }

  async function fuzz(
    route: string,
    requests: fc.Arbitrary<InjectOptions>,
    numRuns: number,
    onResponse?: FuzzOptions['onResponse'],
  ) {
    tallies[route] = newTally();
    await fuzzRequests(app, requests, tallies[route], { numRuns, onResponse });
  }

  const basket = fc.record({
    items: fc.array(
      fc.record({ productId: fc.integer({ min: 1, max: 16 }), quantity: fc.integer({ min: 1, max: 3 }) }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
  });
  // Header values a client can put on the wire (Node refuses the rest before a request exists).
  const headerText = fc
    .string({ unit: 'binary-ascii', maxLength: 200 })
    .filter((text) => /^[\x20-\x7e]*$/.test(text));

  it('GET /api/catalog/* (relayed)', async () => {
    const requests = fc.oneof(
      hostileQuery({
        category: fc.constantFrom('bebidas', 'nope'),
        categoryId: fc.integer({ min: 0, max: 7 }).map(String),
        q: hostileString(),
        minPrice: fc.constantFrom('0', '1e309'),
        maxPrice: fc.constantFrom('2', '1e309'),
        inStock: fc.constantFrom('true', 'yes'),
        sort: fc.constantFrom('price', 'random'),
        limit: fc.constantFrom('1', '101'),
        offset: fc.constantFrom('0', '1e309'),
      }).map((q) => ({ method: 'GET' as const, url: `/api/catalog/products${q}` })),
      hostileId().map((id) => ({ method: 'GET' as const, url: `/api/catalog/products/${id}` })),
      hostileQuery({}).map((q) => ({ method: 'GET' as const, url: `/api/catalog/categories${q}` })),
    );
    await fuzz('GET /api/catalog/*', requests, 900);
  });

  it('POST /api/quotes', async () => {
    await fuzz(
      'POST /api/quotes',
      hostileBody(basket).map((body) => ({ method: 'POST', url: '/api/quotes', ...body })),
      500,
    );
  });

  it('POST /api/sales with and without Idempotency-Key (keys repeat: replays and 409s happen)', async () => {
    const key = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => ({ 'idempotency-key': `fuzz-key-${n}` })),
      },
      { weight: 1, arbitrary: headerText.map((value) => ({ 'idempotency-key': value })) },
      { weight: 2, arbitrary: fc.constant({}) },
    );
    const sale = basket.map((body) => ({ ...body, customerId: 1 }));
    const requests = fc.tuple(key, hostileBody(sale)).map(([headers, body]) => ({
      method: 'POST' as const,
      url: '/api/sales',
      payload: body.payload,
      headers: { ...body.headers, ...headers },
    }));
    await fuzz('POST /api/sales', requests, 700, (_request, response) => {
      const replayed = (response as unknown as { headers: Record<string, string> }).headers[
        'idempotent-replayed'
      ];
      if (response.statusCode === 201 && !replayed) {
        for (const line of (response.json() as { lines: Array<{ productId: number; quantity: number }> })
          .lines) {
          taken.set(line.productId, (taken.get(line.productId) ?? 0) + line.quantity);
        }
      }
    });
  });

  it('is still ready, and the stock is what the accepted sales left', async () => {
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
    const after = await stock();
    expect(after).toEqual(new Map([...before].map(([id, units]) => [id, units - (taken.get(id) ?? 0)])));
    const sales = tallies['POST /api/sales'].byStatus;
    expect(sales['201']).toBeGreaterThan(0);
    expect(taken.size).toBeGreaterThan(0);
  });
});
