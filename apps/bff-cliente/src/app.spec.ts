import {
  closedPort,
  createTestDatabase,
  spawnService,
  startSlowServer,
  type ServiceProcess,
  type TestDatabase,
} from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { buildApp } from './app';
import { bearer, mintToken, testConfig } from './__fixtures__/tokens';

// The real cliente-service, bundled and run as a process on its own database: no mock of our own services.
const CLIENTE = join(__dirname, '../../cliente-service/src');

describe('bff-cliente over a real cliente-service', () => {
  let database: TestDatabase;
  let cliente: ServiceProcess;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createTestDatabase('bff_cliente');
    const env = { DATABASE_URL: database.url };
    const populate = await spawnService({ entry: join(CLIENTE, 'populate-db.ts'), env });
    expect(await populate.exited).toBe(0);
    cliente = await spawnService({ entry: join(CLIENTE, 'main.ts'), env, healthPath: '/api/health' });
  });

  beforeEach(async () => {
    app = buildApp(testConfig(cliente.url));
    await app.ready();
  });

  afterEach(() => app?.close());

  afterAll(async () => {
    await cliente?.stop();
    await database?.drop();
  });

  it('is live and ready while cliente-service answers', async () => {
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    const ready = await app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks['cliente-service'].status).toBe('up');
  });

  it('lists customers with the query passed through', async () => {
    const response = await app.inject({ url: '/api/customers?city=Santiago&limit=2' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ total: 3, limit: 2 });
    expect(response.json().items).toHaveLength(2);
  });

  it('composes a profile from cliente-service', async () => {
    const response = await app.inject({
      url: '/api/profile/1',
      headers: { 'x-request-id': 'trace-1', ...bearer({ sub: '1' }) },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: 1,
      fullName: 'María González',
      initials: 'MG',
      completeness: 100,
      contact: { city: 'Santiago' },
    });
    expect(response.headers['x-request-id']).toBe('trace-1');
    // The request id travelled to cliente-service's logs (read from its stdout pipe, so it may arrive after
    // the response: waitForLog rejects when it never comes).
    await expect(cliente.waitForLog((line) => line['requestId'] === 'trace-1', 5000)).resolves.toMatchObject({
      requestId: 'trace-1',
    });
  });

  it('relays 404 JSON for a missing customer', async () => {
    for (const url of ['/api/profile/99999', '/api/customers/99999']) {
      const response = await app.inject({ url, headers: bearer({ sub: '99999' }) });
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toEqual({ code: 'NOT_FOUND', message: 'Customer 99999 does not exist' });
    }
  });

  it('signs a customer up, then relays 409 for the same email and 400 field errors', async () => {
    const payload = { email: 'tomas.vera@example.com', firstName: 'Tomás', lastName: 'Vera' };
    const created = await app.inject({ method: 'POST', url: '/api/customers', payload });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      fullName: 'Tomás Vera',
      completeness: 0,
      missingFields: ['phone', 'city'],
    });
    const duplicate = await app.inject({ method: 'POST', url: '/api/customers', payload });
    expect(duplicate.statusCode).toBe(409);
    const invalid = await app.inject({ method: 'POST', url: '/api/customers', payload: { email: 'x' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['body.email', 'body.firstName']),
    );
  });

  it('updates the profile and returns it composed', async () => {
    const response = await app.inject({
      method: 'PATCH',
      url: '/api/profile/5',
      headers: bearer({ sub: '5' }),
      payload: { city: null },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: 5, contact: { city: null }, missingFields: ['city'] });
    const forbidden = await app.inject({
      method: 'PATCH',
      url: '/api/profile/5',
      headers: bearer({ sub: '5' }),
      payload: { email: 'a@b.cl' },
    });
    expect(forbidden.statusCode).toBe(400);
  });

  describe("profile routes need the customer's bearer token", () => {
    const now = Math.floor(Date.now() / 1000);

    it.each([
      ['no Authorization header', {}],
      ['a token signed with another key', bearer({ sub: '1' }, 'another-key-0123456789abcdef-0123456789')],
      ['an expired token', bearer({ sub: '1', exp: now - 60 })],
      ['a token not valid yet', bearer({ sub: '1', nbf: now + 3600 })],
      [
        'an unsigned token (alg none)',
        { authorization: `Bearer ${mintToken({ sub: '1' }, '', { alg: 'none' })}` },
      ],
      ['a token without sub', bearer({ name: 'María' })],
      ['a numeric sub', bearer({ sub: 1 })],
      ['a Basic header', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['a malformed bearer', { authorization: 'Bearer not.a.jwt' }],
      ['an empty bearer', { authorization: 'Bearer ' }],
    ])('answers 401 JSON to %s, before calling cliente-service', async (_case, headers) => {
      for (const request of [
        { method: 'GET' as const, url: '/api/profile/1' },
        { method: 'PATCH' as const, url: '/api/profile/1', payload: { city: 'Arica' } },
      ]) {
        const response = await app.inject({ ...request, headers: headers as Record<string, string> });
        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer');
        expect(response.json().error.code).toBe('UNAUTHORIZED');
      }
      const profile = await app.inject({ url: '/api/profile/1', headers: bearer({ sub: '1' }) });
      expect(profile.json().contact.city).toBe('Santiago');
    });

    it("answers 403 for another customer's profile, and changes nothing", async () => {
      const read = await app.inject({ url: '/api/profile/1', headers: bearer({ sub: '2' }) });
      expect(read.statusCode).toBe(403);
      expect(read.json().error).toEqual({
        code: 'FORBIDDEN',
        message: 'A customer may only see and change their own profile',
      });
      const write = await app.inject({
        method: 'PATCH',
        url: '/api/profile/1',
        headers: bearer({ sub: '2', exp: now + 600 }),
        payload: { city: 'Arica' },
      });
      expect(write.statusCode).toBe(403);
      const own = await app.inject({ url: '/api/profile/1', headers: bearer({ sub: '1', exp: now + 600 }) });
      expect(own.statusCode).toBe(200);
      expect(own.json()).toMatchObject({ id: 1, fullName: 'María González', contact: { city: 'Santiago' } });
    });
  });

  describe('when cliente-service is unreachable', () => {
    it('answers 502 JSON when it is down, and readiness 503 names it', async () => {
      const down = buildApp(testConfig(`http://127.0.0.1:${await closedPort()}`));
      try {
        const response = await down.inject({ url: '/api/profile/1', headers: bearer({ sub: '1' }) });
        expect(response.statusCode).toBe(502);
        expect(response.json().error).toMatchObject({
          code: 'UPSTREAM_UNAVAILABLE',
          upstream: 'cliente-service',
        });
        const ready = await down.inject({ url: '/ready' });
        expect(ready.statusCode).toBe(503);
        expect(ready.json().down).toEqual(['cliente-service']);
      } finally {
        await down.close();
      }
    });

    it('answers 504 JSON when it is slow, without hanging', async () => {
      const slow = await startSlowServer(10000);
      const app = buildApp(testConfig(slow.url, 200));
      try {
        const started = Date.now();
        const response = await app.inject({
          method: 'POST',
          url: '/api/customers',
          payload: { email: 'a@b.cl', firstName: 'Ana', lastName: 'Rojas' },
        });
        expect(response.statusCode).toBe(504);
        expect(response.json().error).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
        // Far below the upstream's 10 s delay: the deadline cut it (slack for a loaded CI box).
        expect(Date.now() - started).toBeLessThan(5000);
        expect(slow.hits()).toBe(1);
      } finally {
        await app.close();
        await slow.close();
      }
    });
  });
});
