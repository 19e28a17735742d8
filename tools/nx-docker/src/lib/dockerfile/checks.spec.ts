import { baseImageInput } from './base-image-input';
import {
  checkBaseImageInput,
  checkBuiltPlatform,
  checkDockerfile,
  checkExecBits,
  checkExpose,
  checkHealthcheck,
  checkPaths,
  checkFromPlatform,
  checkSecrets,
  CacheTracking,
  DockerfileCheckInput,
  formatFinding,
} from './checks';
import { parseDockerfile } from './parse-dockerfile';
import { findStartScripts } from './scripts';

const GOOD = [
  'FROM node:24-bookworm-slim',
  'WORKDIR /app',
  'COPY entrypoint.sh ./',
  'COPY dist/ ./',
  'ENV PORT=8000',
  'EXPOSE 8000',
  'HEALTHCHECK --interval=10s CMD node health.js',
  'ENTRYPOINT ["./entrypoint.sh"]',
];

function input(lines: string[], overrides: Partial<DockerfileCheckInput> = {}): DockerfileCheckInput {
  const model = parseDockerfile(lines.join('\n'));
  return {
    model,
    dockerfile: 'apps/orders/Dockerfile',
    context: 'apps/orders',
    stage: null,
    platform: 'linux/amd64',
    port: 8000,
    scripts: findStartScripts(model),
    contextFiles: { 'entrypoint.sh': { executable: true } },
    tracking: null,
    ...overrides,
  };
}

const replace = (at: number, line: string | null) =>
  GOOD.flatMap((l, i) => (i === at ? (line === null ? [] : [line]) : [l]));

describe('checkDockerfile', () => {
  it('passes a service Dockerfile that gets every check right', () => {
    expect(checkDockerfile(input(GOOD))).toEqual([]);
  });

  it.each<[string, string[], Partial<DockerfileCheckInput>, string, number | null, RegExp, RegExp]>([
    [
      'entrypoint without exec bit',
      GOOD,
      { contextFiles: { 'entrypoint.sh': { executable: false } } },
      'exec-bit',
      8,
      /runs \/app\/entrypoint.sh as ENTRYPOINT, copied from apps\/orders\/entrypoint.sh \(line 3\).*permission denied/,
      /chmod \+x apps\/orders\/entrypoint.sh.*RUN chmod \+x \/app\/entrypoint.sh' after line 3/,
    ],
    [
      'EXPOSE of another port',
      replace(5, 'EXPOSE 8080'),
      {},
      'expose',
      6,
      /:6 has EXPOSE 8080, but the service listens on 8000 \(port mismatch/,
      /Change line 6 to 'EXPOSE 8000'/,
    ],
    [
      'no EXPOSE',
      replace(5, null),
      {},
      'expose',
      1,
      /exposes no port, but the service listens on 8000/,
      /Add 'EXPOSE 8000'/,
    ],
    [
      'ENV PORT disagrees',
      replace(4, 'ENV PORT=3000'),
      {},
      'expose',
      5,
      /ENV PORT=3000, but the service port is 8000/,
      /ENV PORT=8000/,
    ],
    [
      'no HEALTHCHECK',
      replace(6, null),
      {},
      'healthcheck',
      1,
      /has no HEALTHCHECK in its final stage/,
      /HEALTHCHECK --interval/,
    ],
    [
      'HEALTHCHECK NONE',
      replace(6, 'HEALTHCHECK NONE'),
      {},
      'healthcheck',
      7,
      /disables the HEALTHCHECK/,
      /HEALTHCHECK/,
    ],
    [
      'ARG named like a token',
      replace(1, 'ARG NPM_TOKEN'),
      {},
      'secrets',
      2,
      /declares ARG NPM_TOKEN/,
      /RUN --mount=type=secret/,
    ],
    [
      'ENV named like a password',
      replace(4, 'ENV DB_PASSWORD=hunter2'),
      { port: null },
      'secrets',
      5,
      /declares ENV DB_PASSWORD/,
      /at run time/,
    ],
    [
      'FROM --platform of another platform',
      replace(0, 'FROM --platform=linux/arm64 node:24-bookworm-slim'),
      {},
      'platform',
      1,
      /builds FROM --platform=linux\/arm64, but the target platform is linux\/amd64/,
      /Remove --platform=linux\/arm64/,
    ],
  ])('%s', (_name, lines, overrides, check, line, message, hint) => {
    const findings = checkDockerfile(input(lines, overrides));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check, line, severity: 'error', file: 'apps/orders/Dockerfile' });
    expect(findings[0].message).toMatch(message);
    expect(findings[0].hint).toMatch(hint);
  });

  it('refuses a stage the Dockerfile does not have, before anything else, naming its stages and the fix', () => {
    const lines = [
      'FROM node:24 AS build',
      'RUN true',
      'FROM build AS debug',
      'FROM node:24-slim',
      ...GOOD.slice(1),
    ];
    const findings = checkDockerfile(input(lines, { stage: 'nosuchstage' }));
    expect(findings).toEqual([
      {
        check: 'stage',
        severity: 'error',
        file: 'apps/orders/Dockerfile',
        line: null,
        message:
          "apps/orders/Dockerfile has no stage named 'nosuchstage'. Its stages: build (line 1), debug (line 3) and 1 unnamed.",
        hint:
          'Set "stage" (or --stage on the command line) to one of build, debug, or name a stage ' +
          '\'FROM <image> AS nosuchstage\' in apps/orders/Dockerfile. Leave "stage" out to build the last stage.',
      },
    ]);
  });

  it('says when the Dockerfile names no stage at all', () => {
    const [finding] = checkDockerfile(input(GOOD, { stage: 'runtime' }));
    expect(finding.message).toBe(
      "apps/orders/Dockerfile has no stage named 'runtime': none of its 1 stage is named (FROM <image> AS <name>).",
    );
    expect(finding.hint).toMatch(
      /'FROM <image> AS runtime' in apps\/orders\/Dockerfile, or leave "stage" out/,
    );
  });

  it('checks the stage it is asked for: a named earlier stage is built and checked, not the last one', () => {
    const lines = [
      'FROM node:24 AS debug',
      'EXPOSE 9229',
      'HEALTHCHECK CMD true',
      'FROM node:24-slim',
      ...GOOD.slice(1),
    ];
    expect(checkDockerfile(input(lines, { stage: 'debug' })).map((f) => f.message)).toEqual([
      expect.stringMatching(/:2 has EXPOSE 9229, but the service listens on 8000/),
    ]);
  });
});

