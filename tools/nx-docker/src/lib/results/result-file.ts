import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NxDockerError } from '../errors';

/**
 * What the three versioned result files under `dist/images/<project>/` share: where they live, how they are
 * written (atomically) and how they are read (version checked, with the command that writes them again).
 * - `image.json` (image-manifest.ts): what docker-build made.
 * - `smoke.json` (smoke-manifest.ts): what smoke-test proved about that image id.
 * - `push.json` (push-record.ts): where ecr-push sent it, pinned by digest.
 */

export function imageOutputDir(workspaceRoot: string, project: string): string {
  return join(workspaceRoot, 'dist', 'images', project);
}

/** Writes atomically (temp file + rename): a reader never sees half a file. */
export function writeFileAtomic(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
  return path;
}

export function writeJsonAtomic(path: string, value: unknown): string {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export interface VersionedFile {
  workspaceRoot: string;
  path: string;
  /** The version this plugin reads and writes. */
  version: number;
  /** The command that writes the file again, e.g. `nx run orders:docker-build --skip-nx-cache`. */
  rewrite: string;
}

/**
 * The parsed file, or null when it does not exist. Throws, naming the file, when it is not JSON or has
 * another version than this plugin's: an old or foreign file is never read as if it were current.
 */
export function readVersionedJson<T extends { version: number }>(file: VersionedFile): Partial<T> | null {
  if (!existsSync(file.path)) return null;
  const shown = relativeToRoot(file.workspaceRoot, file.path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file.path, 'utf8'));
  } catch (cause) {
    throw new NxDockerError(`${shown} is not valid JSON.`, {
      hint: `Write it again: ${file.rewrite}`,
      cause,
    });
  }
  const found = (parsed as { version?: unknown } | null)?.version;
  if (typeof parsed !== 'object' || parsed === null || found !== file.version) {
    throw new NxDockerError(
      `${shown} has version ${found === undefined ? 'none' : JSON.stringify(found)}; this plugin reads version ${file.version}.`,
      { hint: `Write it again with this plugin: ${file.rewrite}` },
    );
  }
  return parsed as Partial<T>;
}

export function relativeToRoot(workspaceRoot: string, path: string): string {
  return path.startsWith(`${workspaceRoot}/`) ? path.slice(workspaceRoot.length + 1) : path;
}

/** One versioned result file of a project: where it is, its one writer and its one reader. */
export interface ResultFile<T extends { version: number; project: string }> {
  path(workspaceRoot: string, project: string): string;
  /** Writes atomically; returns the path. */
  write(workspaceRoot: string, value: T): string;
  /** null when absent; throws, naming the file, the version found and the fix, on one this version cannot read. */
  read(workspaceRoot: string, project: string): T | null;
}

/** `dist/images/<project>/<name>`, version `version`, written again by `rewrite(project)`. */
export function resultFile<T extends { version: number; project: string }>(
  name: string,
  version: T['version'],
  rewrite: (project: string) => string,
): ResultFile<T> {
  const path = (workspaceRoot: string, project: string) => join(imageOutputDir(workspaceRoot, project), name);
  return {
    path,
    write: (workspaceRoot, value) => writeJsonAtomic(path(workspaceRoot, value.project), value),
    read: (workspaceRoot, project) =>
      readVersionedJson<T>({
        workspaceRoot,
        path: path(workspaceRoot, project),
        version,
        rewrite: rewrite(project),
      }) as T | null,
  };
}
