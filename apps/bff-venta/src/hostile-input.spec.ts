import { bffFuzzSuite, hostile } from '@ventas/service-kit';
import fc from 'fast-check';
import { join } from 'node:path';
import { buildApp } from './app';

/**
 * Property tests: thousands of generated requests (valid, near-valid and hostile) on every route of the BFF,
 * through inject, over a real catalogo-service and PostgreSQL. No answer may be a 5xx (502/504 included: the
 * upstream must never be handed something it chokes on); afterwards the BFF is still ready and the stock is
 * exactly what the accepted sales left (replays of a key took nothing).
 */
describe('bff-venta under generated requests (real catalogo-service)', () => {
  const suite = bffFuzzSuite('bff-venta', {
    upstreamSrc: join(__dirname, '../../catalogo-service/src'),
    upstreamHealthPath: '/health',
    buildApp: (upstreamUrl) =>
      buildApp({
        PORT: 0,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        SERVICE_NAME: 'bff-venta',
        SHUTDOWN_TIMEOUT_MS: 1000,
        CATALOGO_SERVICE_URL: upstreamUrl,
        UPSTREAM_TIMEOUT_MS: 3000,
        TAX_RATE: 0.19,
      }),
  });
  const taken = new Map<number, number>();
  let before: Map<number, number>;

  beforeAll(async () => {
    before = await stock();
  });

  async function stock(): Promise<Map<number, number>> {
    const page = (await suite.app.inject({ url: '/api/catalog/products?limit=100' })).json();
    return new Map(page.items.map((p: { id: number; stock: number }) => [p.id, p.stock]));
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

  it('GET /api/catalog/* (relayed)', async () => {
    const requests = fc.oneof(
      hostile.get('/api/catalog/products', {
        category: fc.constantFrom('bebidas', 'nope'),
        categoryId: fc.integer({ min: 0, max: 7 }).map(String),
        q: hostile.string(),
        minPrice: fc.constantFrom('0', '1e309'),
        maxPrice: fc.constantFrom('2', '1e309'),
        inStock: fc.constantFrom('true', 'yes'),
        sort: fc.constantFrom('price', 'random'),
        limit: fc.constantFrom('1', '101'),
        offset: fc.constantFrom('0', '1e309'),
      }),
      hostile.getById('/api/catalog/products'),
      hostile.get('/api/catalog/categories'),
    );
    await suite.fuzz('GET /api/catalog/*', requests, 900);
  });

  it('POST /api/quotes', async () => {
    await suite.fuzz('POST /api/quotes', hostile.post('/api/quotes', basket), 500);
  });

  it('POST /api/sales with and without Idempotency-Key (keys repeat: replays and 409s happen)', async () => {
    const key = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => ({ 'idempotency-key': `fuzz-key-${n}` })),
      },
      { weight: 1, arbitrary: hostile.header(200).map((value) => ({ 'idempotency-key': value })) },
      { weight: 2, arbitrary: fc.constant({}) },
    );
    const sale = basket.map((body) => ({ ...body, customerId: 1 }));
    const requests = fc.tuple(key, hostile.body(sale)).map(([headers, body]) => ({
      method: 'POST' as const,
      url: '/api/sales',
      payload: body.payload,
      headers: { ...body.headers, ...headers },
    }));
    await suite.fuzz('POST /api/sales', requests, 700, (_request, response) => {
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
    await suite.expectStillUp('/ready');
    const after = await stock();
    expect(after).toEqual(new Map([...before].map(([id, units]) => [id, units - (taken.get(id) ?? 0)])));
    const sales = suite.tallies['POST /api/sales'].byStatus;
    expect(sales['201']).toBeGreaterThan(0);
    expect(taken.size).toBeGreaterThan(0);
  });
});
