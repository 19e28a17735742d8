import type { ExecutorContext } from '@nx/devkit';
import { git } from '../../../lib/git/git';
import { projectPackageVersion } from '../../../lib/tags/package-version';
import type { BuildFacts } from './normalize-options';

/**
 * The effects normalizeOptions needs, gathered in one place: package.json version, git sha, commit
 * time and remote (two git calls, in parallel), and NX_DOCKER_BINARY.
 */
export async function gatherFacts(
  context: ExecutorContext,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BuildFacts> {
  const root = context.projectName
    ? context.projectsConfigurations?.projects[context.projectName]?.root
    : undefined;
  const [head, remote] = await Promise.all([
    git(context.root, ['log', '-1', '--format=%H %cI %ct']),
    git(context.root, ['config', '--get', 'remote.origin.url']),
  ]);
  const [gitSha, commitTime, commitEpoch] = head ? head.split(' ') : [null, null, null];
  return {
    packageVersion: root ? projectPackageVersion(context.root, root) : null,
    gitSha: gitSha || null,
    gitRemote: remote,
    // The commit time, not the clock: an unchanged tree then rebuilds to the same image id.
    created: commitTime || new Date().toISOString(),
    commitEpoch: commitEpoch || null,
    envBinary: env['NX_DOCKER_BINARY']?.trim() || null,
  };
}
