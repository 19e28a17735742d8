import { resultFile } from './result-file';

/**
 * `dist/images/<project>/push.json`: where ecr-push sent the image, pinned by digest. Versioned, written by
 * ecr-push, read by the workspace report (and CI, deploy tooling). This module is its one reader and writer.
 */
export const PUSH_RECORD_VERSION = 1;

export interface PushRecord {
  version: typeof PUSH_RECORD_VERSION;
  project: string;
  /** The registry host, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com` or `127.0.0.1:55000`. */
  registry: string;
  repositoryUri: string;
  imageId: string;
  platform: string;
  /** Every tag that now holds the image. */
  tags: string[];
  pushed: string[];
  /** Tags that already held the image. */
  skipped: string[];
  digest: string;
  /** `repositoryUri@digest`: what deployments should run. */
  imageUri: string;
  pushedAt: string;
}

const PUSH_JSON = resultFile<PushRecord>(
  'push.json',
  PUSH_RECORD_VERSION,
  (project) => `nx run ${project}:ecr-push`,
);

export const pushRecordPath = PUSH_JSON.path;
export const writePushRecord = PUSH_JSON.write;
/** null when the image was never pushed. */
export const readPushRecord = PUSH_JSON.read;
