import { constants, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The file facts the exec-bit check needs: for each context-relative path that exists as a file,
 * whether someone may execute it. The one place the checks touch the file system.
 */
export function statContextFiles(
  contextDir: string,
  paths: string[],
): Record<string, { executable: boolean }> {
  const facts: Record<string, { executable: boolean }> = {};
  for (const path of paths) {
    try {
      const stat = statSync(join(contextDir, path));
      if (!stat.isFile()) continue;
      facts[path] = {
        executable: (stat.mode & (constants.S_IXUSR | constants.S_IXGRP | constants.S_IXOTH)) !== 0,
      };
    } catch {
      // Not in the context: the build will say so; nothing to check here.
    }
  }
  return facts;
}
