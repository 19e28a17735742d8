import type { TargetConfiguration, TargetDefaultArrayEntry, TargetDefaults } from '@nx/devkit';

export interface MergeReport {
  /** The merged map; the same object as `existing` (deep-copied) when nothing changed. */
  targetDefaults: TargetDefaults;
  /** `docker-build` or `docker-build.outputs`: what was added. */
  added: string[];
  /** Fields the user had set to something else; their value is kept. */
  kept: string[];
}

/**
 * Pure: adds the plugin's target defaults to a workspace's `targetDefaults` without clobbering.
 * A missing target gets the whole entry; an existing one gets only the fields (and option keys) it lacks;
 * a field the user set is kept and reported. The array form of Nx 23 (`[{ filter, …}]`) is merged into its
 * unfiltered entry, or gets one prepended as the baseline that filtered entries still override.
 */
export function mergeTargetDefaults(
  existing: TargetDefaults | undefined,
  ours: Record<string, Partial<TargetConfiguration>>,
): MergeReport {
  const targetDefaults: TargetDefaults = structuredClone(existing ?? {});
  const added: string[] = [];
  const kept: string[] = [];

  for (const [target, wanted] of Object.entries(ours)) {
    const current = targetDefaults[target];
    if (current === undefined) {
      targetDefaults[target] = structuredClone(wanted);
      added.push(target);
      continue;
    }
    if (Array.isArray(current)) {
      const baseline = current.find((entry) => entry.filter === undefined);
      if (baseline) {
        mergeEntry(target, baseline, wanted, added, kept);
      } else {
        current.unshift(structuredClone(wanted) as TargetDefaultArrayEntry);
        added.push(target);
      }
      continue;
    }
    mergeEntry(target, current as Record<string, unknown>, wanted, added, kept);
  }
  return { targetDefaults, added, kept };
}

function mergeEntry(
  target: string,
  entry: Record<string, unknown>,
  wanted: Partial<TargetConfiguration>,
  added: string[],
  kept: string[],
): void {
  for (const [field, value] of Object.entries(wanted)) {
    const current = entry[field];
    if (current === undefined) {
      entry[field] = structuredClone(value);
      added.push(`${target}.${field}`);
    } else if (field === 'options' && isPlainObject(current) && isPlainObject(value)) {
      for (const [key, option] of Object.entries(value)) {
        if (current[key] === undefined) {
          current[key] = structuredClone(option);
          added.push(`${target}.options.${key}`);
        } else if (!sameJson(current[key], option)) {
          kept.push(`${target}.options.${key}`);
        }
      }
    } else if (!sameJson(current, value)) {
      kept.push(`${target}.${field}`);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
