import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const { linkedPackage, link, check } = require('../../loader/link-package.cjs') as {
  linkedPackage: (plugin: string, fromPackage: string) => Record<string, string>;
  link: (workspaceRoot: string, plugin?: string) => string;
  check: (workspaceRoot: string, plugin?: string) => string | null;
};

const MAIN_ROOT = resolve(__dirname, '../../../..');
const PLUGIN = join(MAIN_ROOT, 'tools/nx-docker');

describe('linkedPackage', () => {
  it('points every executor and generator of the plugin back at tools/nx-docker', () => {
    const files = linkedPackage(PLUGIN, '../../../tools/nx-docker');
    const executors = JSON.parse(files['executors.json']).executors;
    const generators = JSON.parse(files['generators.json']).generators;
    const source = (file: string) => JSON.parse(readFileSync(join(PLUGIN, file), 'utf8'));
    expect(Object.keys(executors)).toEqual(Object.keys(source('executors.json').executors));
    expect(Object.keys(generators)).toEqual(Object.keys(source('generators.json').generators));
    expect(executors['docker-build']).toMatchObject({
      implementation: '../../../tools/nx-docker/loader/executors.cjs#dockerBuild',
      schema: '../../../tools/nx-docker/src/executors/docker-build/schema.json',
    });
    expect(JSON.parse(files['package.json'])).toMatchObject({
      name: '@ventas/nx-docker',
      executors: './executors.json',
      generators: './generators.json',
    });
  });
});

describe('link and check, in a throw-away workspace', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'link-package-'));
    for (const file of ['package.json', 'executors.json', 'generators.json']) {
      mkdirSync(join(root, 'tools/nx-docker'), { recursive: true });
      writeFileSync(join(root, 'tools/nx-docker', file), readFileSync(join(PLUGIN, file)));
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes node_modules/@ventas/nx-docker, whose paths resolve to the plugin, and check then passes', () => {
    const plugin = join(root, 'tools/nx-docker');
    expect(check(root, plugin)).toMatch(/node_modules\/@ventas\/nx-docker\/package.json is missing/);
    const dir = link(root, plugin);
    expect(dir).toBe(join(root, 'node_modules/@ventas/nx-docker'));
    expect(check(root, plugin)).toBeNull();
    const executors = JSON.parse(readFileSync(join(dir, 'executors.json'), 'utf8')).executors;
    expect(resolve(dir, executors['smoke-test'].schema)).toBe(
      join(plugin, 'src/executors/smoke-test/schema.json'),
    );
  });

  it('check names what went stale after executors.json changed', () => {
    const plugin = join(root, 'tools/nx-docker');
    link(root, plugin);
    const executors = JSON.parse(readFileSync(join(plugin, 'executors.json'), 'utf8'));
    executors.executors['docker-build'].description = 'changed';
    writeFileSync(join(plugin, 'executors.json'), JSON.stringify(executors));
    expect(check(root, plugin)).toBe(
      'node_modules/@ventas/nx-docker/executors.json is missing or out of date',
    );
  });
});

describe('this workspace', () => {
  // What makes Nx read the plugin as an installed package (no TypeScript loaded to hash its tasks).
  it('resolves @ventas/nx-docker from node_modules, linked and current (npm ci runs the link)', () => {
    expect(check(MAIN_ROOT)).toBeNull();
    const packageJson = realpathSync(
      require.resolve('@ventas/nx-docker/package.json', { paths: [MAIN_ROOT] }),
    );
    expect(dirname(packageJson)).toBe(join(MAIN_ROOT, 'node_modules/@ventas/nx-docker'));
  });

  it('every file the linked package names exists', () => {
    const dir = join(MAIN_ROOT, 'node_modules/@ventas/nx-docker');
    const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const paths = [
      ...Object.values<{ implementation: string; schema: string }>(read('executors.json').executors).flatMap(
        (e) => [e.implementation.split('#')[0], e.schema],
      ),
      ...Object.values<{ factory: string; schema: string }>(read('generators.json').generators).flatMap(
        (g) => [`${g.factory}.ts`, g.schema],
      ),
    ];
    expect(paths.filter((p) => !existsSync(resolve(dir, p)))).toEqual([]);
  });
});
