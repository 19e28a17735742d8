import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MULTI_LINE_PATTERN, SINGLE_LINE_PATTERN } from '../http/input-schemas';

// Service bundles import the kit's index: everything at module level here must be side-effect free so esbuild
// drops this file and fast-check. Arbitraries are therefore built on first use (lazy), never at import.
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/**
 * fast-check arbitraries for what a stranger can send, and a runner that fires thousands of them at an app
 * through `inject` and fails on the first 5xx (shrunk to the smallest request that gives one). Property tests
 * of every service use these, so "bad input gets 4xx" means the same thing everywhere.
 */

/** Values that broke or nearly broke our services, or that PostgreSQL and JSON treat specially. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%00',
  '\n',
  '\r\nX-Injected: 1',
  '1e309',
  '-1e309',
  'Infinity',
  '-Infinity',
  'NaN',
  '-0',
  '0x1F',
  '1_000',
  ' 1',
  '1.5',
  '-1',
  '0',
  '2147483648',
  '9007199254740993',
  '１２',
  "' OR 1=1 --",
  '%',
  '_',
  '\\',
  '\uD800',
  '\uFFFF',
  /* @__PURE__ */ '😀'.repeat(40),
  /* @__PURE__ */ 'x'.repeat(101),
  /* @__PURE__ */ 'x'.repeat(5000),
  '__proto__',
  'constructor',
  'null',
  'true',
  '[]',
  '{}',
];

/** Numbers at and past every bound we have: int32, 2^53, the double range, negative zero, fractions. */
export const HOSTILE_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  0.5,
  1e-7,
  2147483647,
  2147483648,
  -2147483649,
  9007199254740991, // Number.MAX_SAFE_INTEGER (literals: the array must stay side-effect free, see above)
  9007199254740992, // 2^53: the first integer a double cannot tell from its neighbour
  1.7976931348623157e308, // Number.MAX_VALUE
  -1.7976931348623157e308,
  5e-324, // Number.MIN_VALUE
];

/** Valid single-line text (names, cities) up to `maxLength`: what singleLineText accepts. */
export function plainText(maxLength: number): fc.Arbitrary<string> {
  const allowed = new RegExp(SINGLE_LINE_PATTERN, 'u');
  return fc.string({ minLength: 1, maxLength }).filter((text) => allowed.test(text));
}

/** Valid free text (descriptions) up to `maxLength`: what multiLineText accepts. */
export function freeText(maxLength: number): fc.Arbitrary<string> {
  const allowed = new RegExp(MULTI_LINE_PATTERN, 'u');
  return fc.string({ maxLength }).filter((text) => allowed.test(text));
}

/** A string a client could send: the list above, any Unicode (lone surrogates included) or something long. */
export const hostileString = /* @__PURE__ */ lazy((): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 90, maxLength: 400 }) },
  ),
);

/** A number-ish query value: the numbers above as text, exponents that overflow, and junk. */
export const hostileNumberText = /* @__PURE__ */ lazy((): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      ...HOSTILE_NUMBERS.map(String),
      '1e309',
      '-1e309',
      '1e-400',
      'Infinity',
      'NaN',
      '0x10',
      '1,5',
    ),
    fc.integer().map(String),
    fc.double().map(String),
    hostileString(),
  ),
);

/** JSON nested `depth` levels, as raw text (deeper than any schema, far below the body limit at 1000). */
export function deepJson(depth: number, open = '[', close = ']'): string {
  return open.repeat(depth) + close.repeat(depth);
}

/** Any JSON value, with hostile leaves. Depth is bounded so a run stays fast; raw deep JSON comes from deepJson. */
export const hostileJson = /* @__PURE__ */ lazy(
  (): fc.Arbitrary<unknown> =>
    fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        hostileString(),
        fc.constantFrom(...HOSTILE_NUMBERS),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(hostileString(), fc.constantFrom('__proto__', 'constructor')), tie('value'), {
          maxKeys: 4,
        }),
      ),
    })).value,
);

/**
 * One variant of a valid object: a field replaced by hostile JSON, a field dropped, an unknown field added, or
 * the object left valid (so valid requests are in the mix and their data can be checked afterwards).
 */
