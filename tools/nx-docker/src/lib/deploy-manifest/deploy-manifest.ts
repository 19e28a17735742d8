import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { writeJsonAtomic } from '../results/result-file';
import { NxDockerError } from '../errors';

/**
 * The workspace deploy manifest that Terraform reads: `dist/deploy/images.auto.tfvars.json`,
 * `{ "<variable>": { "<service>": "<repositoryUri>@sha256:…" } }`. Each project's push merges its
 * own entry. Parallel pushes (nx run-many) are serialised by an exclusive lock file (`open wx`),
 * and the file is replaced atomically, so a reader never sees half a file and no entry is lost.
 * This module is its one writer; Terraform is its reader (so no version key: Terraform would
 * warn about an undeclared variable).
 */
export interface DeployEntry {
  path: string;
  variable: string;
  service: string;
  imageUri: string;
}

export interface LockOptions {
  timeoutMs?: number;
  /** A lock older than this is from a crashed run and is broken. */
  staleMs?: number;
}

export async function updateDeployManifest(
  entry: DeployEntry,
  options: LockOptions = {},
): Promise<Record<string, unknown>> {
  return withFileLock(`${entry.path}.lock`, options, () => {
    const current = readDeployManifest(entry.path);
    const existing = current[entry.variable];
    const services =
      existing && typeof existing === 'object' && !Array.isArray(existing)
        ? (existing as Record<string, string>)
        : {};
    const merged = { ...services, [entry.service]: entry.imageUri };
    const next = {
      ...current,
      [entry.variable]: Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b))),
    };
    writeJsonAtomic(entry.path, next);
    return next;
  });
}

export function readDeployManifest(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  const text = readFileSync(path, 'utf8');
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw new NxDockerError(`The deploy manifest ${path} is not a JSON object.`, {
    hint: 'Delete it; the next ecr-push of each service writes it again.',
  });
}

export async function withFileLock<T>(lockPath: string, options: LockOptions, run: () => T): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const staleMs = options.staleMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let fd: number | null = null;
  while (fd === null) {
    try {
      fd = openSync(lockPath, 'wx');
      writeSync(fd, `${process.pid}\n`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        mkdirSync(dirname(lockPath), { recursive: true });
        continue;
      }
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lockPath, staleMs)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new NxDockerError(`Timed out after ${timeoutMs} ms waiting for the lock ${lockPath}.`, {
          hint: 'Another push may have crashed while holding it: delete the .lock file if no push is running.',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
  }
  try {
    return run();
  } finally {
    closeSync(fd);
    rmSync(lockPath, { force: true });
  }
}

function isStale(lockPath: string, staleMs: number): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > staleMs;
  } catch {
    return false;
  }
}
