import type { BuilderChoice } from '../../../lib/builder/detect-builder';
import { shortId } from '../../../lib/docker/image-id';
import type { ImageFacts } from '../../../lib/docker/inspect';
import { joinPhrases } from './why';

/**
 * Why this build produced what it did, from the manifest it replaces. Pure. `importedFrom`: the build caches
 * BuildKit imported (a registry cache), which cached steps may have come from. `changed`: what changed since
 * that manifest (why.ts), or null when it recorded no inputs to compare with (then: "inputs changed").
 */
export function buildReason(
  previousImageId: string | null,
  imageId: string,
  cachedSteps: number,
  importedFrom: string[] = [],
  changed: string[] | null = null,
): string {
  const source =
    importedFrom.length > 0
      ? `the layer cache or the imported ${importedFrom.join(', ')}`
      : "Docker's layer cache";
  if (previousImageId === null)
    return `built: no earlier image.json${cachedSteps ? ` (${steps(cachedSteps)} from ${source})` : ''}`;
  const why =
    changed === null
      ? 'inputs changed'
      : changed.length === 0
        ? 'no input changed (a forced run, e.g. --skip-nx-cache, or a missing cache entry)'
        : `${joinPhrases(changed)} changed`;
  if (previousImageId === imageId)
    return `built: ${why}, image unchanged (${cachedSteps ? `${steps(cachedSteps)} from ${source}` : `${source} held every step`})`;
  return `built: ${why}, replaces ${shortId(previousImageId)}${cachedSteps ? ` (${steps(cachedSteps)} from ${source})` : ''}`;
}

/** The build caches BuildKit imported (`importing cache manifest from <ref>`), each once. */
export function importedCaches(log: string): string[] {
  return [
    ...new Set([...log.matchAll(/importing cache manifest from (\S+?):?\s*$/gm)].map((match) => match[1])),
  ];
}

/** Steps Docker took from its layer cache: legacy "Using cache", BuildKit "CACHED". */
export function countCachedSteps(log: string): number {
  return (log.match(/^(?:.*\s)?(?:---> Using cache|#\d+ CACHED)\s*$/gm) ?? []).length;
}

/** Said in the summary when the build was reproducible, or when this engine cannot make it so. */
export function reproducibilityNote(
  sourceDateEpoch: string | null,
  unavailable: string | null,
): string | null {
  if (sourceDateEpoch) return `reproducible (SOURCE_DATE_EPOCH=${sourceDateEpoch})`;
  return unavailable ? `reproducibility unavailable (${unavailable})` : null;
}

export function summaryLine(input: {
  prefix: string;
  tags: string[];
  facts: ImageFacts;
  builder: BuilderChoice;
  seconds: number;
  reason: string;
  archive: boolean;
  /** The registry copy's ref (`…@sha256:…`) when cacheRegistry pushed one. */
  registryCopy?: string | null;
  /** Said when the build was made reproducible, or when this engine cannot make it so; null otherwise. */
  reproducibility?: string | null;
}): string {
  return [
    `${input.prefix} image ${shortId(input.facts.id)}`,
    `tags ${input.tags.join(', ')}`,
    formatBytes(input.facts.sizeBytes),
    input.facts.platform,
    `${input.builder.kind} (${input.builder.binary}, ${input.builder.engine.store} store)`,
    `${input.seconds.toFixed(1)} s`,
    [
      input.reason,
      input.archive ? 'archived' : null,
      input.registryCopy ? `copied to ${input.registryCopy}` : null,
    ]
      .filter(Boolean)
      .join('; '),
    ...(input.reproducibility ? [input.reproducibility] : []),
  ].join(' · ');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function steps(count: number): string {
  return count === 1 ? '1 step' : `${count} steps`;
}