export function mutateObject(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return valid.chain((object) => {
    const keys = Object.keys(object);
    const variants: Array<fc.Arbitrary<unknown>> = [fc.constant(object)];
    if (keys.length) {
      const key = fc.constantFrom(...keys);
      variants.push(
        fc.tuple(key, hostileJson()).map(([k, value]) => ({ ...object, [k]: value })),
        key.map((k) => Object.fromEntries(Object.entries(object).filter(([name]) => name !== k))),
      );
    }
    variants.push(fc.tuple(hostileString(), hostileJson()).map(([k, value]) => ({ ...object, [k]: value })));
    return fc.oneof(...variants);
  });
}

/** A JSON request body: an object (maybe valid), any JSON, or raw text (malformed, deep, too large). */
export function hostileBody(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<{
  payload: string;
  headers: Record<string, string>;
}> {
  const json = (value: unknown) => ({
    payload: JSON.stringify(value) ?? 'null',
    headers: { 'content-type': 'application/json' },
  });
  return fc.oneof(
    { weight: 6, arbitrary: mutateObject(valid).map(json) },
    { weight: 2, arbitrary: hostileJson().map(json) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '{',
          '{"a":1,}',
          'null',
          '',
          '{"__proto__":{"x":1}}',
          '{"constructor":{"prototype":{"x":1}}}',
          deepJson(1000),
          deepJson(1000, '{"a":', '}').replace(/\{"a":\}/, '{"a":1}'),
          `{"items":${deepJson(1000)}}`,
          JSON.stringify({ items: 'x'.repeat(70 * 1024) }),
        )
        .map((payload) => ({ payload, headers: { 'content-type': 'application/json' } })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1')
        .map((type) => ({ payload: 'a=1', headers: { 'content-type': type } })),
    },
  );
}

/** Percent-encodes like a browser, but also lone surrogates (which encodeURIComponent refuses) as raw bytes. */
export function encodeQueryValue(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return Array.from(Buffer.from(value, 'utf8'))
      .map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`)
      .join('');
  }
}

/**
 * A query string for a route whose known keys are `keys`: each key absent, valid-looking or hostile, repeated
 * keys, unknown keys, and raw (mis)encodings such as `%FF` and a bare `%`.
 */
export function hostileQuery(keys: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const pair = (key: string, value: fc.Arbitrary<string>) =>
    fc
      .oneof(
        { weight: 3, arbitrary: value },
        { weight: 2, arbitrary: hostileNumberText() },
        { weight: 2, arbitrary: hostileString() },
      )
      .map((v) => `${encodeQueryValue(key)}=${encodeQueryValue(v)}`);
  const known = Object.entries(keys).map(([key, value]) => fc.option(pair(key, value), { nil: undefined }));
  const extra = fc.array(
    fc.oneof(
      pair('', hostileString()),
      fc
        .tuple(hostileString(), hostileString())
        .map(([k, v]) => `${encodeQueryValue(k)}=${encodeQueryValue(v)}`),
      fc.constantFrom('%FF=%FE', 'q=%', 'q=%G0', 'limit=1&limit=2', '=', '&&', 'a[b]=1', 'offset'),
    ),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...known), extra).map(([parts, more]) => {
    const all = [...parts.filter((part): part is string => part !== undefined), ...more];
    return all.length ? `?${all.join('&')}` : '';
  });
}

/** A path segment for `/:id`: a plausible id most of the time, otherwise anything. */
export const hostileId = /* @__PURE__ */ lazy((): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }).map(String) },
    { weight: 2, arbitrary: hostileNumberText().map(encodeQueryValue) },
    { weight: 1, arbitrary: fc.constantFrom('%00', '%FF', '..', '%2F', '1%00', 'x'.repeat(150)) },
  ),
);

/** A GET of `path` with a hostile query string on its known `keys` (see hostileQuery). */
export function hostileGet(
  path: string,
  keys: Record<string, fc.Arbitrary<string>> = {},
): fc.Arbitrary<InjectOptions & { method: 'GET' }> {
  return hostileQuery(keys).map((query) => ({ method: 'GET' as const, url: `${path}${query}` }));
}

/** A GET of one item, `${collection}/:id`, with a hostile id (see hostileId). */
export function hostileGetById(collection: string): fc.Arbitrary<InjectOptions & { method: 'GET' }> {
  return hostileId().map((id) => ({ method: 'GET' as const, url: `${collection}/${id}` }));
}

/** A POST of `url` with a hostile JSON body built around `valid` (see hostileBody). */
export function hostilePost(
  url: string,
  valid: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<InjectOptions & { method: 'POST' }> {
  return hostileBody(valid).map((body) => ({ method: 'POST' as const, url, ...body }));
}

/** A partial update (PATCH body): one or more of the fields of a valid object, unchanged. */
export function someFields<T extends Record<string, unknown>>(
  valid: fc.Arbitrary<T>,
): fc.Arbitrary<Partial<T>> {
  return valid.chain((fields) =>
    fc
      .subarray(Object.keys(fields), { minLength: 1 })
      .map((keys) => Object.fromEntries(keys.map((key) => [key, fields[key]])) as Partial<T>),
  );
}

/** A header value a client can put on the wire: printable ASCII (Node refuses the rest before a request exists). */
export function hostileHeader(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: 'binary-ascii', maxLength }).filter((text) => /^[\x20-\x7e]*$/.test(text));
}

/**
 * The generators above under one name, read like fast-check's `fc`: `hostile.get('/api/products', { ... })`,
 * `hostile.post('/api/products', valid)`, `hostile.string()`. Pure, so bundles that never use it drop it.
 */
export const hostile = /* @__PURE__ */ Object.freeze({
  string: hostileString,
  numberText: hostileNumberText,
  json: hostileJson,
  body: hostileBody,
  query: hostileQuery,
  id: hostileId,
  header: hostileHeader,
  get: hostileGet,
  getById: hostileGetById,
  post: hostilePost,
});

export interface FuzzTally {
  requests: number;
  byStatus: Record<string, number>;
}

export interface FuzzOptions {
  numRuns: number;
  /** Fixed in CI so a failure is reproducible; fast-check prints the seed and path of a failing run. */
  seed?: number;
  /** Sees every answer (status < 500): the spec keeps its model of what valid requests changed. */
  onResponse?: (request: InjectOptions, response: { statusCode: number; json(): unknown }) => void;
}

/**
 * Fires `numRuns` generated requests at the app through inject and fails on the first 5xx, shrunk to the
 * smallest request that gives one. Every request sent (shrinking included) is counted into `tally`.
 */
export async function fuzzRequests(
  app: FastifyInstance,
  requests: fc.Arbitrary<InjectOptions>,
  tally: FuzzTally,
  options: FuzzOptions,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(requests, async (request) => {
      const response = await app.inject(request);
      tally.requests++;
      tally.byStatus[response.statusCode] = (tally.byStatus[response.statusCode] ?? 0) + 1;
      if (response.statusCode >= 500) {
        throw new Error(
          `${request.method ?? 'GET'} ${request.url} answered ${response.statusCode}: ${response.body}`,
        );
      }
      options.onResponse?.(request, response);
    }),
    { numRuns: options.numRuns, seed: options.seed, endOnFailure: false },
  );
}

export function newTally(): FuzzTally {
  return { requests: 0, byStatus: {} };
}

/** Server errors in a tally (0 when the suite passed): what the closing report prints. */
export function serverErrors(tally: FuzzTally): number {
  return Object.entries(tally.byStatus)
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, count]) => sum + count, 0);
}

/**
 * Prints one line and writes `tmp/fuzz/<service>.json` (`{ version: 1, service, requests, serverErrors,
 * byStatus, byRoute }`) at the workspace root, so the closing note can quote "N requests, 0 5xx".
 */
export function recordFuzzReport(service: string, byRoute: Record<string, FuzzTally>): void {
  const requests = Object.values(byRoute).reduce((sum, tally) => sum + tally.requests, 0);
  const byStatus: Record<string, number> = {};
  for (const tally of Object.values(byRoute)) {
    for (const [status, count] of Object.entries(tally.byStatus))
      byStatus[status] = (byStatus[status] ?? 0) + count;
  }
  const errors = serverErrors({ requests, byStatus });
  const report = { version: 1, service, requests, serverErrors: errors, byStatus, byRoute };
  const dir = join(__dirname, '../../../../../tmp/fuzz');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${service}.json`), `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `${service}: ${requests} generated requests, ${errors} answered 5xx (${JSON.stringify(byStatus)})`,
  );
}
