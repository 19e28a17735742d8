import {
  createPool,
  createTestDatabase,
  freeText,
  fuzzRequests,
  hostileBody,
  hostileId,
  hostileQuery,
  hostileString,
  newTally,
  plainText,
  recordFuzzReport,
  type FuzzTally,
  type TestDatabase,
} from '@ventas/service-kit';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from './app';
import { populate } from './db/populate';
import { testConfig } from './__fixtures__/test-config';

/**
 * Property tests: thousands of generated requests (valid, near-valid and hostile) on every route, through inject
 * into the real app on a real PostgreSQL. No answer may be a 5xx; afterwards the service is still ready, and the
 * data is exactly what the accepted requests made it (a model kept from the 2xx answers is compared with the rows).
 */
describe('catalogo-service under generated requests (PostgreSQL)', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  const tallies: Record<string, FuzzTally> = {};
  // The model: stock taken by accepted reservations and sales, products and sales the service acknowledged.
  const reserved = new Map<number, number>();
  const createdProducts = new Map<number, Record<string, unknown>>();
  const createdSales = new Map<string, Record<string, unknown>>();
  let before: Map<number, Record<string, unknown>>;

  beforeAll(async () => {
    database = await createTestDatabase('catalogo_fuzz');
    const pool = createPool(database.url);
    await populate(pool).finally(() => pool.end());
    app = buildApp(testConfig(database.url));
    await app.ready();
    before = await products();
  });

  afterAll(async () => {
    recordFuzzReport('catalogo-service', tallies);
    await app?.close();
    await database?.drop();
  });

  async function products(): Promise<Map<number, Record<string, unknown>>> {
    const { rows } = await app.db.query(
      'SELECT id, sku, name, description, price::text, stock, category_id FROM products ORDER BY id',
    );
    return new Map(rows.map((row) => [row.id as number, row]));
  }

  const take = (productId: number, quantity: number) =>
    reserved.set(productId, (reserved.get(productId) ?? 0) + quantity);

  async function fuzz(
    route: string,
    requests: fc.Arbitrary<InjectOptions>,
    numRuns: number,
    onResponse?: Parameters<typeof fuzzRequests>[3]['onResponse'],
  ) {
    tallies[route] = newTally();
    await fuzzRequests(app, requests, tallies[route], { numRuns, onResponse });
  }

  const productId = fc.integer({ min: 1, max: 16 });
  const line = fc.record({ productId, quantity: fc.integer({ min: 1, max: 3 }) });

  it('GET /api/products: filters and pagination', async () => {
    const query = hostileQuery({
      category: fc.constantFrom('bebidas', 'lacteos', 'nope', 'Bebidas'),
      categoryId: fc.integer({ min: 0, max: 7 }).map(String),
      q: hostileString(),
      minPrice: fc.constantFrom('0', '1.5', '1e309', '-1'),
      maxPrice: fc.constantFrom('2', '1e309', '1000001'),
      inStock: fc.constantFrom('true', 'false', '1', 'yes'),
      sort: fc.constantFrom('id', 'name', 'price', '-price', 'random'),
      limit: fc.constantFrom('1', '100', '101', '0'),
      offset: fc.constantFrom('0', '5', '1e309', '2147483648'),
    });
    await fuzz(
      'GET /api/products',
      query.map((q) => ({ method: 'GET', url: `/api/products${q}` })),
      900,
    );
  });

  it('GET /api/products/:id and /api/categories', async () => {
    const requests = fc.oneof(
      hostileId().map((id) => ({ method: 'GET' as const, url: `/api/products/${id}` })),
      hostileQuery({}).map((q) => ({ method: 'GET' as const, url: `/api/categories${q}` })),
    );
    await fuzz('GET /api/products/:id, /api/categories', requests, 500);
  });

  it('POST /api/products', async () => {
    const valid = fc.record({
      sku: fc.stringMatching(/^FZ-[A-Z0-9]{3,10}$/),
      name: plainText(60),
      description: freeText(100),
      categoryId: fc.integer({ min: 1, max: 6 }),
      price: fc.integer({ min: 0, max: 100_000_000 }).map((cents) => cents / 100),
      stock: fc.integer({ min: 0, max: 1000 }),
    });
    await fuzz(
      'POST /api/products',
      hostileBody(valid).map((body) => ({ method: 'POST', url: '/api/products', ...body })),
      600,
      (_request, response) => {
        if (response.statusCode === 201) {
          const product = response.json() as Record<string, unknown>;
          createdProducts.set(product['id'] as number, product);
        }
      },
    );
  });

  it('POST /api/products/reservations (references repeat, so retries and conflicts happen)', async () => {
    const valid = fc.record({
      items: fc.array(line, { minLength: 1, maxLength: 3 }),
      reference: fc
        .constantFrom('fz-1', 'fz-2', 'fz-3')
        .chain((prefix) => fc.nat(30).map((n) => `${prefix}-${n}`)),
    });
    await fuzz(
      'POST /api/products/reservations',
      hostileBody(valid).map((body) => ({ method: 'POST', url: '/api/products/reservations', ...body })),
      600,
      (_request, response) => {
        if (response.statusCode === 201) {
          for (const item of (response.json() as { items: Array<{ productId: number; quantity: number }> })
            .items) {
            take(item.productId, item.quantity);
          }
        }
      },
    );
  });

  it('POST /api/sales and GET /api/sales/:id (keys repeat with other bodies: replays and 409s happen)', async () => {
    const saleLine = fc.record({
      productId,
      sku: fc.constant('FZ-1'),
      name: plainText(20),
      unitPrice: fc.integer({ min: 0, max: 10_000 }).map((cents) => cents / 100),
      quantity: fc.integer({ min: 1, max: 2 }),
      lineTotal: fc.integer({ min: 0, max: 20_000 }).map((cents) => cents / 100),
    });
    const valid = fc.record({
      idempotencyKey: fc.integer({ min: 1, max: 60 }).map((n) => `fuzz-key-${n}`),
      fingerprint: fc.constantFrom('a', 'b').map((c) => c.repeat(64)),
      customerId: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
      lines: fc.array(saleLine, { minLength: 1, maxLength: 3 }),
      subtotal: fc.constant(1),
      tax: fc.constant(0.19),
      total: fc.constant(1.19),
    });
    const requests = fc.oneof(
      {
        weight: 4,
        arbitrary: hostileBody(valid).map((body) => ({
          method: 'POST' as const,
          url: '/api/sales',
          ...body,
        })),
      },
      {
        weight: 1,
        arbitrary: fc
          .oneof(hostileId(), fc.uuid())
          .map((id) => ({ method: 'GET' as const, url: `/api/sales/${id}` })),
      },
    );
    await fuzz('POST /api/sales, GET /api/sales/:id', requests, 600, (request, response) => {
      if (request.method === 'POST' && response.statusCode === 201) {
        const sale = response.json() as { id: string; lines: Array<{ productId: number; quantity: number }> };
        createdSales.set(sale.id, sale);
        // Lines of one product are merged by the reservation.
        for (const item of sale.lines) take(item.productId, item.quantity);
      }
    });
  });

  it('is still ready, and the data is what the accepted requests made it', async () => {
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    const after = await products();
    for (const [id, row] of before) {
      expect(after.get(id)).toEqual({ ...row, stock: (row['stock'] as number) - (reserved.get(id) ?? 0) });
    }
    for (const [id, product] of createdProducts) {
      const stored = (await app.inject({ url: `/api/products/${id}` })).json();
      expect({ ...stored, updatedAt: undefined }).toEqual({
        ...product,
        stock: (product['stock'] as number) - (reserved.get(id) ?? 0),
        updatedAt: undefined,
      });
    }
    expect(after.size).toBe(before.size + createdProducts.size);
    for (const [id, sale] of createdSales) {
      const stored = (await app.inject({ url: `/api/sales/${id}` })).json();
      expect({ ...stored, event: undefined }).toEqual({ ...sale, event: undefined });
    }
    const counts = await app.db.query(
      `SELECT (SELECT count(*)::int FROM sales) AS sales, (SELECT count(*)::int FROM outbox_events) AS events`,
    );
    expect(counts.rows[0]).toEqual({ sales: createdSales.size, events: createdSales.size });
    // The generator did reach past validation: accepted writes happened and moved stock.
    expect(createdProducts.size).toBeGreaterThan(0);
    expect(createdSales.size).toBeGreaterThan(0);
    expect(reserved.size).toBeGreaterThan(0);
  });
});
