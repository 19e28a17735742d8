import type { BuilderChoice } from '../../../lib/builder/detect-builder';
import { engineProblems, reproducibilityUnavailable } from './engine-support';
import type { NormalizedDockerBuildOptions } from './normalize-options';

const options = (overrides: Partial<NormalizedDockerBuildOptions> = {}) =>
  ({
    projectName: 'orders',
    cacheTo: null,
    provenance: false,
    reproducible: false,
    sourceDateEpoch: '1764547200',
    ...overrides,
  }) as NormalizedDockerBuildOptions;

const engine = (
  kind: BuilderChoice['kind'],
  serverVersion: string,
  store: 'classic' | 'containerd',
  buildkit: string | null,
  driver = 'docker',
) =>
  ({
    kind,
    binary: 'docker',
    clientVersion: serverVersion,
    engine: { serverVersion, store, buildkit, buildxDriver: kind === 'buildx' ? driver : null },
  }) as BuilderChoice;

const MODERN = engine('buildx', '26.1.5', 'containerd', '0.13');
const LEGACY = engine('buildkit', '20.10.24', 'classic', '0.8');
const BUILDX_CLASSIC = engine('buildx', '26.1.5', 'classic', '0.13');
const BUILDX_25 = engine('buildx', '25.0.3', 'containerd', '0.12');

describe('engineProblems', () => {
  it('accepts everything on Docker 26 with buildx and the containerd store', () => {
    expect(
      engineProblems(
        options({
          cacheTo: 'type=registry,ref=r/orders:cache,mode=max',
          provenance: true,
          reproducible: true,
        }),
        MODERN,
      ),
    ).toEqual([]);
  });

  it.each<[string, Partial<NormalizedDockerBuildOptions>, BuilderChoice, string, RegExp]>([
    [
      'registry cache without buildx',
      { cacheTo: 'type=registry,ref=r:c' },
      LEGACY,
      'cacheTo',
      /needs buildx.*Docker 20\.10\.24/,
    ],
    [
      'registry cache on the classic store',
      { cacheTo: 'type=registry,ref=r:c' },
      BUILDX_CLASSIC,
      'cacheTo',
      /classic store, where the current buildx builder's docker driver cannot export/,
    ],
    ['provenance without buildx', { provenance: true }, LEGACY, 'provenance', /needs buildx/],
    [
      'provenance on the classic store',
      { provenance: true },
      BUILDX_CLASSIC,
      'provenance',
      /cannot hold an attestation/,
    ],
    [
      'reproducible on 20.10',
      { reproducible: true },
      LEGACY,
      'reproducible',
      /BuildKit 0\.13 or later.*Docker 20\.10\.24, no buildx/,
    ],
    [
      'reproducible on BuildKit 0.12',
      { reproducible: true },
      BUILDX_25,
      'reproducible',
      /Docker 25\.0\.3, BuildKit 0\.12/,
    ],
    [
      'reproducible without a commit',
      { reproducible: true, sourceDateEpoch: null },
      MODERN,
      'reproducible',
      /no git commit/,
    ],
  ])('refuses %s', (_name, overrides, builder, option, message) => {
    const problems = engineProblems(options(overrides), builder);
    expect(problems.map((p) => p.option)).toEqual([option]);
    expect(problems[0].message).toMatch(message);
    expect(problems[0].message).toContain('orders:docker-build');
    expect(problems[0].hint).toBeTruthy();
  });

  it('lets a docker-container builder export a registry cache from the classic store', () => {
    const container = engine('buildx', '26.1.5', 'classic', '0.13', 'docker-container');
    expect(engineProblems(options({ cacheTo: 'type=registry,ref=r:c,mode=max' }), container)).toEqual([]);
    // An attestation still cannot be loaded into the classic store.
    expect(engineProblems(options({ provenance: true }), container).map((p) => p.option)).toEqual([
      'provenance',
    ]);
  });

  it('lets BuildKit without buildx keep an inline cache', () => {
    expect(engineProblems(options({ cacheTo: 'type=inline' }), LEGACY)).toEqual([]);
  });
});

describe('reproducibilityUnavailable', () => {
  it.each([
    [MODERN, null],
    [LEGACY, 'Docker 20.10.24, no buildx'],
    [BUILDX_25, 'Docker 25.0.3, BuildKit 0.12'],
  ])('%#', (builder, reason) => {
    expect(reproducibilityUnavailable(builder)).toBe(reason);
  });
});