describe('single checks', () => {
  it('accepts chmod in the Dockerfile even when the file lacks its bit', () => {
    const lines = [...GOOD.slice(0, 3), 'RUN chmod +x /app/entrypoint.sh', ...GOOD.slice(3)];
    expect(checkExecBits(input(lines, { contextFiles: { 'entrypoint.sh': { executable: false } } }))).toEqual(
      [],
    );
  });

  it('says nothing when the script is not in the context (the build reports it)', () => {
    expect(checkExecBits(input(GOOD, { contextFiles: {} }))).toEqual([]);
  });

  it('uses the plain file name when the context is the workspace root', () => {
    const [finding] = checkExecBits(
      input(GOOD, { context: '.', contextFiles: { 'entrypoint.sh': { executable: false } } }),
    );
    expect(finding.hint).toMatch(/^chmod \+x entrypoint.sh /);
  });

  it('skips the EXPOSE check without a port, and accepts EXPOSE from a parent stage', () => {
    expect(checkExpose(input(replace(5, 'EXPOSE 1234'), { port: null }))).toEqual([]);
    expect(checkExpose(input(['FROM node:24 AS base', 'EXPOSE 8000', 'FROM base']))).toEqual([]);
  });

  it('accepts a HEALTHCHECK inherited from a parent stage', () => {
    expect(checkHealthcheck(input(['FROM node:24 AS base', 'HEALTHCHECK CMD true', 'FROM base']))).toEqual(
      [],
    );
  });

  it.each(['SECRET_KEY', 'api_token', 'DB_PASSWD', 'Password'])('flags %s', (name) => {
    expect(checkSecrets(input(['FROM node:24', `ENV ${name}=x`]))).toHaveLength(1);
  });

  it.each(['PORT', 'NODE_ENV', 'TOKENIZER_MODEL_DIR_X'.replace('TOKEN', 'TOKN'), 'PWD'])(
    'does not flag %s',
    (name) => {
      expect(checkSecrets(input(['FROM node:24', `ENV ${name}=x`]))).toEqual([]);
    },
  );

  it('flags a global ARG before FROM', () => {
    expect(checkSecrets(input(['ARG GITHUB_TOKEN', 'FROM node:24']))[0].line).toBe(1);
  });

  it('lets FROM --platform=$TARGETPLATFORM and the matching platform pass', () => {
    expect(checkFromPlatform(input(['FROM --platform=$TARGETPLATFORM node:24']))).toEqual([]);
    expect(checkFromPlatform(input(['FROM --platform=linux/amd64 node:24']))).toEqual([]);
    expect(checkFromPlatform(input(['FROM --platform=linux/x86_64 node:24']))).toEqual([]);
  });
});

