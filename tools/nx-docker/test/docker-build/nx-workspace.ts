import { execa } from 'execa';
import { nxCliEnv, ownNxDirectories } from '../support/nx-cli-env';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFiles } from './engine';
import type { FixtureFiles } from './fixtures/four-services';

/** A throw-away git repository holding a fixture workspace, the plugin copied in, node_modules linked. */

export const MAIN_ROOT = resolve(__dirname, '../../../..');
const PLUGIN = 'tools/nx-docker';

export function makeGitWorkspace(files: FixtureFiles): string {
  const root = mkdtempSync(join(tmpdir(), 'nx-docker-ws-'));
  writeFiles(root, files);
  for (const entry of ['package.json', 'executors.json', 'generators.json', 'src']) {
    const from = join(MAIN_ROOT, PLUGIN, entry);
    if (existsSync(from)) cpSync(from, join(root, PLUGIN, entry), { recursive: true });
  }
  writeFiles(root, {
    [`${PLUGIN}/project.json`]:
      '{ "name": "nx-docker", "sourceRoot": "tools/nx-docker/src", "projectType": "library" }\n',
  });
  // The plugin resolves through the alias, as in the real workspace.
  const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
  base.compilerOptions.paths['@ventas/nx-docker'] = [`${PLUGIN}/src/index.ts`];
  writeFiles(root, { 'tsconfig.base.json': `${JSON.stringify(base, null, 2)}\n` });
  symlinkSync(join(MAIN_ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}

export async function git(root: string, ...args: string[]): Promise<string> {
  const result = await execa('git', args, { cwd: root, env: GIT_ENV });
  return result.stdout;
}

export async function commitAll(root: string, message: string): Promise<void> {
  await git(root, 'add', '-A');
  await git(root, 'commit', '--quiet', '--no-verify', '-m', message);
}

export async function initRepository(root: string): Promise<void> {
  await git(root, 'init', '--quiet', '--initial-branch=main');
  await commitAll(root, 'fixture');
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.invalid',
  GIT_COMMITTER_NAME: 'fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.invalid',
};

/** Runs the real nx CLI of the main workspace in `root` (environment: nxCliEnv). */
export async function nx(root: string, args: string[], env: Record<string, string> = {}) {
  const result = await execa(process.execPath, [join(MAIN_ROOT, 'node_modules/nx/dist/bin/nx.js'), ...args], {
    cwd: root,
    reject: false,
    all: true,
    extendEnv: false,
    env: nxCliEnv({ ...ownNxDirectories(root), ...env }),
  });
  return { exitCode: result.exitCode ?? -1, output: String(result.all ?? '') };
}
