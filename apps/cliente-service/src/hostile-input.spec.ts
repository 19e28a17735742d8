import {
  createPool,
  createTestDatabase,
  fuzzRequests,
  hostileBody,
  hostileId,
  hostileQuery,
  hostileString,
  newTally,
  plainText,
  recordFuzzReport,
  type FuzzOptions,
  type FuzzTally,
  type TestDatabase,
} from '@ventas/service-kit';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { testConfig } from './__fixtures__/test-config';
import { buildApp } from './app';
import { populate } from './db/populate';

/**
 * Property tests: thousands of generated requests (valid, near-valid and hostile) on every route, through inject
 * into the real app on a real PostgreSQL. No answer may be a 5xx; afterwards the service is still ready, and
 * every customer reads back exactly as the last accepted write (or the seed) left it.
 */
describe('cliente-service under generated requests (PostgreSQL)', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  const tallies: Record<string, FuzzTally> = {};
  // The model: each customer as the last 2xx answer about a write showed it.
  const expected = new Map<number, Record<string, unknown>>();

  beforeAll(async () => {
    database = await createTestDatabase('cliente_fuzz');
    const pool = createPool(database.url);
    await populate(pool).finally(() => pool.end());
    app = buildApp(testConfig(database.url));
    await app.ready();
    for (const customer of await everyone()) expected.set(customer['id'] as number, customer);
  });

  afterAll(async () => {
    recordFuzzReport('cliente-service', tallies);
    await app?.close();
    await database?.drop();
  });

  async function everyone(): Promise<Array<Record<string, unknown>>> {
    const all: Array<Record<string, unknown>> = [];
    for (let offset = 0; ; offset += 100) {
      const page = (await app.inject({ url: `/api/customers?limit=100&offset=${offset}` })).json();
      all.push(...page.items);
      if (page.items.length < 100) return all;
    }
  }

  async function fuzz(route: string, requests: fc.Arbitrary<InjectOptions>, numRuns: number) {
    tallies[route] = newTally();
    const onResponse: FuzzOptions['onResponse'] = (request, response) => {
      const isWrite = request.method === 'POST' || request.method === 'PATCH';
      if (isWrite && response.statusCode < 300) {
        const customer = response.json() as Record<string, unknown>;
        expected.set(customer['id'] as number, customer);
      }
    };
    await fuzzRequests(app, requests, tallies[route], { numRuns, onResponse });
  }

  const valid = fc.record({
    email: fc.emailAddress().filter((email) => email.length <= 254),
    firstName: plainText(30),
    lastName: plainText(30),
    phone: fc.option(fc.stringMatching(/^\+?[0-9]{6,12}$/), { nil: null }),
    city: fc.option(plainText(20), { nil: null }),
  });

  it('GET /api/customers: search and pagination', async () => {
    const query = hostileQuery({
      q: hostileString(),
      city: fc.constantFrom('Santiago', 'santiago', 'Nowhere'),
      limit: fc.constantFrom('1', '100', '101', '0'),
      offset: fc.constantFrom('0', '3', '1e309', '2147483648'),
    });
    await fuzz(
      'GET /api/customers',
      query.map((q) => ({ method: 'GET', url: `/api/customers${q}` })),
      800,
    );
  });

  it('GET /api/customers/:id and the health paths', async () => {
    const requests = fc.oneof(
      hostileId().map((id) => ({ method: 'GET' as const, url: `/api/customers/${id}` })),
      fc
        .constantFrom('/api/health', '/api/cliente/health', '/api/ready', '/api/cliente/ready')
        .chain((path) => hostileQuery({}).map((q) => ({ method: 'GET' as const, url: `${path}${q}` }))),
    );
    await fuzz('GET /api/customers/:id, health', requests, 500);
  });

  it('POST /api/customers', async () => {
    await fuzz(
      'POST /api/customers',
      hostileBody(valid).map((body) => ({ method: 'POST', url: '/api/customers', ...body })),
      800,
    );
  });

  it('PATCH /api/customers/:id', async () => {
    const partial = valid.chain((customer) =>
      fc
        .subarray(Object.keys(customer), { minLength: 1 })
        .map((keys) => Object.fromEntries(keys.map((key) => [key, customer[key as keyof typeof customer]]))),
    );
    const requests = fc
      .tuple(
        fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }).map(String) },
          { weight: 1, arbitrary: hostileId() },
        ),
        hostileBody(partial),
      )
      .map(([id, body]) => ({ method: 'PATCH' as const, url: `/api/customers/${id}`, ...body }));
    await fuzz('PATCH /api/customers/:id', requests, 800);
  });

  it('is still ready, and every customer reads back as the last accepted write left it', async () => {
    expect((await app.inject({ url: '/api/ready' })).statusCode).toBe(200);
    const stored = await everyone();
    expect(new Map(stored.map((customer) => [customer['id'] as number, customer]))).toEqual(expected);
    // The generator did reach past validation: customers were created and changed.
    const created = Object.values(tallies['POST /api/customers'].byStatus);
    expect(created.length).toBeGreaterThan(1);
    expect(tallies['POST /api/customers'].byStatus['201']).toBeGreaterThan(0);
    expect(tallies['PATCH /api/customers/:id'].byStatus['200']).toBeGreaterThan(0);
  });
});
