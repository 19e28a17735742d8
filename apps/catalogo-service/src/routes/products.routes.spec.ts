import { createTestDatabase, createPool, type TestDatabase } from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildApp } from '../app';
import { populate } from '../db/populate';
import { SEED_PRODUCTS } from '../db/seed-data';
import { testConfig } from '../__fixtures__/test-config';

describe('catalogo-service routes (PostgreSQL)', () => {
  let database: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createTestDatabase('catalogo_routes');
    const pool = createPool(database.url);
    await populate(pool).finally(() => pool.end());
  });

  beforeEach(async () => {
    app = buildApp(testConfig(database.url.replace('postgresql://', 'postgresql+asyncpg://')));
    await app.ready();
  });

  afterEach(() => app?.close());
  afterAll(() => database?.drop());

  const stockOf = async (sku: string) =>
    (
      await app.db.query<{ id: number; stock: number }>('SELECT id, stock FROM products WHERE sku = $1', [
        sku,
      ])
    ).rows[0];

  describe('health', () => {
    it('answers liveness and readiness', async () => {
      expect((await app.inject({ url: '/health' })).json()).toMatchObject({ status: 'ok' });
      const ready = await app.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'up' } } });
    });
  });

  describe('listing', () => {
    it('lists categories with product counts', async () => {
      const response = await app.inject({ url: '/api/categories' });
      expect(response.json().items).toEqual(
        expect.arrayContaining([
          { id: expect.any(Number), slug: 'bebidas', name: 'Bebidas', productCount: 3 },
        ]),
      );
    });

    it('paginates', async () => {
      const first = (await app.inject({ url: '/api/products?limit=5' })).json();
      const second = (await app.inject({ url: '/api/products?limit=5&offset=5' })).json();
      expect(first).toMatchObject({ limit: 5, offset: 0 });
      expect(first.total).toBeGreaterThanOrEqual(SEED_PRODUCTS.length);
      expect(first.items).toHaveLength(5);
      expect(second.items[0].id).toBeGreaterThan(first.items[4].id);
    });

    it('filters by category, price, text and stock', async () => {
      const response = await app.inject({ url: '/api/products?category=lacteos&maxPrice=2&sort=-price' });
      expect(response.json().items.map((p: { sku: string }) => p.sku)).toEqual(['LAC-002', 'LAC-001']);
      const text = await app.inject({ url: '/api/products?q=croissant&inStock=false' });
      expect(text.json()).toMatchObject({ total: 1, items: [{ sku: 'PAN-002', stock: 0, price: 3.1 }] });
    });

    it('rejects bad filters with field errors', async () => {
      const response = await app.inject({ url: '/api/products?limit=0&sort=random&color=red' });
      expect(response.statusCode).toBe(400);
      expect(
        response
          .json()
          .error.fields.map((f: { field: string }) => f.field)
          .sort(),
      ).toEqual(['querystring.color', 'querystring.limit', 'querystring.sort']);
    });
  });

  // Both used to answer 500: the value reached PostgreSQL, which refused it.
  it.each([
    ['/api/products?q=%00', 'querystring.q'],
    ['/api/products?q=a%00b', 'querystring.q'],
    ['/api/products?offset=1e309', 'querystring.offset'],
    ['/api/products?maxPrice=1e309', 'querystring.maxPrice'],
    ['/api/products/1e309', 'params.id'],
  ])('answers 400 naming the field for %s', async (url, field) => {
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.map((f: { field: string }) => f.field)).toEqual([field]);
  });

  describe('get', () => {
    it('returns a product with its category', async () => {
      const { id } = await stockOf('ABA-002');
      const response = await app.inject({ url: `/api/products/${id}` });
      expect(response.json()).toMatchObject({
        id,
        sku: 'ABA-002',
        price: 6.9,
        category: { slug: 'abarrotes' },
      });
    });

    it('answers 404 JSON for a missing product', async () => {
      const response = await app.inject({ url: '/api/products/999999' });
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toEqual({ code: 'NOT_FOUND', message: 'Product 999999 does not exist' });
    });

    it('answers 400 for an id that is not a number', async () => {
      expect((await app.inject({ url: '/api/products/abc' })).statusCode).toBe(400);
    });
  });

  describe('create', () => {
    const valid = { sku: 'NEW-001', name: 'Té verde x20', categoryId: 1, price: 2.5, stock: 12 };

    it('creates a product (201 + Location)', async () => {
      const response = await app.inject({ method: 'POST', url: '/api/products', payload: valid });
      expect(response.statusCode).toBe(201);
      expect(response.headers['location']).toBe(`/api/products/${response.json().id}`);
      expect(response.json()).toMatchObject({
        sku: 'NEW-001',
        name: 'Té verde x20',
        price: 2.5,
        stock: 12,
        description: '',
        category: { id: 1 },
      });
    });

    it('answers 409 on a duplicate SKU', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/products',
        payload: { ...valid, sku: 'BEB-001' },
      });
      expect(response.statusCode).toBe(409);
      expect(response.json().error).toEqual({
        code: 'CONFLICT',
        message: 'A product with SKU BEB-001 already exists',
      });
    });

    it('answers 400 with every field error', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/products',
        payload: { sku: 'bad sku', price: -1, stock: 1.5 },
      });
      expect(response.statusCode).toBe(400);
      expect(
        response
          .json()
          .error.fields.map((f: { field: string }) => f.field)
          .sort(),
      ).toEqual(['body.categoryId', 'body.name', 'body.price', 'body.sku', 'body.stock']);
    });

    it('answers 400 naming categoryId when the category does not exist', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/products',
        payload: { ...valid, sku: 'NEW-002', categoryId: 9999 },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields).toEqual([
        { field: 'body.categoryId', message: 'category 9999 does not exist' },
      ]);
    });
  });

  describe('stock reservations', () => {
    const reserve = (
      items: Array<{ productId: number; quantity: number }>,
      reference: string = randomUUID(),
    ) =>
      app.inject({
        method: 'POST',
        url: '/api/products/reservations',
        payload: { items, reference },
      });

    it('reserves every line and returns what is left', async () => {
      const oil = await stockOf('ABA-002');
      const rice = await stockOf('ABA-001');
      const response = await reserve([
        { productId: oil.id, quantity: 2 },
        { productId: rice.id, quantity: 1 },
        { productId: oil.id, quantity: 1 },
      ]);
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({
        reservationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        items: [
          { productId: rice.id, quantity: 1, remainingStock: rice.stock - 1 },
          { productId: oil.id, quantity: 3, remainingStock: oil.stock - 3 },
        ].sort((a, b) => a.productId - b.productId),
        replayed: false,
      });
    });

    it('is idempotent by reference: a retry answers the first reservation and moves nothing again', async () => {
      const oil = await stockOf('ABA-002');
      const first = await reserve([{ productId: oil.id, quantity: 2 }], 'sale:retry-1');
      const retry = await reserve([{ productId: oil.id, quantity: 2 }], 'sale:retry-1');
      expect(first.statusCode).toBe(201);
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toEqual({
        reservationId: first.json().reservationId,
        items: [{ productId: oil.id, quantity: 2, remainingStock: oil.stock - 2 }],
        replayed: true,
      });
      const other = await reserve([{ productId: oil.id, quantity: 3 }], 'sale:retry-1');
      expect(other.statusCode).toBe(409);
      expect(other.json().error).toMatchObject({
        code: 'REFERENCE_CONFLICT',
        reservationId: first.json().reservationId,
      });
      expect((await stockOf('ABA-002')).stock).toBe(oil.stock - 2);
    });

    it('one reference sent ten times at once reserves once', async () => {
      const rice = await stockOf('ABA-001');
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => reserve([{ productId: rice.id, quantity: 1 }], 'sale:burst')),
      );
      expect(responses.map((r) => r.statusCode).sort()).toEqual([
        200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
      ]);
      expect(new Set(responses.map((r) => r.json().reservationId)).size).toBe(1);
      expect((await stockOf('ABA-001')).stock).toBe(rice.stock - 1);
      const rows = await app.db.query(
        `SELECT count(*)::int AS n FROM stock_reservations WHERE reference = 'sale:burst'`,
      );
      expect(rows.rows[0].n).toBe(1);
    });

    it('answers 409 when one line is short, and reserves nothing', async () => {
      const milk = await stockOf('LAC-001');
      const cheese = await stockOf('LAC-003');
      const response = await reserve([
        { productId: milk.id, quantity: 1 },
        { productId: cheese.id, quantity: cheese.stock + 1 },
      ]);
      expect(response.statusCode).toBe(409);
      expect(response.json().error).toEqual({
        code: 'INSUFFICIENT_STOCK',
        message: 'Not enough stock; nothing was reserved',
        shortages: [{ productId: cheese.id, requested: cheese.stock + 1, available: cheese.stock }],
      });
      expect(await stockOf('LAC-001')).toEqual(milk);
      expect(await stockOf('LAC-003')).toEqual(cheese);
    });

    it('answers 404 naming unknown products, and reserves nothing', async () => {
      const milk = await stockOf('LAC-001');
      const response = await reserve([
        { productId: milk.id, quantity: 1 },
        { productId: 424242, quantity: 1 },
      ]);
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toMatchObject({ code: 'PRODUCT_NOT_FOUND', productIds: [424242] });
      expect(await stockOf('LAC-001')).toEqual(milk);
    });

    it('answers 400 on an empty or malformed reservation', async () => {
      expect((await reserve([])).statusCode).toBe(400);
      expect((await reserve([{ productId: 1, quantity: 0 }])).json().error.fields).toEqual([
        { field: 'body.items.0.quantity', message: 'must be >= 1' },
      ]);
    });

    it('never oversells under concurrent reservations', async () => {
      await app.db.query(`UPDATE products SET stock = 7 WHERE sku = 'LIM-001'`);
      const { id } = await stockOf('LIM-001');
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => reserve([{ productId: id, quantity: 1 }])),
      );
      const codes = responses.map((r) => r.statusCode).sort();
      expect(codes.filter((c) => c === 201)).toHaveLength(7);
      expect(codes.filter((c) => c === 409)).toHaveLength(13);
      expect((await stockOf('LIM-001')).stock).toBe(0);
    });
  });

  describe('database lost after start', () => {
    it('readiness answers 503 naming the database while liveness stays 200', async () => {
      const other = await createTestDatabase('catalogo_lost');
      const lost = buildApp(testConfig(other.url));
      try {
        await lost.ready();
        expect((await lost.inject({ url: '/ready' })).statusCode).toBe(200);
        await other.drop();
        const ready = await lost.inject({ url: '/ready' });
        expect(ready.statusCode).toBe(503);
        expect(ready.json()).toMatchObject({ status: 'unavailable', down: ['database'] });
        expect((await lost.inject({ url: '/health' })).statusCode).toBe(200);
      } finally {
        await lost.close();
        await other.drop();
      }
    });
  });
});
