import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ImageManifest, readImageManifest } from '../results/image-manifest';
import { PushRecord, readPushRecord } from '../results/push-record';
import { readSmokeManifest, SmokeManifest } from '../results/smoke-manifest';

export interface ImageRecord {
  project: string;
  image: ImageManifest | null;
  smoke: SmokeManifest | null;
  push: PushRecord | null;
  /** Files that exist but could not be read, with why. */
  errors: string[];
}

/** Reads dist/images/<project>/{image,smoke,push}.json for every project that has an image.json. */
export function collectImageRecords(workspaceRoot: string): ImageRecord[] {
  const dir = join(workspaceRoot, 'dist', 'images');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'image.json')))
    .map((entry) => entry.name)
    .sort()
    .map((project) => {
      const errors: string[] = [];
      const attempt = <T>(what: string, read: () => T | null): T | null => {
        try {
          return read();
        } catch (error) {
          errors.push(`${what}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
          return null;
        }
      };
      return {
        project,
        image: attempt('image.json', () => readImageManifest(workspaceRoot, project)),
        smoke: attempt('smoke.json', () => readSmokeManifest(workspaceRoot, project)),
        push: attempt('push.json', () => readPushRecord(workspaceRoot, project)),
        errors,
      };
    });
}
