import type { ImageStore } from '../../../lib/builder/detect-builder';

/** What buildx's --metadata-file says it made. */
export interface BuildMetadata {
  configDigest: string | null;
  /** The manifest (or, with attestations, index) digest. */
  manifestDigest: string | null;
}

export function parseBuildMetadata(text: string): BuildMetadata {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { configDigest: null, manifestDigest: null };
  }
  const digest = (key: string) => {
    const value = json[key];
    return typeof value === 'string' && /^sha256:[a-f0-9]{64}$/.test(value) ? value : null;
  };
  return {
    configDigest: digest('containerimage.config.digest'),
    manifestDigest: digest('containerimage.digest'),
  };
}

/**
 * One image identity on both stores. Pure. The classic store names an image by its config digest and has
 * no manifest until a push; the containerd store names it by the manifest (or index) digest, which a push
 * keeps, and only buildx's metadata says its config digest.
 */
export function imageIdentity(
  store: ImageStore,
  imageId: string,
  metadata: BuildMetadata | null,
): { configDigest: string | null; manifestDigest: string | null } {
  if (store === 'classic') return { configDigest: imageId, manifestDigest: null };
  return { configDigest: metadata?.configDigest ?? null, manifestDigest: imageId };
}
