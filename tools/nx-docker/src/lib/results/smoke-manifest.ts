import { resultFile } from './result-file';

/**
 * `dist/images/<project>/smoke.json`: what the smoke test proved about one image id. Versioned, written by
 * the smoke-test executor, read by ecr-push (its gate) and the workspace report (and CI). This module is its one reader and writer.
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

const SMOKE_JSON = resultFile<SmokeManifest>(
  'smoke.json',
  SMOKE_MANIFEST_VERSION,
  (project) => `nx run ${project}:smoke-test --skip-nx-cache`,
);

export const smokeManifestPath = SMOKE_JSON.path;
export const writeSmokeManifest = SMOKE_JSON.write;
/** null when the image was never smoke-tested. */
export const readSmokeManifest = SMOKE_JSON.read;
