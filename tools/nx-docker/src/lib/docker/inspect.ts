/** Facts about an image, parsed from `docker image inspect` JSON. Pure: no process, no fs. */
export interface ImageFacts {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  os: string;
  architecture: string;
  variant: string | null;
  /** `os/architecture[/variant]`, comparable with a `--platform` value. */
  platform: string;
  sizeBytes: number;
  user: string;
  exposedPorts: string[];
  healthcheck: { test: string[]; intervalNs: number; timeoutNs: number; retries: number } | null;
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  created: string;
}

export function parseImageInspect(json: string): ImageFacts {
  const parsed = JSON.parse(json);
  const raw = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!raw || typeof raw.Id !== 'string') {
    throw new Error('docker image inspect returned no image');
  }
  const config = raw.Config ?? {};
  const variant = raw.Variant || null;
  const health = config.Healthcheck;
  return {
    id: raw.Id,
    repoTags: raw.RepoTags ?? [],
    repoDigests: raw.RepoDigests ?? [],
    os: raw.Os ?? '',
    architecture: raw.Architecture ?? '',
    variant,
    platform: [raw.Os, raw.Architecture, variant].filter(Boolean).join('/'),
    sizeBytes: raw.Size ?? 0,
    user: config.User ?? '',
    exposedPorts: Object.keys(config.ExposedPorts ?? {}),
    healthcheck:
      health && Array.isArray(health.Test) && health.Test.length > 0 && health.Test[0] !== 'NONE'
        ? {
            test: health.Test,
            intervalNs: health.Interval ?? 0,
            timeoutNs: health.Timeout ?? 0,
            retries: health.Retries ?? 0,
          }
        : null,
    entrypoint: config.Entrypoint ?? [],
    cmd: config.Cmd ?? [],
    env: Object.fromEntries(
      (config.Env ?? []).map((pair: string) => {
        const at = pair.indexOf('=');
        return at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
      }),
    ),
    labels: config.Labels ?? {},
    created: raw.Created ?? '',
  };
}
