import { createPool, createTestDatabase, type TestDatabase } from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import { testConfig } from '../__fixtures__/test-config';
import { buildApp } from '../app';
import { populate } from '../db/populate';

describe('cliente-service routes (PostgreSQL)', () => {
  let database: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createTestDatabase('cliente_routes');
    const pool = createPool(database.url);
    await populate(pool).finally(() => pool.end());
  });

  beforeEach(async () => {
    app = buildApp(testConfig(database.url));
    await app.ready();
  });

  afterEach(() => app?.close());
  afterAll(() => database?.drop());

  it.each(['/api/health', '/api/cliente/health'])('%s answers 200', async (url) => {
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok' });
  });

  it('is ready when the database answers', async () => {
    const response = await app.inject({ url: '/api/cliente/ready' });
    expect(response.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'up' } } });
  });

  it('lists with search and pagination', async () => {
    const page = (await app.inject({ url: '/api/customers?limit=3&offset=1' })).json();
    expect(page).toMatchObject({ limit: 3, offset: 1 });
    expect(page.items).toHaveLength(3);
    const santiago = (await app.inject({ url: '/api/customers?city=santiago' })).json();
    expect(santiago.total).toBe(3);
    const search = (await app.inject({ url: '/api/customers?q=ROJAS' })).json();
    expect(search.items.map((c: { email: string }) => c.email)).toEqual(['ana.rojas@example.com']);
  });

  it('gets a customer, 404 JSON when missing', async () => {
    const ok = await app.inject({ url: '/api/customers/1' });
    expect(ok.json()).toMatchObject({ id: 1, email: 'maria.gonzalez@example.com', firstName: 'María' });
    const missing = await app.inject({ url: '/api/customers/99999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toEqual({ code: 'NOT_FOUND', message: 'Customer 99999 does not exist' });
  });

  it('creates a customer with a lower-cased email', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/customers',
      payload: { email: 'Sofia.Perez@Example.com', firstName: 'Sofía', lastName: 'Pérez', city: 'Talca' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ email: 'sofia.perez@example.com', phone: null, city: 'Talca' });
    expect(response.headers['location']).toBe(`/api/customers/${response.json().id}`);
  });

  it('answers 409 on a duplicate email, whatever its case', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/customers',
      payload: { email: 'ANA.ROJAS@example.com', firstName: 'Ana', lastName: 'Otra' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toEqual({
      code: 'CONFLICT',
      message: 'A customer with email ana.rojas@example.com already exists',
    });
  });

  it('answers 400 with field errors', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/customers',
      payload: { email: 'not-an-email', lastName: '', phone: 'call me' },
    });
    expect(response.statusCode).toBe(400);
    expect(
      response
        .json()
        .error.fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['body.email', 'body.firstName', 'body.lastName', 'body.phone']);
  });

  it('updates only the fields given', async () => {
    const response = await app.inject({
      method: 'PATCH',
      url: '/api/customers/2',
      payload: { phone: '+56 2 2345 6789' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: 2,
      email: 'jose.munoz@example.com',
      phone: '+56 2 2345 6789',
    });
    expect(response.json().updatedAt > response.json().createdAt).toBe(true);
  });

  it.each([
    [{ email: 'maria.gonzalez@example.com' }, '/api/customers/3', 409],
    [{ city: 'Arica' }, '/api/customers/99999', 404],
    [{}, '/api/customers/3', 400],
    [{ nickname: 'x' }, '/api/customers/3', 400],
  ])('PATCH %j %s → %i', async (payload, url, status) => {
    expect((await app.inject({ method: 'PATCH', url, payload })).statusCode).toBe(status);
  });
});
