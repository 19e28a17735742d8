import type { ExecutorContext } from '@nx/devkit';
import { createHash } from 'node:crypto';
import type { ImageInputs } from '../../../lib/results/image-manifest';
import { currentTask } from '../../../lib/results/task-graph';

/**
 * What this build's inputs hashed to, for image.json: Nx's per-input hashes of the task (hashDetails, which Nx
 * computes before the task runs and hands the executor in context.taskGraph), plus the Dockerfile's digest and
 * one digest per option, which Nx folds into larger inputs. Pure. null when Nx gave no hash details.
 */
export function imageInputs(
  context: ExecutorContext,
  options: object,
  dockerfile: { path: string; text: string | Buffer },
): ImageInputs | null {
  const task = currentTask(context);
  const details = task?.hashDetails;
  if (!task?.hash || !details) return null;
  return {
    taskHash: task.hash,
    command: details.command,
    nodes: sortKeys(details.nodes),
    dockerfile: { path: dockerfile.path, sha256: sha256(dockerfile.text) },
    options: optionDigests(options),
  };
}

/** One short digest per option; key order inside an object option does not count. */
export function optionDigests(options: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(options)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => [key, sha256(canonicalJson(value)).slice(0, 16)]),
  );
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