describe('checkPaths', () => {
  it.each([
    [true, true, []],
    [false, true, ['The Dockerfile apps/orders/Dockerfile does not exist.']],
    [true, false, ['The build context apps/orders does not exist.']],
  ])('dockerfile %s, context %s', (dockerfileExists, contextExists, messages) => {
    const findings = checkPaths({
      dockerfile: 'apps/orders/Dockerfile',
      dockerfileExists,
      context: 'apps/orders',
      contextExists,
      projectName: 'orders',
    });
    expect(findings.map((f) => f.message)).toEqual(messages);
  });
});

describe('checkBaseImageInput', () => {
  const tracking = (runtimeCommands: string[], cached = true): CacheTracking => ({
    projectName: 'orders',
    projectFile: 'apps/orders/project.json',
    targetName: 'docker-build',
    cached,
    runtimeCommands,
  });
  const check = (lines: string[], t: CacheTracking | null) =>
    checkBaseImageInput(parseDockerfile(lines.join('\n')), 'apps/orders/Dockerfile', t);
  const tracked = baseImageInput(['node:24-bookworm-slim']).runtime;

  it('passes when a runtime input names the base image', () => {
    expect(check(GOOD, tracking([tracked]))).toEqual([]);
  });

  it('fails a cached target that does not hash its base image, naming the line and the input to add', () => {
    const [finding] = check(GOOD, tracking([]));
    expect(finding).toMatchObject({ check: 'base-image-input', severity: 'error', line: 1 });
    expect(finding.message).toBe(
      'apps/orders/Dockerfile:1 builds FROM node:24-bookworm-slim, but no input of orders:docker-build tracks ' +
        "that image's id: a new node:24-bookworm-slim under the same tag would be a cache hit that restores the old image.",
    );
    expect(finding.hint).toContain(
      `Add to "inputs" of docker-build in apps/orders/project.json: ${JSON.stringify({ runtime: tracked })}`,
    );
  });

  it('fails when the runtime input names another image (the FROM changed, the input did not)', () => {
    const findings = check(['FROM node:22-bookworm-slim', ...GOOD.slice(1)], tracking([tracked]));
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/builds FROM node:22-bookworm-slim/),
    ]);
  });

  it('a tag that merely starts like the tracked one is not tracked', () => {
    expect(check(['FROM node:24', ...GOOD.slice(1)], tracking([tracked]))).toHaveLength(1);
  });

  it('asks for every base image of a multi-stage build, in one input', () => {
    const findings = check(['FROM golang:1 AS build', 'RUN true', ...GOOD], tracking([]));
    expect(findings.map((f) => f.line)).toEqual([1, 3]);
    expect(findings[0].hint).toContain(JSON.stringify(baseImageInput(['golang:1', 'node:24-bookworm-slim'])));
  });

  it.each<[string, string[], CacheTracking | null]>([
    ['an uncached target', GOOD, tracking([], false)],
    ['a run outside a project graph', GOOD, null],
    ['FROM scratch', ['FROM scratch', 'COPY a /a'], tracking([])],
    ['a base image pinned by digest', [`FROM node:24@sha256:${'a'.repeat(64)}`], tracking([])],
  ])('has nothing to say for %s', (_name, lines, t) => {
    expect(check(lines, t)).toEqual([]);
  });
});

describe('checkBuiltPlatform', () => {
  it.each([
    ['linux/amd64', 'linux/amd64', 0],
    ['linux/arm64', 'linux/arm64/v8', 0],
    // containerd's default variants: arm64 is v8, amd64 is v1.
    ['linux/arm64/v8', 'linux/arm64', 0],
    ['linux/amd64', 'linux/x86_64', 0],
    ['linux/arm64', 'linux/aarch64', 0],
    ['linux/arm/v7', 'linux/arm/v6', 1],
    ['linux/amd64', 'linux/arm64/v8', 1],
    ['linux/amd64', '', 1],
  ])('expected %s, image %s → %d findings', (expected, actual, count) => {
    const findings = checkBuiltPlatform(expected, actual, 'orders:latest');
    expect(findings).toHaveLength(count);
    if (count) expect(findings[0].message).toMatch(/exec format error/);
  });
});

it('formats a finding with its fix', () => {
  expect(
    formatFinding({ check: 'expose', severity: 'error', file: 'f', line: 1, message: 'Bad.', hint: 'Do X.' }),
  ).toBe('ERROR [expose] Bad.\n  Fix: Do X.');
});
