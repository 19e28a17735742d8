import { platformMatches } from '../checks/platform';
/** Image manifest media types and a pure parser: which config digest a tag holds for a platform. */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/** Accept header for manifest reads: without it registries down-convert or answer 404 for OCI content. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
];

export type ParsedManifest =
  | { kind: 'image'; configDigest: string | null }
  | { kind: 'index'; manifests: { digest: string; platform: string }[] };

export function parseManifest(body: string, contentType?: string | null): ParsedManifest {
  const json = JSON.parse(body) as {
    mediaType?: string;
    config?: { digest?: string };
    manifests?: { digest: string; platform?: { os?: string; architecture?: string; variant?: string } }[];
  };
  const mediaType = json.mediaType ?? contentType ?? '';
  if (
    Array.isArray(json.manifests) ||
    mediaType === MEDIA_TYPES.dockerList ||
    mediaType === MEDIA_TYPES.ociIndex
  ) {
    return {
      kind: 'index',
      manifests: (json.manifests ?? []).map((entry) => ({
        digest: entry.digest,
        platform: [entry.platform?.os, entry.platform?.architecture, entry.platform?.variant]
          .filter(Boolean)
          .join('/'),
      })),
    };
  }
  return { kind: 'image', configDigest: json.config?.digest ?? null };
}

/** The entry of an index for a platform, by the one platform comparison (`linux/arm64` is `linux/arm64/v8`). */
export function pickPlatform(
  manifests: { digest: string; platform: string }[],
  platform: string,
): string | null {
  return manifests.find((entry) => platformMatches(entry.platform, platform))?.digest ?? null;
}
