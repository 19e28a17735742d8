import { bffFuzzSuite, hostile, plainText, someFields } from '@ventas/service-kit';
import fc from 'fast-check';
import { join } from 'node:path';
import { bearer, mintToken, testConfig } from './__fixtures__/tokens';
import { buildApp } from './app';

/**
 * Property tests: thousands of generated requests (valid, near-valid, hostile, with and without tokens) on every
 * route of the BFF, through inject, over a real cliente-service and PostgreSQL. No answer may be a 5xx (502/504
 * included: the upstream must never be handed something it chokes on); afterwards the BFF is still ready, no
 * profile changed without its owner's token, and changed profiles read back as the last accepted write.
 */
describe('bff-cliente under generated requests (real cliente-service)', () => {
  const suite = bffFuzzSuite('bff-cliente', {
    upstreamSrc: join(__dirname, '../../cliente-service/src'),
    upstreamHealthPath: '/api/health',
    buildApp: (clienteUrl) => buildApp(testConfig(clienteUrl)),
  });
  let before: Map<number, unknown>;
  const patched = new Map<number, unknown>();

  beforeAll(async () => {
    before = await customers();
  });

  async function customers(): Promise<Map<number, unknown>> {
    const page = (await suite.app.inject({ url: '/api/customers?limit=100' })).json();
    return new Map(page.items.map((customer: { id: number }) => [customer.id, customer]));
  }

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
      { weight: 1, arbitrary: hostile.string().map((sub) => bearer({ sub })) },
      { weight: 1, arbitrary: hostile.header(300).map((value) => ({ authorization: value })) },
      { weight: 1, arbitrary: fc.constant({}) },
    );

  it('GET /api/customers and GET /api/customers/:id (relayed)', async () => {
    const requests = fc.oneof(
      hostile.get('/api/customers', {
        q: hostile.string(),
        city: fc.constantFrom('Santiago', 'Nowhere'),
        limit: fc.constantFrom('1', '100', '101'),
        offset: fc.constantFrom('0', '1e309', '2147483648'),
      }),
      hostile.getById('/api/customers'),
    );
    await suite.fuzz('GET /api/customers, /api/customers/:id', requests, 700);
  });

  it('POST /api/customers (sign-up)', async () => {
    const valid = fc.record({
      email: fc.emailAddress().filter((email) => email.length <= 254),
      firstName: plainText(30),
      lastName: plainText(30),
      phone: fc.option(fc.stringMatching(/^\+?[0-9]{6,12}$/), { nil: null }),
      city: fc.option(plainText(20), { nil: null }),
    });
    await suite.fuzz('POST /api/customers', hostile.post('/api/customers', valid), 500);
  });

  it('GET and PATCH /api/profile/:id with every kind of token', async () => {
    const change = someFields(
      fc.record({
        firstName: plainText(30),
        lastName: plainText(30),
        phone: fc.constant('+56 9 1234 5678'),
        city: plainText(20),
      }),
    );
    const id = fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: 1, max: 8 }).map(String) },
      { weight: 1, arbitrary: hostile.id() },
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
        fc.tuple(authorization(target), hostile.body(change)).map(([auth, body]) => ({
          method: 'PATCH' as const,
          url: `/api/profile/${target}`,
          payload: body.payload,
          headers: { ...body.headers, ...auth },
        })),
      ),
    );
    await suite.fuzz('GET, PATCH /api/profile/:id', requests, 900, (request, response) => {
      if (request.method === 'PATCH' && response.statusCode === 200) {
        const profile = response.json() as { id: number };
        patched.set(profile.id, profile);
      }
    });
  });

  it('is still ready; only owners changed profiles, and they read back as the last accepted write', async () => {
    await suite.expectStillUp('/ready');
    const after = await customers();
    for (const [id, customer] of before) {
      if (!patched.has(id)) expect(after.get(id)).toEqual(customer);
    }
    for (const [id, profile] of patched) {
      expect(
        (await suite.app.inject({ url: `/api/profile/${id}`, headers: bearer({ sub: String(id) }) })).json(),
      ).toEqual(profile);
    }
    expect(patched.size).toBeGreaterThan(0);
    const statuses = suite.tallies['GET, PATCH /api/profile/:id'].byStatus;
    expect(statuses['401']).toBeGreaterThan(0);
    expect(statuses['403']).toBeGreaterThan(0);
  });
});
