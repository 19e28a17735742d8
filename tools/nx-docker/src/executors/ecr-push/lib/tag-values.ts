import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TagValues } from '../../../lib/tags/tags';
import type { NormalizedEcrPushOptions } from './normalize-options';

/**
 * The effects of tag naming, gathered once per push: the project's package.json version and the commit being
 * shipped, which is the workspace's git HEAD now (not the commit a cached docker-build ran at). Pure naming
 * is in push-tags.ts.
 */
export async function gatherTagValues(options: NormalizedEcrPushOptions): Promise<TagValues> {
  return {
    projectName: options.projectName,
    version:
      options.version ?? packageVersion(join(options.workspaceRoot, options.projectRoot, 'package.json')),
    gitSha: await gitHead(options.workspaceRoot),
  };
}

function packageVersion(path: string): string | null {
  if (!existsSync(path)) return null;
  try {
    const version = JSON.parse(readFileSync(path, 'utf8')).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

/** `git rev-parse HEAD` in the workspace; null outside a repository or before the first commit. */
export async function gitHead(cwd: string): Promise<string | null> {
  const result = await execa('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], {
    cwd,
    reject: false,
    timeout: 10_000,
  });
  const sha = String(result.stdout ?? '').trim();
  return !result.failed && /^[0-9a-f]{40,64}$/.test(sha) ? sha : null;
}
