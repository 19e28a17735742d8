import type { BuilderKind } from '../../../lib/builder/detect-builder';
import type { NormalizedDockerBuildOptions } from './normalize-options';

export interface BuildCommand {
  args: string[];
  env: Record<string, string>;
}

/** Where a build writes what it made, and how. */
export interface BuildOutputs {
  iidFile: string;
  /** buildx: its --metadata-file, which names the config digest and the manifest digest it made. */
  metadataFile: string | null;
  /**
   * Reproducible builds (buildx): the docker-format tar the exporter writes with rewritten timestamps,
   * loaded afterwards (the daemon's own exporter refuses rewrite-timestamp). null: --load.
   */
  exportTar: string | null;
  /** SOURCE_DATE_EPOCH for the build (the commit time), or null. */
  sourceDateEpoch: string | null;
}

/**
 * The docker argv and environment for one build. Pure. The image id comes back through --iidfile,
 * which every builder writes (BuildKit prints no "Successfully built <id>"). Unsupported options were
 * refused before (engine-support.ts).
 */
export function buildArgs(
  options: NormalizedDockerBuildOptions,
  builder: BuilderKind,
  outputs: BuildOutputs,
): BuildCommand {
  const args: string[] =
    builder === 'buildx'
      ? ['buildx', 'build', ...buildxOutputArgs(options, outputs), '--progress=plain']
      : builder === 'buildkit'
        ? ['build', '--progress=plain']
        : ['build'];
  // DOCKER_BUILDKIT=0 keeps a 23+ client without buildx from failing; =1 turns on a 18.09–22.x client's BuildKit.
  const env: Record<string, string> =
    builder === 'buildkit' ? { DOCKER_BUILDKIT: '1' } : builder === 'legacy' ? { DOCKER_BUILDKIT: '0' } : {};
  // buildx runs git 7–10 times per build for the Git details it puts in a provenance attestation only
  // (0.1–0.3 s, more with builds in parallel). Without provenance they go nowhere: the image is the same.
  if (builder === 'buildx' && !options.provenance) env['BUILDX_GIT_INFO'] = '0';

  args.push('--file', options.dockerfile, '--platform', options.platform, '--iidfile', outputs.iidFile);
  for (const tag of options.tags) args.push('--tag', tag);
  const buildArgValues = { ...options.buildArgs };
  if (outputs.sourceDateEpoch) buildArgValues['SOURCE_DATE_EPOCH'] = outputs.sourceDateEpoch;
  for (const [name, value] of sortedEntries(buildArgValues)) args.push('--build-arg', `${name}=${value}`);
  if (options.stage) args.push('--target', options.stage);
  for (const [name, value] of sortedEntries(options.labels)) args.push('--label', `${name}=${value}`);
  for (const source of options.cacheFrom)
    args.push('--cache-from', builder === 'buildx' ? source : imageRefOf(source));
  if (options.cacheTo) {
    if (builder === 'buildx') args.push('--cache-to', options.cacheTo);
    else args.push('--build-arg', 'BUILDKIT_INLINE_CACHE=1');
  }
  if (options.pull) args.push('--pull');
  args.push(options.context);
  return { args, env };
}

/**
 * buildx: one single-platform image, without attestations unless asked (an index with an `unknown/unknown`
 * attestation entry is not what a Fargate task runs), loaded into the daemon or exported for loading.
 */
function buildxOutputArgs(options: NormalizedDockerBuildOptions, outputs: BuildOutputs): string[] {
  const args = [`--provenance=${options.provenance ? 'mode=min' : 'false'}`, '--sbom=false'];
  if (outputs.metadataFile) args.push('--metadata-file', outputs.metadataFile);
  if (outputs.exportTar)
    args.push('--output', `type=docker,rewrite-timestamp=true,dest=${outputs.exportTar}`);
  else args.push('--load');
  return args;
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
