import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The `version` of the project's package.json (what `{version}` in a tag template falls back to); null without one. */
export function projectPackageVersion(workspaceRoot: string, projectRoot: string): string | null {
  const path = join(workspaceRoot, projectRoot, 'package.json');
  if (!existsSync(path)) return null;
  try {
    const version = JSON.parse(readFileSync(path, 'utf8')).version;
    return typeof version === 'string' && version ? version : null;
  } catch {
    return null;
  }
}
