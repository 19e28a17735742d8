import { gitHead } from '../../../lib/git/git';
import { projectPackageVersion } from '../../../lib/tags/package-version';
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
    version: options.version ?? projectPackageVersion(options.workspaceRoot, options.projectRoot),
    gitSha: await gitHead(options.workspaceRoot),
  };
}
