import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A throw-away git repository in `root` for specs: `git(...args)` runs there with a fixed identity and no
 * system or user config, `commit(message)` makes an empty commit (initialising the repository first) and
 * returns its sha.
 */
export function gitRepo(root: string): {
  git: (...args: string[]) => string;
  commit: (message: string) => string;
} {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: root },
    }).trim();
  const commit = (message: string) => {
    if (!existsSync(join(root, '.git'))) git('init', '--quiet');
    git('commit', '--quiet', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  return { git, commit };
}
