import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// The loader executors.json names: real esbuild, real files; a tiny executor tree stands in for src/.
const loader = require('../../loader/executors.cjs') as {
  createExecutorLoader: (
    source: string,
    cache: string,
  ) => (name: string) => { executor: (...args: unknown[]) => unknown; bundle: string };
  dockerBuild: unknown;
  smokeTest: unknown;
  ecrPush: unknown;
};

let root: string;
let source: string;
let cache: string;

function write(path: string, text: string) {
  mkdirSync(dirname(join(source, path)), { recursive: true });
  writeFileSync(join(source, path), text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'executor-loader-'));
  source = join(root, 'src');
  cache = join(root, 'node_modules', '.cache', 'executors');
  write('lib/answer.ts', 'export const answer: number = 41;\n');
  write(
    'executors/echo/echo.impl.ts',
    "import { answer } from '../../lib/answer';\n\nexport default async function echo(): Promise<number> {\n  return answer + 1;\n}\n",
  );
  write('executors/echo/echo.impl.spec.ts', "it('is not part of the bundle', () => undefined);\n");
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('createExecutorLoader', () => {
  it('bundles the TypeScript executor with what it imports and returns its default export', async () => {
    const { executor, bundle } = loader.createExecutorLoader(source, cache)('echo');
    expect(await executor()).toBe(42);
    expect(dirname(bundle)).toBe(cache);
  });

  it('reuses the bundle while no source file changed', () => {
    const load = loader.createExecutorLoader(source, cache);
    const first = load('echo').bundle;
    const written = statSync(first).mtimeMs;
    expect(load('echo').bundle).toBe(first);
    expect(statSync(first).mtimeMs).toBe(written);
    // A spec file is not source: editing one bundles nothing new.
    write('executors/echo/echo.impl.spec.ts', "it('still not', () => undefined);\n");
    expect(load('echo').bundle).toBe(first);
  });

  it('bundles again when an imported file changes, so what runs is always the source', async () => {
    const load = loader.createExecutorLoader(source, cache);
    const first = load('echo').bundle;
    write('lib/answer.ts', 'export const answer: number = 99;\n');
    const second = load('echo');
    expect(second.bundle).not.toBe(first);
    expect(await second.executor()).toBe(100);
  });

  it('removes bundles of earlier sources once they are over a minute old', () => {
    const load = loader.createExecutorLoader(source, cache);
    const first = load('echo').bundle;
    write('lib/answer.ts', 'export const answer: number = 1;\n');
    const second = load('echo').bundle;
    // Just replaced: a task that is still loading it keeps it.
    expect(existsSync(first)).toBe(true);
    const old = new Date(Date.now() - 120_000);
    utimesSync(first, old, old);
    write('lib/answer.ts', 'export const answer: number = 2;\n');
    const third = load('echo').bundle;
    expect(readdirSync(cache).sort()).toEqual([second, third].map((p) => p.slice(cache.length + 1)).sort());
  });
});

describe("the plugin's own executors through the loader", () => {
  it.each([
    ['dockerBuild', 'dockerBuildExecutor'],
    ['smokeTest', 'smokeTestExecutor'],
    ['ecrPush', 'ecrPushExecutor'],
  ] as const)('%s is the %s function', (exported, name) => {
    const executor = loader[exported] as { name: string };
    expect(typeof executor).toBe('function');
    expect(executor.name).toBe(name);
  });
});
