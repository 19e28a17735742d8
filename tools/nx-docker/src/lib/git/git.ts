import { execa } from 'execa';

/**
 * The one way the plugin asks git: an argv array, a timeout, failure as data. Git is optional (a workspace
 * may be an export without .git), so every question answers null instead of throwing.
 */
export async function git(cwd: string, args: string[]): Promise<string | null> {
  const result = await execa('git', args, { cwd, reject: false, timeout: 10_000, stdin: 'ignore' });
  const stdout = String(result.stdout ?? '').trim();
  return result.failed || !stdout ? null : stdout;
}

/** The commit HEAD names; null outside a repository or before the first commit. */
export async function gitHead(cwd: string): Promise<string | null> {
  const sha = await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  return sha && /^[0-9a-f]{40,64}$/.test(sha) ? sha : null;
}
