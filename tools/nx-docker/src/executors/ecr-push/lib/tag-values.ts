import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTags, tagOf, TagValues } from '../../../lib/tags/tags';
import type { NormalizedEcrPushOptions } from './normalize-options';

/**
 * The tag names to push. Without templates: the tags image.json holds (docker-build rendered them from
 * the same templates, so the registry gets exactly what was built and smoke-tested). With templates:
 * rendered by the shared `renderTags`, against the registry repository.
 */
export async function resolveTagNames(
  options: NormalizedEcrPushOptions,
  manifestTags: string[],
  repositoryUri: string,
): Promise<string[]> {
  if (!options.tagTemplates) return [...new Set(manifestTags.map(tagOf))];
  const refs = renderTags(options.tagTemplates, await gatherTagValues(options), repositoryUri);
  return refs.map(tagOf);
}

async function gatherTagValues(options: NormalizedEcrPushOptions): Promise<TagValues> {
  return {
    projectName: options.projectName,
    version:
      options.version ?? packageVersion(join(options.workspaceRoot, options.projectRoot, 'package.json')),
    gitSha: process.env['GIT_SHA'] || (await gitHead(options.workspaceRoot)),
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

async function gitHead(cwd: string): Promise<string | null> {
  const result = await execa('git', ['rev-parse', 'HEAD'], { cwd, reject: false });
  return result.failed ? null : String(result.stdout).trim() || null;
}
