import type { ImageFacts } from '../docker/inspect';
import { fakeFacts } from '../../../test/support/fake-facts';
import {
  checkEntrypoint,
  checkExposedPort,
  checkHealthcheck,
  checkSizeBudget,
  checkUser,
  hasErrors,
  isRootUser,
  runImageChecks,
} from './index';
import { Check, ImageExpectations } from './types';

const expected: ImageExpectations = { platform: 'linux/amd64', port: 8000, maxSizeMb: 500 };

describe.each<[string, Check, Partial<ImageFacts>, Partial<ImageExpectations>, RegExp]>([
  ['port', checkExposedPort, { exposedPorts: [] }, {}, /Port 8000\/tcp is not exposed \(it exposes none\)/],
  [
    'port',
    checkExposedPort,
    { exposedPorts: ['3000/tcp', '9229/tcp'] },
    {},
    /Port 8000\/tcp is not exposed \(it exposes 3000\/tcp, 9229\/tcp\)/,
  ],
  ['port', checkExposedPort, { exposedPorts: ['8000/udp'] }, {}, /8000\/tcp is not exposed/],
  ['healthcheck', checkHealthcheck, { healthcheck: null }, {}, /No healthcheck is configured/],
  ['user', checkUser, { user: '' }, {}, /runs as root \(no USER set\)/],
  ['user', checkUser, { user: 'root' }, {}, /runs as 'root'/],
  ['user', checkUser, { user: '0:0' }, {}, /runs as '0:0'/],
  ['size', checkSizeBudget, { sizeBytes: 612_345_678 }, {}, /612.3 MB, over its budget of 500 MB/],
  [
    'size',
    checkSizeBudget,
    { sizeBytes: 180_000_000 },
    { maxSizeMb: 10 },
    /180 MB, over its budget of 10 MB/,
  ],
  ['entrypoint', checkEntrypoint, { entrypoint: [], cmd: [] }, {}, /neither an ENTRYPOINT nor a CMD/],
])('%s check fails', (name, check, facts, expectation, message) => {
  it(`${JSON.stringify(facts)} → ${message}`, () => {
    const findings = check(fakeFacts(facts), { ...expected, ...expectation });
    expect(findings).toEqual([
      { check: name, severity: 'error', message: expect.stringMatching(message), hint: expect.any(String) },
    ]);
    expect(findings[0].hint.length).toBeGreaterThan(10);
  });
});

describe.each<[string, Check, Partial<ImageFacts>, string]>([
  ['port', checkExposedPort, { exposedPorts: ['9229/tcp', '8000/tcp'] }, 'port 8000/tcp exposed'],
  ['healthcheck', checkHealthcheck, {}, 'healthcheck ["node","health.js"]'],
  [
    'healthcheck',
    checkHealthcheck,
    {
      healthcheck: {
        test: ['CMD-SHELL', 'curl -f localhost:8000/health'],
        intervalNs: 0,
        timeoutNs: 0,
        retries: 0,
      },
    },
    'healthcheck curl -f localhost:8000/health',
  ],
  ['user', checkUser, { user: '1000:0' }, 'runs as user 1000:0'],
  ['size', checkSizeBudget, { sizeBytes: 500_000_000 }, 'size 500 MB ≤ 500 MB'],
  ['entrypoint', checkEntrypoint, { entrypoint: ['/entrypoint.sh'], cmd: [] }, 'starts with /entrypoint.sh'],
])('%s check passes', (name, check, facts, message) => {
  it(message, () => {
    expect(check(fakeFacts(facts), expected)).toEqual([{ check: name, severity: 'ok', message, hint: '' }]);
  });
});

describe('isRootUser', () => {
  it.each([
    ['', true],
    ['root', true],
    ['0', true],
    ['0:1000', true],
    ['root:root', true],
    [' 0 ', true],
    ['node', false],
    ['1000', false],
    ['1000:0', false],
    ['app:app', false],
  ])('%j → %s', (user, root) => expect(isRootUser(user)).toBe(root));
});

describe('runImageChecks', () => {
  it('passes a good image with one ok finding per check', () => {
    const findings = runImageChecks(fakeFacts(), expected);
    expect(findings.map((f) => f.check)).toEqual([
      'platform',
      'port',
      'healthcheck',
      'user',
      'size',
      'entrypoint',
    ]);
    expect(hasErrors(findings)).toBe(false);
  });

  it('reports every failure, not only the first', () => {
    const findings = runImageChecks(
      fakeFacts({ architecture: 'arm64', user: '', healthcheck: null, exposedPorts: [] }),
      expected,
    );
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.check)).toEqual([
      'platform',
      'port',
      'healthcheck',
      'user',
    ]);
    expect(hasErrors(findings)).toBe(true);
  });
});
