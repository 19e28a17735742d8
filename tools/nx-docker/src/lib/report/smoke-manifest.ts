import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageOutputDir, writeJsonAtomic } from '../image-manifest/image-manifest';

/**
 * `dist/images/<project>/smoke.json`: what the smoke test proved about one image id. Versioned, written by
 * the smoke-test executor, read by the workspace report (and CI). This module is its one reader and writer.
 */
export const SMOKE_MANIFEST_VERSION = 1;

export type SmokeCheckStatus = 'passed' | 'failed' | 'warning';

export interface SmokeCheck {
  /** `platform`, `port`, …, `sidecar db`, `healthy`, `endpoint GET /api/x`, `stop`. */
  check: string;
  status: SmokeCheckStatus;
  message: string;
  hint?: string;
}

export interface SmokeTimings {
  structureMs: number;
  /** From `docker run` of the service until Docker and the HTTP health path agreed it is healthy. */
  timeToHealthyMs: number | null;
  /** From `docker stop` until the container had exited. */
  stopMs: number | null;
  totalMs: number;
}

export interface SmokeManifest {
  version: typeof SMOKE_MANIFEST_VERSION;
  project: string;
  imageId: string;
  image: string;
  platform: string;
  passed: boolean;
  healthy: boolean;
  testedAt: string;
  checks: SmokeCheck[];
  timings: SmokeTimings;
  /** The first check that failed, or null. */
  failure: { check: string; message: string; hint?: string } | null;
}

export function smokeManifestPath(workspaceRoot: string, project: string): string {
  return join(imageOutputDir(workspaceRoot, project), 'smoke.json');
}

export function writeSmokeManifest(workspaceRoot: string, manifest: SmokeManifest): string {
  return writeJsonAtomic(smokeManifestPath(workspaceRoot, manifest.project), manifest);
}

/** null when absent; throws on a file this version cannot read, so the report can say why. */
export function readSmokeManifest(workspaceRoot: string, project: string): SmokeManifest | null {
  const path = smokeManifestPath(workspaceRoot, project);
  if (!existsSync(path)) return null;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SmokeManifest>;
  if (parsed.version !== SMOKE_MANIFEST_VERSION) {
    throw new Error(
      `${path} has version ${String(parsed.version)}; this plugin reads version ${SMOKE_MANIFEST_VERSION}.`,
    );
  }
  return parsed as SmokeManifest;
}
