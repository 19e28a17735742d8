import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitRepo } from '../../../test/support/git-repo';
import { git, gitHead } from './git';

// Real git in a temp dir: the helper is the effect, so it is tested against the real thing.
let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'git-helper-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('outside a repository: null, not a throw', async () => {
  await expect(gitHead(root)).resolves.toBeNull();
  await expect(git(root, ['config', '--get', 'remote.origin.url'])).resolves.toBeNull();
});

it('before the first commit: HEAD is null', async () => {
  gitRepo(root).git('init', '--quiet');
  await expect(gitHead(root)).resolves.toBeNull();
});

it('after a commit: HEAD is its sha, and output is trimmed', async () => {
  const sha = gitRepo(root).commit('A');
  await expect(gitHead(root)).resolves.toBe(sha);
  await expect(git(root, ['log', '-1', '--format=%H'])).resolves.toBe(sha);
});
