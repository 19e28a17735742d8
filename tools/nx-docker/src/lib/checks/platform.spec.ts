import { fakeFacts } from './fake-facts';
import { checkPlatform, parsePlatform } from './platform';

describe('checkPlatform', () => {
  it.each([
    ['linux', 'amd64', null, 'linux/amd64'],
    ['linux', 'x86_64', null, 'linux/amd64'],
    ['linux', 'arm64', 'v8', 'linux/arm64'],
    ['linux', 'arm64', 'v8', 'linux/arm64/v8'],
    ['linux', 'aarch64', null, 'linux/arm64'],
  ])('%s/%s (variant %s) satisfies %s', (os, architecture, variant, expected) => {
    const [finding] = checkPlatform(fakeFacts({ os, architecture, variant }), expected);
    expect(finding).toMatchObject({ check: 'platform', severity: 'ok' });
  });

  it.each([
    [
      'linux',
      'arm64',
      'v8',
      'linux/amd64',
      /linux\/arm64\/v8, but linux\/amd64 is expected.*Fargate.*exec format error/,
    ],
    ['linux', 'arm', 'v7', 'linux/amd64', /linux\/arm\/v7, but linux\/amd64.*exec format error/],
    ['linux', 'arm64', 'v8', 'linux/arm64/v9', /linux\/arm64\/v8, but linux\/arm64\/v9 is expected/],
    ['windows', 'amd64', null, 'linux/amd64', /windows\/amd64, but linux\/amd64 is expected\.$/],
    ['', '', null, 'linux/amd64', /unknown, but linux\/amd64/],
  ])('%s/%s (variant %s) fails %s', (os, architecture, variant, expected, message) => {
    const findings = checkPlatform(fakeFacts({ os, architecture, variant }), expected);
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].message).toMatch(message);
    expect(findings[0].hint).toContain(`--platform ${parsePlatform(expected).os}/`);
  });

  it.each([
    ['linux/amd64', { os: 'linux', architecture: 'amd64', variant: null }],
    ['Linux/ARM64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['linux/x86_64', { os: 'linux', architecture: 'amd64', variant: null }],
  ])('parsePlatform(%s)', (value, expected) => {
    expect(parsePlatform(value)).toEqual(expected);
  });
});
