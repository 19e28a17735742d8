import { freeText, hostile, plainText, serviceFuzzSuite } from '@ventas/service-kit';
import fc from 'fast-check';
import { buildApp } from './app';
import { populate } from './db/populate';
import { testConfig } from './__fixtures__/test-config';

/**
 * Property tests: thousands of generated requests (valid, near-valid and hostile) on every route, through inject
 * into the real app on a real PostgreSQL. No answer may be a 5xx; afterwards the service is still ready, and the
 * data is exactly what the accepted requests made it (a model kept from the 2xx answers is compared with the rows).
 */
describe('catalogo-service under generated requests (PostgreSQL)', () => {
  const suite = serviceFuzzSuite('catalogo-service', {
    populate,
    buildApp: (databaseUrl) => buildApp(testConfig(databaseUrl)),
  });
  // The model: stock taken by accepted reservations and sales, products and sales the service acknowledged.
  const reserved = new Map<number, number>();
  const createdProducts = new Map<number, Record<string, unknown>>();
  const createdSales = new Map<string, Record<string, unknown>>();
  let before: Map<number, Record<string, unknown>>;

  beforeAll(async () => {
    before = await products();
  });

  async function products(): Promise<Map<number, Record<string, unknown>>> {
    const { rows } = await suite.app.db.query(
      'SELECT id, sku, name, description, price::text, stock, category_id FROM products ORDER BY id',
    );
    return new Map(rows.map((row) => [row.id as number, row]));
  }

  const take = (productId: number, quantity: number) =>
    reserved.set(productId, (reserved.get(productId) ?? 0) + quantity);

  const productId = fc.integer({ min: 1, max: 16 });
  const line = fc.record({ productId, quantity: fc.integer({ min: 1, max: 3 }) });

  it('GET /api/products: filters and pagination', async () => {
    const requests = hostile.get('/api/products', {
      category: fc.constantFrom('bebidas', 'lacteos', 'nope', 'Bebidas'),
      categoryId: fc.integer({ min: 0, max: 7 }).map(String),
      q: hostile.string(),
      minPrice: fc.constantFrom('0', '1.5', '1e309', '-1'),
      maxPrice: fc.constantFrom('2', '1e309', '1000001'),
      inStock: fc.constantFrom('true', 'false', '1', 'yes'),
      sort: fc.constantFrom('id', 'name', 'price', '-price', 'random'),
      limit: fc.constantFrom('1', '100', '101', '0'),
      offset: fc.constantFrom('0', '5', '1e309', '2147483648'),
    });
    await suite.fuzz('GET /api/products', requests, 900);
  });

  it('GET /api/products/:id and /api/categories', async () => {
    const requests = fc.oneof(hostile.getById('/api/products'), hostile.get('/api/categories'));
    await suite.fuzz('GET /api/products/:id, /api/categories', requests, 500);
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
    await suite.fuzz(
      'POST /api/products',
      hostile.post('/api/products', valid),
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
    await suite.fuzz(
      'POST /api/products/reservations',
      hostile.post('/api/products/reservations', valid),
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
      { weight: 4, arbitrary: hostile.post('/api/sales', valid) },
      {
        weight: 1,
        arbitrary: fc
          .oneof(hostile.id(), fc.uuid())
          .map((id) => ({ method: 'GET' as const, url: `/api/sales/${id}` })),
      },
    );
    await suite.fuzz('POST /api/sales, GET /api/sales/:id', requests, 600, (request, response) => {
      if (request.method === 'POST' && response.statusCode === 201) {
        const sale = response.json() as { id: string; lines: Array<{ productId: number; quantity: number }> };
        createdSales.set(sale.id, sale);
        // Lines of one product are merged by the reservation.
        for (const item of sale.lines) take(item.productId, item.quantity);
      }
    });
  });

  it('is still ready, and the data is what the accepted requests made it', async () => {
    await suite.expectStillUp('/ready', '/health');
    const after = await products();
    for (const [id, row] of before) {
      expect(after.get(id)).toEqual({ ...row, stock: (row['stock'] as number) - (reserved.get(id) ?? 0) });
    }
    for (const [id, product] of createdProducts) {
      const stored = (await suite.app.inject({ url: `/api/products/${id}` })).json();
      expect({ ...stored, updatedAt: undefined }).toEqual({
        ...product,
        stock: (product['stock'] as number) - (reserved.get(id) ?? 0),
        updatedAt: undefined,
      });
    }
    expect(after.size).toBe(before.size + createdProducts.size);
    for (const [id, sale] of createdSales) {
      const stored = (await suite.app.inject({ url: `/api/sales/${id}` })).json();
      expect({ ...stored, event: undefined }).toEqual({ ...sale, event: undefined });
    }
    const counts = await suite.app.db.query(
      `SELECT (SELECT count(*)::int FROM sales) AS sales, (SELECT count(*)::int FROM outbox_events) AS events`,
    );
    expect(counts.rows[0]).toEqual({ sales: createdSales.size, events: createdSales.size });
    // The generator did reach past validation: accepted writes happened and moved stock.
    expect(createdProducts.size).toBeGreaterThan(0);
    expect(createdSales.size).toBeGreaterThan(0);
    expect(reserved.size).toBeGreaterThan(0);
  });
});
