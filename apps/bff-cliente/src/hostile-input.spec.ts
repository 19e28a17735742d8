import {
  createTestDatabase,
  fuzzRequests,
  hostileBody,
  hostileId,
  hostileQuery,
  hostileString,
  newTally,
  plainText,
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
import { bearer, mintToken, testConfig } from './__fixtures__/tokens';
import { buildApp } from './app';

// The real cliente-service, bundled and run as a process on its own database: no mock of our own services.
const CLIENTE = join(__dirname, '../../cliente-service/src');

/**
 * Property tests: thousands of generated requests (valid, near-valid, hostile, with and without tokens) on every
 * route of the BFF, through inject, over a real cliente-service and PostgreSQL. No answer may be a 5xx (502/504
 * included: the upstream must never be handed something it chokes on); afterwards the BFF is still ready, no
 * profile changed without its owner's token, and changed profiles read back as the last accepted write.
 */
describe('bff-cliente under generated requests (real cliente-service)', () => {
  let database: TestDatabase;
  let cliente: ServiceProcess;
  let app: FastifyInstance;
  const tallies: Record<string, FuzzTally> = {};
  let before: Map<number, unknown>;
  const patched = new Map<number, unknown>();

  beforeAll(async () => {
    database = await createTestDatabase('bff_cliente_fuzz');
    const env = { DATABASE_URL: database.url, LOG_LEVEL: 'warn' };
    const populate = await spawnService({ entry: join(CLIENTE, 'populate-db.ts'), env });
    expect(await populate.exited).toBe(0);
    cliente = await spawnService({ entry: join(CLIENTE, 'main.ts'), env, healthPath: '/api/health' });
    app = buildApp(testConfig(cliente.url));
    await app.ready();
    before = await customers();
  }, 60000);

  afterAll(async () => {
    recordFuzzReport('bff-cliente', tallies);
    await app?.close();
    await cliente?.stop();
    await database?.drop();
  });

  async function customers(): Promise<Map<number, unknown>> {
    const page = (await app.inject({ url: '/api/customers?limit=100' })).json();
    return new Map(page.items.map((customer: { id: number }) => [customer.id, customer]));
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

  // Header values a client can put on the wire (Node refuses the rest before a request exists).
  const headerText = fc
    .string({ unit: 'binary-ascii', maxLength: 300 })
    .filter((text) => /^[\x20-\x7e]*$/.test(text));

  /** Authorization for a profile request on `id`: the owner's token, another's, forged, expired, junk or none. */
  const authorization = (id: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(bearer({ sub: id })) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }).map((sub) => bearer({ sub: String(sub) })) },
      { weight: 1, arbitrary: fc.constant(bearer({ sub: id }, 'forged-key-0123456789abcdef-0123456789')) },
      { weight: 1, arbitrary: fc.constant(bearer({ sub: id, exp: 1 })) },
      {
        weight: 1,
        arbitrary: fc.constant({ authorization: `Bearer ${mintToken({ sub: id }, '', { alg: 'none' })}` }),
      },
      { weight: 1, arbitrary: hostileString().map((sub) => bearer({ sub })) },
      { weight: 1, arbitrary: headerText.map((value) => ({ authorization: value })) },
      { weight: 1, arbitrary: fc.constant({}) },
    );

  it('GET /api/customers and GET /api/customers/:id (relayed)', async () => {
    const requests = fc.oneof(
      hostileQuery({
        q: hostileString(),
        city: fc.constantFrom('Santiago', 'Nowhere'),
        limit: fc.constantFrom('1', '100', '101'),
        offset: fc.constantFrom('0', '1e309', '2147483648'),
      }).map((q) => ({ method: 'GET' as const, url: `/api/customers${q}` })),
      hostileId().map((id) => ({ method: 'GET' as const, url: `/api/customers/${id}` })),
    );
    await fuzz('GET /api/customers, /api/customers/:id', requests, 700);
  });

  it('POST /api/customers (sign-up)', async () => {
    const valid = fc.record({
      email: fc.emailAddress().filter((email) => email.length <= 254),
      firstName: plainText(30),
      lastName: plainText(30),
      phone: fc.option(fc.stringMatching(/^\+?[0-9]{6,12}$/), { nil: null }),
      city: fc.option(plainText(20), { nil: null }),
    });
    await fuzz(
      'POST /api/customers',
      hostileBody(valid).map((body) => ({ method: 'POST', url: '/api/customers', ...body })),
      500,
    );
  });

  it('GET and PATCH /api/profile/:id with every kind of token', async () => {
    const change = fc
      .record({
        firstName: plainText(30),
        lastName: plainText(30),
        phone: fc.constant('+56 9 1234 5678'),
        city: plainText(20),
      })
      .chain((fields) =>
        fc
          .subarray(Object.keys(fields), { minLength: 1 })
          .map((keys) => Object.fromEntries(keys.map((key) => [key, fields[key as keyof typeof fields]]))),
      );
    const id = fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: 1, max: 8 }).map(String) },
      { weight: 1, arbitrary: hostileId() },
    );
    const requests = fc.oneof(
      id.chain((target) =>
        authorization(target).map((headers) => ({
          method: 'GET' as const,
          url: `/api/profile/${target}`,
          headers,
        })),
      ),
      id.chain((target) =>
        fc.tuple(authorization(target), hostileBody(change)).map(([auth, body]) => ({
          method: 'PATCH' as const,
          url: `/api/profile/${target}`,
          payload: body.payload,
          headers: { ...body.headers, ...auth },
        })),
      ),
    );
    await fuzz('GET, PATCH /api/profile/:id', requests, 900, (request, response) => {
      if (request.method === 'PATCH' && response.statusCode === 200) {
        const profile = response.json() as { id: number };
        patched.set(profile.id, profile);
      }
    });
  });

  it('is still ready; only owners changed profiles, and they read back as the last accepted write', async () => {
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
    const after = await customers();
    for (const [id, customer] of before) {
      if (!patched.has(id)) expect(after.get(id)).toEqual(customer);
    }
    for (const [id, profile] of patched) {
      expect(
        (await app.inject({ url: `/api/profile/${id}`, headers: bearer({ sub: String(id) }) })).json(),
      ).toEqual(profile);
    }
    expect(patched.size).toBeGreaterThan(0);
    const statuses = tallies['GET, PATCH /api/profile/:id'].byStatus;
    expect(statuses['401']).toBeGreaterThan(0);
    expect(statuses['403']).toBeGreaterThan(0);
  });
});
