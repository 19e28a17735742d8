import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageManifest, readImageManifest } from '../image-manifest/image-manifest';
import { readSmokeManifest, SmokeManifest } from './smoke-manifest';

/** The fields of push.json (written by ecr-push) the report shows; anything else is ignored. */
export interface PushSummary {
  repositoryUri: string | null;
  tags: string[];
  digest: string | null;
  /** `repositoryUri@digest`. */
  imageUri: string | null;
  imageId: string | null;
  pushedAt: string | null;
}

export interface ImageRecord {
  project: string;
  image: ImageManifest | null;
  smoke: SmokeManifest | null;
  push: PushSummary | null;
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
        push: attempt('push.json', () => readPushSummary(join(dir, project, 'push.json'))),
        errors,
      };
    });
}

/** Tolerant: push.json belongs to ecr-push; a missing file means "not pushed", unknown fields are ignored. */
export function readPushSummary(path: string): PushSummary | null {
  if (!existsSync(path)) return null;
  return parsePushSummary(JSON.parse(readFileSync(path, 'utf8')));
}

export function parsePushSummary(raw: unknown): PushSummary {
  const value = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : null);
  return {
    repositoryUri: text('repositoryUri'),
    tags: Array.isArray(value['tags']) ? value['tags'].filter((t): t is string => typeof t === 'string') : [],
    digest: text('digest'),
    imageUri: text('imageUri'),
    imageId: text('imageId'),
    pushedAt: text('pushedAt'),
  };
}
