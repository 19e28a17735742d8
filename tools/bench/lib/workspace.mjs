/**
 * What the benchmarks share: running commands with timings, nx and docker, and a throw-away copy of the
 * workspace (apps/, libs/, the plugin, root config) so that the shared tree, its dist/ and its Nx cache are never
 * touched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const NX_ENV = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  CI: 'true',
  NX_INTERACTIVE: 'false',
};

/** Runs a command; returns its wall time and output. Throws with the output's tail unless `allowFail`. */
export function sh(command, argv, options = {}) {
  const started = performance.now();
  const result = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  const ms = performance.now() - started;
  if (result.status !== 0 && !options.allowFail) {
    throw new Error(
      `${command} ${argv.join(' ')} failed (${result.status}):\n${(result.stdout ?? '').slice(-3000)}\n${(result.stderr ?? '').slice(-3000)}`,
    );
  }
  return { ms, out: `${result.stdout ?? ''}${result.stderr ?? ''}`, status: result.status };
}

/** The workspace's nx CLI in `root` (plain output for run-many and affected). */
export const nx = (root, argv, options = {}) =>
  sh(
    process.execPath,
    [
      join(MAIN, 'node_modules/nx/dist/bin/nx.js'),
      ...argv,
      ...(['run-many', 'affected'].includes(argv[0]) ? ['--outputStyle=static'] : []),
    ],
    { cwd: root, env: NX_ENV, ...options },
  );

export const docker = (argv, options) => sh(process.env.NX_DOCKER_BINARY || 'docker', argv, options);

const ROOT_ENTRIES = [
  'apps',
  'libs',
  'tools/smoke-postgres',
  'nx.json',
  'tsconfig.base.json',
  'package.json',
  'package-lock.json',
  'jest.preset.js',
  'eslint.config.mjs',
  '.prettierrc',
  '.gitignore',
  '.env',
];
const PLUGIN_ENTRIES = [
  'package.json',
  'executors.json',
  'generators.json',
  'project.json',
  'tsconfig.json',
  'src',
];

/**
 * A copy of the working tree in a new temp dir named `<prefix>XXXXXX`; with `ref`, the plugin, apps/, libs/,
 * tools/smoke-postgres and tsconfig.base.json come from that commit (read with git archive: the shared index and working tree are left alone).
 * node_modules holds links to the workspace's packages, except the plugin's own link, which points at the
 * copy's plugin: so a copy of another commit runs that commit's executors.
 */
export function copyWorkspace(prefix, ref) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const skip = new Set(['node_modules', 'dist', '.nx', 'tmp', 'coverage']);
  const filter = (src) => !skip.has(src.split('/').pop());
  for (const entry of ROOT_ENTRIES) {
    if (existsSync(join(MAIN, entry)))
      cpSync(join(MAIN, entry), join(root, entry), { recursive: true, filter });
  }
  if (ref) {
    // The code as it was at ref: the plugin, the services and their kit, the sidecar image, the paths they use.
    const paths = ['tools/nx-docker', 'apps', 'libs', 'tools/smoke-postgres', 'tsconfig.base.json'].filter(
      (path) => existsAt(ref, path),
    );
    for (const path of paths) rmSync(join(root, path), { recursive: true, force: true });
    const tar = execFileSync('git', ['archive', '--format=tar', ref, '--', ...paths], {
      cwd: MAIN,
      maxBuffer: 256 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', root], { input: tar });
    for (const entry of readdirSync(join(root, 'tools/nx-docker'))) {
      if (!PLUGIN_ENTRIES.includes(entry) && entry !== 'loader')
        rmSync(join(root, 'tools/nx-docker', entry), { recursive: true, force: true });
    }
  } else {
    for (const entry of PLUGIN_ENTRIES) {
      const from = join(MAIN, 'tools/nx-docker', entry);
      if (existsSync(from)) cpSync(from, join(root, 'tools/nx-docker', entry), { recursive: true, filter });
    }
  }
  mkdirSync(join(root, 'node_modules/@ventas'), { recursive: true });
  for (const entry of readdirSync(join(MAIN, 'node_modules'))) {
    if (entry !== '@ventas' && entry !== '.cache')
      symlinkSync(join(MAIN, 'node_modules', entry), join(root, 'node_modules', entry));
  }
  symlinkSync('../../tools/nx-docker', join(root, 'node_modules/@ventas/nx-docker'));
  return root;
}

/** Whether the commit holds the path (git archive fails on a missing one). */
function existsAt(ref, path) {
  try {
    execFileSync('git', ['cat-file', '-e', `${ref}:${path}`], { cwd: MAIN, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
