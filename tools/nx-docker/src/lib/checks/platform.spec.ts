import { fakeFacts } from '../../../test/support/fake-facts';
import { checkPlatform, parsePlatform, platformMatches } from './platform';

describe('checkPlatform', () => {
  it.each([
    ['linux', 'amd64', null, 'linux/amd64'],
    ['linux', 'x86_64', null, 'linux/amd64'],
    ['linux', 'arm64', 'v8', 'linux/arm64'],
    ['linux', 'arm64', 'v8', 'linux/arm64/v8'],
    ['linux', 'aarch64', null, 'linux/arm64'],
    ['linux', 'x86-64', null, 'linux/amd64'],
    ['linux', 'arm64', null, 'linux/arm64/v8'],
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
    ['Linux/ARM64/v8', { os: 'linux', architecture: 'arm64', variant: null }],
    ['linux/x86_64', { os: 'linux', architecture: 'amd64', variant: null }],
    ['linux/x86-64', { os: 'linux', architecture: 'amd64', variant: null }],
    ['linux/amd64/v1', { os: 'linux', architecture: 'amd64', variant: null }],
    ['linux/amd64/v3', { os: 'linux', architecture: 'amd64', variant: 'v3' }],
    ['linux/aarch64', { os: 'linux', architecture: 'arm64', variant: null }],
    ['linux/arm64/v9', { os: 'linux', architecture: 'arm64', variant: 'v9' }],
    ['linux/arm', { os: 'linux', architecture: 'arm', variant: null }],
    ['linux/arm/v7', { os: 'linux', architecture: 'arm', variant: null }],
    ['linux/armhf', { os: 'linux', architecture: 'arm', variant: null }],
    ['linux/armel', { os: 'linux', architecture: 'arm', variant: 'v6' }],
    ['linux/i386', { os: 'linux', architecture: '386', variant: null }],
    ['', { os: '', architecture: '', variant: null }],
  ])('parsePlatform(%j)', (value, expected) => {
    expect(parsePlatform(value)).toEqual(expected);
  });
});

describe('platformMatches (the one comparison: checkPlatform, FROM --platform, the built image)', () => {
  it.each([
    ['linux/amd64', 'linux/amd64', true],
    ['linux/x86_64', 'linux/amd64', true],
    ['linux/x86-64', 'linux/amd64', true],
    ['linux/amd64', 'linux/x86_64', true],
    ['linux/amd64/v1', 'linux/amd64', true],
    ['linux/amd64/v3', 'linux/amd64', false],
    ['linux/amd64', 'linux/amd64/v3', false],
    ['linux/aarch64', 'linux/arm64', true],
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/arm64/v8', 'linux/arm64/v9', false],
    ['linux/arm/v6', 'linux/arm/v7', false],
    ['linux/armhf', 'linux/arm/v7', true],
    ['linux/arm64', 'linux/amd64', false],
    ['windows/amd64', 'linux/amd64', false],
    ['', 'linux/amd64', false],
  ])('image %s where %s is asked for: %s', (actual, expected, matches) => {
    expect(platformMatches(actual, expected)).toBe(matches);
  });
});
