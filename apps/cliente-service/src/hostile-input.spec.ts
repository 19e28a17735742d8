import { hostile, plainText, serviceFuzzSuite, someFields, type FuzzOptions } from '@ventas/service-kit';
import fc from 'fast-check';
import { testConfig } from './__fixtures__/test-config';
import { buildApp } from './app';
import { populate } from './db/populate';

/**
 * Property tests: thousands of generated requests (valid, near-valid and hostile) on every route, through inject
 * into the real app on a real PostgreSQL. No answer may be a 5xx; afterwards the service is still ready, and
 * every customer reads back exactly as the last accepted write (or the seed) left it.
 */
describe('cliente-service under generated requests (PostgreSQL)', () => {
  const suite = serviceFuzzSuite('cliente-service', {
    populate,
    buildApp: (databaseUrl) => buildApp(testConfig(databaseUrl)),
  });
  // The model: each customer as the last 2xx answer about a write showed it.
  const expected = new Map<number, Record<string, unknown>>();

  beforeAll(async () => {
    for (const customer of await everyone()) expected.set(customer['id'] as number, customer);
  });

  async function everyone(): Promise<Array<Record<string, unknown>>> {
    const all: Array<Record<string, unknown>> = [];
    for (let offset = 0; ; offset += 100) {
      const page = (await suite.app.inject({ url: `/api/customers?limit=100&offset=${offset}` })).json();
      all.push(...page.items);
      if (page.items.length < 100) return all;
    }
  }

  // For the write routes: a 2xx answer shows the customer as it is now stored.
  const rememberCustomer: FuzzOptions['onResponse'] = (_request, response) => {
    if (response.statusCode < 300) {
      const customer = response.json() as Record<string, unknown>;
      expected.set(customer['id'] as number, customer);
    }
  };

  const valid = fc.record({
    email: fc.emailAddress().filter((email) => email.length <= 254),
    firstName: plainText(30),
    lastName: plainText(30),
    phone: fc.option(fc.stringMatching(/^\+?[0-9]{6,12}$/), { nil: null }),
    city: fc.option(plainText(20), { nil: null }),
  });

  it('GET /api/customers: search and pagination', async () => {
    const requests = hostile.get('/api/customers', {
      q: hostile.string(),
      city: fc.constantFrom('Santiago', 'santiago', 'Nowhere'),
      limit: fc.constantFrom('1', '100', '101', '0'),
      offset: fc.constantFrom('0', '3', '1e309', '2147483648'),
    });
    await suite.fuzz('GET /api/customers', requests, 800);
  });

  it('GET /api/customers/:id and the health paths', async () => {
    const requests = fc.oneof(
      hostile.getById('/api/customers'),
      fc
        .constantFrom('/api/health', '/api/cliente/health', '/api/ready', '/api/cliente/ready')
        .chain((path) => hostile.get(path)),
    );
    await suite.fuzz('GET /api/customers/:id, health', requests, 500);
  });

  it('POST /api/customers', async () => {
    await suite.fuzz('POST /api/customers', hostile.post('/api/customers', valid), 800, rememberCustomer);
  });

  it('PATCH /api/customers/:id', async () => {
    const requests = fc
      .tuple(
        fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }).map(String) },
          { weight: 1, arbitrary: hostile.id() },
        ),
        hostile.body(someFields(valid)),
      )
      .map(([id, body]) => ({ method: 'PATCH' as const, url: `/api/customers/${id}`, ...body }));
    await suite.fuzz('PATCH /api/customers/:id', requests, 800, rememberCustomer);
  });

  it('is still ready, and every customer reads back as the last accepted write left it', async () => {
    await suite.expectStillUp('/api/ready');
    const stored = await everyone();
    expect(new Map(stored.map((customer) => [customer['id'] as number, customer]))).toEqual(expected);
    // The generator did reach past validation: customers were created and changed.
    const created = Object.values(suite.tallies['POST /api/customers'].byStatus);
    expect(created.length).toBeGreaterThan(1);
    expect(suite.tallies['POST /api/customers'].byStatus['201']).toBeGreaterThan(0);
    expect(suite.tallies['PATCH /api/customers/:id'].byStatus['200']).toBeGreaterThan(0);
  });
});
