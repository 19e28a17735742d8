import { BuilderChoice, versionAtLeast } from '../../../lib/builder/detect-builder';
import type { NormalizedDockerBuildOptions } from './normalize-options';

/** rewrite-timestamp, which makes a COPY's files and directories reproducible, came with BuildKit 0.13. */
export const REPRODUCIBLE_BUILDKIT = '0.13';

/**
 * Options the chosen builder and engine cannot honour, refused before Docker runs. Pure. Each message
 * names the option, the engine and what to change.
 */
export function engineProblems(
  options: NormalizedDockerBuildOptions,
  builder: BuilderChoice,
): Array<{ option: string; message: string; hint: string }> {
  const target = `${options.projectName}:docker-build`;
  const engine = describeEngine(builder);
  const problems: Array<{ option: string; message: string; hint: string }> = [];
  const cacheTo = options.cacheTo;
  if (
    cacheTo &&
    builder.kind !== 'buildx' &&
    !(builder.kind === 'buildkit' && /^type=inline$/.test(cacheTo))
  ) {
    problems.push({
      option: 'cacheTo',
      message: `cacheTo '${cacheTo}' of ${target} needs buildx, but ${engine} builds with the ${builder.kind === 'buildkit' ? 'BuildKit built into docker build (inline cache only)' : 'legacy builder (no cache export)'}.`,
      hint:
        builder.kind === 'buildkit'
          ? 'Use "cacheTo": "type=inline" (the cache travels inside the pushed image), or install the buildx plugin.'
          : 'Install the buildx plugin (or set NX_DOCKER_BINARY to a client with BuildKit and use "type=inline"), or remove cacheTo.',
    });
  }
  // buildx's `docker` driver (the daemon's own BuildKit) exports caches only from the containerd image store; a
  // docker-container (or kubernetes, remote) builder exports them from anywhere.
  if (
    cacheTo &&
    builder.kind === 'buildx' &&
    !/^type=inline$/.test(cacheTo) &&
    builder.engine.store === 'classic' &&
    (builder.engine.buildxDriver ?? 'docker') === 'docker'
  ) {
    problems.push({
      option: 'cacheTo',
      message: `cacheTo '${cacheTo}' of ${target}: ${engine} keeps images in the classic store, where the current buildx builder's docker driver cannot export a build cache.`,
      hint: 'Turn on the containerd image store ({"features":{"containerd-snapshotter":true}} in daemon.json), use a docker-container builder (docker buildx create --use), or use "cacheTo": "type=inline".',
    });
  }
  if (options.provenance && builder.kind !== 'buildx') {
    problems.push({
      option: 'provenance',
      message: `provenance of ${target} needs buildx, but ${engine} builds without it, so no attestation can be made.`,
      hint: 'Install the buildx plugin, or set "provenance": false.',
    });
  }
  if (options.provenance && builder.kind === 'buildx' && builder.engine.store === 'classic') {
    problems.push({
      option: 'provenance',
      message: `provenance of ${target}: ${engine} keeps images in the classic store, which cannot hold an attestation.`,
      hint: 'Turn on the containerd image store, or set "provenance": false.',
    });
  }
  if (options.reproducible && !options.sourceDateEpoch) {
    problems.push({
      option: 'reproducible',
      message: `reproducible of ${target} takes SOURCE_DATE_EPOCH from the commit time, and the workspace has no git commit.`,
      hint: 'Build from a git checkout with at least one commit, or set "reproducible": false.',
    });
  }
  if (options.reproducible) {
    const unavailable = reproducibilityUnavailable(builder);
    if (unavailable) {
      problems.push({
        option: 'reproducible',
        message: `reproducible of ${target} needs buildx on BuildKit ${REPRODUCIBLE_BUILDKIT} or later (rewrite-timestamp); this engine has ${unavailable} (${builder.engine.store} image store).`,
        hint: 'Use Docker Engine 26 or later with the buildx plugin, or set "reproducible": false.',
      });
    }
  }
  return problems;
}

/** Why this builder cannot make reproducible digests (short, for the summary line), or null when it can. */
export function reproducibilityUnavailable(builder: BuilderChoice): string | null {
  const engine = `Docker ${builder.engine.serverVersion ?? '(version unknown)'}`;
  if (builder.kind !== 'buildx') return `${engine}, no buildx`;
  if (!versionAtLeast(builder.engine.buildkit, REPRODUCIBLE_BUILDKIT)) {
    return `${engine}, BuildKit ${builder.engine.buildkit ?? '(version unknown)'}`;
  }
  return null;
}

export function describeEngine(builder: BuilderChoice): string {
  return `Docker ${builder.engine.serverVersion ?? '(version unknown)'} (${builder.engine.store} image store)`;
}
