import { runImageChecks } from '../../../lib/checks';
import { fakeFacts } from '../../../../test/support/fake-facts';
import type { NormalizedEndpoint } from './normalize-options';
import {
  evaluateEndpoint,
  evaluateStop,
  findingToCheck,
  findJsonMismatch,
  formatChecks,
  formatFailure,
  summaryLine,
  toSmokeManifest,
} from './report';

const endpoint = (overrides: Partial<NormalizedEndpoint> = {}): NormalizedEndpoint => ({
  path: '/api/productos',
  method: 'GET',
  status: 200,
  bodyContains: null,
  json: null,
  headers: {},
  bearerSubject: null,
  ...overrides,
});

describe('evaluateEndpoint', () => {
  it.each<[string, Partial<NormalizedEndpoint>, { status: number; body: string }]>([
    ['status only', {}, { status: 200, body: '' }],
    ['expected 404', { status: 404 }, { status: 404, body: 'nope' }],
    ['body contains', { bodyContains: 'Café' }, { status: 200, body: '[{"nombre":"Café"}]' }],
    [
      'json subset',
      { json: { status: 'ok', db: { up: true } } },
      { status: 200, body: '{"status":"ok","db":{"up":true,"ms":3},"x":1}' },
    ],
  ])('passes: %s', (_, overrides, answer) => {
    expect(evaluateEndpoint(endpoint(overrides), { ok: true, ...answer })).toMatchObject({
      check: 'endpoint GET /api/productos',
      status: 'passed',
    });
  });

  it.each<[string, Partial<NormalizedEndpoint>, Parameters<typeof evaluateEndpoint>[1], RegExp]>([
    [
      'request failed',
      {},
      { ok: false, error: 'read ECONNRESET' },
      /^GET \/api\/productos: request failed: read ECONNRESET\.$/,
    ],
    [
      'wrong status',
      {},
      { ok: true, status: 500, body: '{"error":"db down"}' },
      /expected status 200, got 500\. Body: \{"error":"db down"\}/,
    ],
    [
      'missing text',
      { bodyContains: 'Café' },
      { ok: true, status: 200, body: '[]' },
      /the body does not contain "Café"\. Body: \[\]/,
    ],
    ['not JSON', { json: { a: 1 } }, { ok: true, status: 200, body: '<html>' }, /the body is not JSON/],
    [
      'JSON mismatch',
      { json: { status: 'ok' } },
      { ok: true, status: 200, body: '{"status":"degraded"}' },
      /\$\.status is "degraded", expected "ok"/,
    ],
    ['empty body', { status: 201 }, { ok: true, status: 200, body: '' }, /Body: \(empty\)/],
  ])('fails: %s', (_, overrides, answer, message) => {
    const check = evaluateEndpoint(endpoint(overrides), answer);
    expect(check.status).toBe('failed');
    expect(check.message).toMatch(message);
  });
});

describe('findJsonMismatch', () => {
  it.each([
    [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] } }, null],
    [{ a: 1 }, { b: 1 }, '$.b is missing'],
    [{ a: [1, 2, 3] }, { a: [1, 2] }, '$.a is [1,2,3], expected [1,2]'],
    [{ a: 'x' }, { a: { b: 1 } }, '$.a should be an object, got "x"'],
    [[1], { a: 1 }, '$ should be an object, got [1]'],
  ])('%j ⊇ %j → %s', (actual, expected, mismatch) => {
    expect(findJsonMismatch(actual, expected, '$')).toBe(mismatch);
  });
});

describe('evaluateStop', () => {
  it.each([
    [{ exitCode: 0, stopMs: 310, stillRunning: false }, 'passed', /stopped in 0.3 s with exit code 0/],
    [{ exitCode: 143, stopMs: 100, stillRunning: false }, 'passed', /exit code 143/],
    [
      { exitCode: 137, stopMs: 10_100, stillRunning: false },
      'failed',
      /ignored SIGTERM: Docker had to kill it after 10 s \(exit code 137\)/,
    ],
    [{ exitCode: 1, stopMs: 200, stillRunning: false }, 'failed', /exited with code 1 after 0.2 s/],
    [{ exitCode: -1, stopMs: 30_000, stillRunning: true }, 'failed', /did not end the container within 10 s/],
  ])('%j → %s', (result, status, message) => {
    const check = evaluateStop(result, 10);
    expect(check).toMatchObject({ check: 'stop', status, message: expect.stringMatching(message) });
  });
});

