import type { ImageFacts } from '../docker/inspect';
import { error, Finding, ok } from './types';

export const FARGATE_PLATFORM = 'linux/amd64';

export interface Platform {
  os: string;
  architecture: string;
  variant: string | null;
}

/**
 * `linux/arm64/v8` → { os, architecture, variant }, normalised as containerd's `platforms.Normalize` does:
 * architecture aliases (x86_64, x86-64 → amd64; aarch64 → arm64; i386 → 386; armhf → arm/v7; armel →
 * arm/v6) and the default variant of an architecture dropped (amd64/v1, arm64/v8, arm/v7), so that
 * `linux/arm64` and `linux/arm64/v8` are one platform. The one parser: every platform comparison uses it.
 */
export function parsePlatform(value: string): Platform {
  const [os = '', rawArchitecture = '', rawVariant = ''] = value.trim().toLowerCase().split('/');
  const alias = ARCHITECTURE_ALIASES[rawArchitecture];
  const architecture = alias?.architecture ?? rawArchitecture;
  const variant = rawVariant || alias?.variant || null;
  return { os, architecture, variant: variant === DEFAULT_VARIANTS[architecture] ? null : variant };
}

const ARCHITECTURE_ALIASES: Record<string, { architecture: string; variant?: string }> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  i386: { architecture: '386' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
};

const DEFAULT_VARIANTS: Record<string, string> = { amd64: 'v1', arm64: 'v8', arm: 'v7' };

/**
 * Whether an image of platform `actual` is the platform `expected`: the same OS, architecture and variant
 * once both are normalised (parsePlatform), so `linux/arm64` is `linux/aarch64` and `linux/arm64/v8`, while
 * `linux/arm/v6` is not `linux/arm/v7` and `linux/amd64/v3` is not `linux/amd64`.
 */
export function platformMatches(actual: string | Platform, expected: string | Platform): boolean {
  const a = typeof actual === 'string' ? parsePlatform(actual) : actual;
  const e = typeof expected === 'string' ? parsePlatform(expected) : expected;
  return a.os !== '' && a.os === e.os && a.architecture === e.architecture && a.variant === e.variant;
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * The image's OS and architecture must equal the expected platform (platformMatches). Used by smoke-test,
 * and by ecr-push before a push: a wrong-architecture image must never reach Fargate, where it dies with
 * `exec format error`.
 */
export function checkPlatform(
  facts: Pick<ImageFacts, 'os' | 'architecture' | 'variant'>,
  expectedPlatform: string,
): Finding[] {
  const expected = parsePlatform(expectedPlatform);
  const actual = parsePlatform([facts.os, facts.architecture, facts.variant].filter(Boolean).join('/'));
  const shown = [facts.os, facts.architecture, facts.variant].filter(Boolean).join('/') || 'unknown';
  if (platformMatches(actual, expected)) return [ok('platform', `platform ${shown}`)];
  const wanted = formatPlatform(expected);
  const consequence =
    actual.os === expected.os
      ? ` A ${wanted} host such as ${wanted === FARGATE_PLATFORM ? 'Fargate' : 'the target'} cannot run it: the container would fail to start with 'exec format error'.`
      : '';
  return [
    error(
      'platform',
      `The image is ${shown}, but ${wanted} is expected.${consequence}`,
      `Build it for ${wanted}: set the docker-build "platform" option (docker build --platform ${wanted}), and check the FROM line does not pin another platform.`,
    ),
  ];
}
