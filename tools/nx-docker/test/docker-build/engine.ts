import type { ExecutorContext, TargetConfiguration } from '@nx/devkit';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DockerBuildExecutorSchema } from '../../src/executors/docker-build/schema';
import { runDocker } from '../../src/lib/docker/docker';

/** Helpers for specs that need the real Docker engine. Everything they make is labelled and removed. */

export const TEST_LABEL = 'ventas.test=1';

export async function requireDockerEngine(): Promise<void> {
  const result = await runDocker(['version', '--format', '{{.Server.Version}}'], {
    reject: false,
    timeoutMs: 20_000,
  });
  if (result.failed) {
    throw new Error(
      `These tests need the Docker engine, which did not answer (${result.stderr.trim().split('\n')[0]}). ` +
        'Start it with: bash tools/scripts/docker-engine.sh',
    );
  }
}

export function uniqueName(prefix = 'ventas-test'): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** A tmp workspace with one project per entry: files relative to the workspace root, `mode` for scripts. */
export function makeWorkspace(files: Record<string, string | { text: string; mode: number }>): string {
  const root = mkdtempSync(join(tmpdir(), 'docker-build-int-'));
  writeFiles(root, files);
  return root;
}

export function writeFiles(
  root: string,
  files: Record<string, string | { text: string; mode: number }>,
): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : content.text);
    if (typeof content !== 'string') chmodSync(full, content.mode);
  }
}

/** `target`: the running target as Nx would have merged it (cache, inputs); none by default. */
export function fakeContext(
  root: string,
  projects: Record<string, string>,
  projectName: string,
  target?: { name: string } & TargetConfiguration,
): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName,
    ...(target ? { targetName: target.name } : {}),
    projectsConfigurations: {
      version: 2,
      projects: Object.fromEntries(
        Object.entries(projects).map(([name, projectRoot]) => [
          name,
          {
            root: projectRoot,
            ...(target && name === projectName ? { targets: { [target.name]: target } } : {}),
          },
        ]),
      ),
    },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
}

/** A service image that needs no base image: FROM scratch + COPY + HEALTHCHECK + EXPOSE + CMD. */
export function scratchService(
  projectRoot: string,
  overrides: { dockerfile?: string; entrypointMode?: number } = {},
) {
  return {
    [`${projectRoot}/Dockerfile`]:
      overrides.dockerfile ??
      [
        'FROM scratch',
        'WORKDIR /app',
        'COPY app.txt ./',
        'COPY entrypoint.sh /app/entrypoint.sh',
        'EXPOSE 8000',
        'HEALTHCHECK --interval=5s CMD ["/app/entrypoint.sh", "health"]',
        'CMD ["/app/entrypoint.sh"]',
        '',
      ].join('\n'),
    [`${projectRoot}/app.txt`]: `${projectRoot}\n`,
    [`${projectRoot}/entrypoint.sh`]: {
      text: '#!/bin/sh\necho up\n',
      mode: overrides.entrypointMode ?? 0o755,
    },
    [`${projectRoot}/package.json`]: '{ "name": "svc", "version": "1.0.0" }\n',
  };
}

/** Removes the given tags and image ids, ignoring those already gone. Never anything else. */
export async function removeImages(refs: Iterable<string>): Promise<void> {
  const list = [...new Set(refs)];
  if (list.length === 0) return;
  await runDocker(['image', 'rm', '--force', ...list], { reject: false });
}

export { imageIdOf } from '../../src/lib/docker/image-id';

/**
 * Collects what an executor prints (Nx's logger goes through console, streamed Docker output through
 * process.stdout) into the returned array. The spies end with the test's jest.restoreAllMocks().
 */
export function captureExecutorOutput(): string[] {
  const output: string[] = [];
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    jest.spyOn(console, level).mockImplementation((...parts: unknown[]) => void output.push(parts.join(' ')));
  }
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    output.push(String(chunk));
    return true;
  });
  return output;
}

export interface ScratchServiceSuite {
  /** Tags and image ids the tests made: removed after the last test. */
  readonly created: Set<string>;
  /** The running test's workspace, holding the scratch service `svc` at apps/svc. */
  readonly root: string;
  /** What the executor printed so far in the running test. */
  readonly output: string[];
  /** docker-build options for `svc`: the suite's repository, tags latest and v{version}, port 8000, the test label. */
  options(extra?: DockerBuildExecutorSchema): DockerBuildExecutorSchema;
}

/**
 * The hooks of a spec that runs docker-build on a scratch service: the engine is checked once, each test gets a
 * fresh workspace and its own output capture, and after the last test every image in `created` is removed and
 * no image of `repository` may be left (so a test that forgets to record one fails here).
 */
export function scratchServiceSuite(repository: string): ScratchServiceSuite {
  const created = new Set<string>();
  let root: string | undefined;
  let output: string[] = [];

  beforeAll(async () => {
    await requireDockerEngine();
  });

  beforeEach(() => {
    root = makeWorkspace(scratchService('apps/svc'));
    output = captureExecutorOutput();
  });

  afterEach(() => {
    jest.restoreAllMocks();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  afterAll(async () => {
    await removeImages(created);
    // `*` on both sides: the derived repositories too (`<repository>-armbase`).
    const left = await runDocker(['image', 'ls', '--quiet', '--filter', `reference=*${repository}*`], {
      reject: false,
    });
    expect(left.stdout.trim()).toBe('');
  });

  return {
    created,
    get root() {
      if (!root) throw new Error('no workspace outside a test');
      return root;
    },
    get output() {
      return output;
    },
    options: (extra = {}) => ({
      repository,
      tags: ['latest', 'v{version}'],
      port: 8000,
      labels: { 'ventas.test': '1' },
      ...extra,
    }),
  };
}