describe('smoke.json, failure and summary', () => {
  const observed = {
    project: 'catalogo-service',
    imageId: 'sha256:0123456789abcdef0123',
    image: 'catalogo-service:1.0.0',
    platform: 'linux/amd64',
    healthy: true,
    structureMs: 400,
    timeToHealthyMs: 2150,
    stopMs: 320,
    totalMs: 5000,
    testedAt: '2026-11-29T17:00:00.000Z',
  };

  it('passes when no check failed', () => {
    const manifest = toSmokeManifest({
      ...observed,
      checks: [findingToCheck({ check: 'user', severity: 'ok', message: 'runs as user node', hint: '' })],
    });
    expect(manifest).toMatchObject({
      version: 1,
      passed: true,
      failure: null,
      checks: [{ check: 'user', status: 'passed' }],
    });
    expect(formatFailure(manifest, [], 40)).toBe('');
    expect(summaryLine(manifest)).toBe(
      '✔ catalogo-service smoke test passed: image catalogo-service:1.0.0 (0123456789ab), 1/1 checks passed, healthy in 2.1 s, stopped in 0.3 s, total 5.0 s',
    );
  });

  it('names the first failed check and prints every log', () => {
    const manifest = toSmokeManifest({
      ...observed,
      healthy: false,
      timeToHealthyMs: null,
      stopMs: null,
      checks: [
        { check: 'sidecar db', status: 'passed', message: 'sidecar db healthy in 3.0 s' },
        {
          check: 'healthy',
          status: 'failed',
          message: 'catalogo-service exited with code 3 before becoming healthy.',
          hint: 'read its logs',
        },
      ],
    });
    expect(manifest.failure).toEqual({
      check: 'healthy',
      message: 'catalogo-service exited with code 3 before becoming healthy.',
      hint: 'read its logs',
    });
    const printed = formatFailure(
      manifest,
      [
        { role: 'sidecar db', name: 'smoke-c-r-db', text: 'ready to accept connections' },
        { role: 'catalogo-service', name: 'smoke-c-r-app', text: '' },
      ],
      40,
    );
    expect(printed).toBe(
      [
        'Smoke test of catalogo-service failed: healthy',
        '  ✖ healthy: catalogo-service exited with code 3 before becoming healthy.',
        '    Hint: read its logs',
        '',
        '--- last 40 log lines of sidecar db (smoke-c-r-db) ---',
        'ready to accept connections',
        '',
        '--- last 40 log lines of catalogo-service (smoke-c-r-app) ---',
        '(no output)',
      ].join('\n'),
    );
    expect(formatFailure(manifest, null, 40)).toContain('The image was not started');
    expect(summaryLine(manifest)).toMatch(
      /^✖ catalogo-service smoke test FAILED: .*1\/2 checks passed, never healthy, total 5.0 s$/,
    );
  });

  it.each([
    ['ok', 'passed'],
    ['warning', 'warning'],
    ['error', 'failed'],
  ] as const)('maps severity %s to %s', (severity, status) => {
    expect(
      findingToCheck({ check: 'size', severity, message: 'm', hint: severity === 'ok' ? '' : 'h' }).status,
    ).toBe(status);
  });
});

describe('formatChecks', () => {
  it('prints every structure check: failures with their hint, then what passed', () => {
    const findings = runImageChecks(
      fakeFacts({ architecture: 'arm64', user: '', healthcheck: null, exposedPorts: [] }),
      { platform: 'linux/amd64', port: 8000, maxSizeMb: 500 },
    );
    expect(formatChecks(findings.map(findingToCheck))).toMatch(
      /✖ platform: .*\n\s+Hint: .*\n[\s\S]*✖ user: [\s\S]*✔ size/,
    );
  });
});
