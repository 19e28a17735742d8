import type { ImageFacts } from '../docker/inspect';
import { error, Finding, ok } from './types';

export const FARGATE_PLATFORM = 'linux/amd64';

export interface Platform {
  os: string;
  architecture: string;
  variant: string | null;
}

/** `linux/arm64/v8` → { os, architecture, variant }. Docker's aliases (x86_64, aarch64) are normalised. */
export function parsePlatform(value: string): Platform {
  const [os = '', architecture = '', variant = ''] = value.trim().toLowerCase().split('/');
  return { os, architecture: normaliseArchitecture(architecture), variant: variant || null };
}

function normaliseArchitecture(architecture: string): string {
  const aliases: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64' };
  return aliases[architecture] ?? architecture;
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * The image's OS and architecture must equal the expected platform. A variant is compared only when the
 * expectation names one (`linux/arm64` accepts `linux/arm64/v8`). Reused before push: a wrong-architecture
 * image must never reach Fargate, where it dies with `exec format error`.
 */
export function checkPlatform(
  facts: Pick<ImageFacts, 'os' | 'architecture' | 'variant'>,
  expectedPlatform: string,
): Finding[] {
  const expected = parsePlatform(expectedPlatform);
  const actual = parsePlatform(
    formatPlatform({ os: facts.os, architecture: facts.architecture, variant: facts.variant }),
  );
  const shown = formatPlatform(actual) || 'unknown';
  const matches =
    actual.os === expected.os &&
    actual.architecture === expected.architecture &&
    (expected.variant === null || actual.variant === expected.variant);
  if (matches) return [ok('platform', `platform ${shown}`)];
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
