import { NxDockerError } from '../../../lib/errors';
import type { BuilderKind } from '../../../lib/builder/detect-builder';
import type { NormalizedDockerBuildOptions } from './normalize-options';

export interface BuildCommand {
  args: string[];
  env: Record<string, string>;
}

/**
 * The docker argv and environment for one build. Pure. The image id comes back through --iidfile,
 * which every builder writes (BuildKit prints no "Successfully built <id>").
 */
export function buildArgs(
  options: NormalizedDockerBuildOptions,
  builder: BuilderKind,
  iidFile: string,
): BuildCommand {
  const args: string[] =
    builder === 'buildx'
      ? ['buildx', 'build', '--load', '--progress=plain']
      : builder === 'buildkit'
        ? ['build', '--progress=plain']
        : ['build'];
  // DOCKER_BUILDKIT=0 keeps a 23+ client without buildx from failing; =1 turns on a 18.09–22.x client's BuildKit.
  const env: Record<string, string> =
    builder === 'buildkit' ? { DOCKER_BUILDKIT: '1' } : builder === 'legacy' ? { DOCKER_BUILDKIT: '0' } : {};

  args.push('--file', options.dockerfile, '--platform', options.platform, '--iidfile', iidFile);
  for (const tag of options.tags) args.push('--tag', tag);
  for (const [name, value] of sortedEntries(options.buildArgs)) args.push('--build-arg', `${name}=${value}`);
  if (options.target) args.push('--target', options.target);
  for (const [name, value] of sortedEntries(options.labels)) args.push('--label', `${name}=${value}`);
  for (const source of options.cacheFrom)
    args.push('--cache-from', builder === 'buildx' ? source : imageRefOf(source));
  if (options.cacheTo) args.push(...cacheToArgs(options, builder));
  if (options.pull) args.push('--pull');
  args.push(options.context);
  return { args, env };
}

function cacheToArgs(options: NormalizedDockerBuildOptions, builder: BuilderKind): string[] {
  const cacheTo = options.cacheTo as string;
  if (builder === 'buildx') return ['--cache-to', cacheTo];
  if (builder === 'buildkit' && /^type=inline$/.test(cacheTo))
    return ['--build-arg', 'BUILDKIT_INLINE_CACHE=1'];
  throw new NxDockerError(
    `cacheTo '${cacheTo}' of ${options.projectName}:docker-build needs buildx, but this build uses the ${builder === 'buildkit' ? 'BuildKit built into docker build (inline cache only)' : 'legacy builder (no cache export)'}.`,
    {
      hint:
        builder === 'buildkit'
          ? `Use "cacheTo": "type=inline" (the cache travels inside the pushed image), or install the buildx plugin.`
          : `Install the buildx plugin (or set NX_DOCKER_BINARY to a client with BuildKit and use "type=inline"), or remove cacheTo.`,
    },
  );
}

/** `type=registry,ref=repo:cache` → `repo:cache`: what `docker build --cache-from` understands without buildx. */
export function imageRefOf(source: string): string {
  if (!source.includes('=')) return source;
  const ref = source
    .split(',')
    .map((part) => part.split('='))
    .find(([key]) => key === 'ref');
  return ref?.[1] ?? source;
}

function sortedEntries(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
