import { logger, type ExecutorContext } from '@nx/devkit';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { BuilderChoice } from '../../lib/builder/detect-builder';
import { resolveBuilder } from '../../lib/builder/probe-builder';
import { DockerError, runDocker } from '../../lib/docker/docker';
import { imageIdOf } from '../../lib/docker/image-id';
import { inspectImage } from '../../lib/docker/inspect-image';
import {
  checkBuiltPlatform,
  checkDockerfile,
  checkPaths,
  DockerfileFinding,
  formatFinding,
} from '../../lib/dockerfile/checks';
import { statContextFiles } from '../../lib/dockerfile/context-facts';
import {
  DockerfileModel,
  finalStage,
  parseDockerfile,
  stageChain,
} from '../../lib/dockerfile/parse-dockerfile';
import { findStartScripts } from '../../lib/dockerfile/scripts';
import {
  ImageManifest,
  IMAGE_MANIFEST_VERSION,
  readPreviousImageManifest,
  writeImageManifest,
} from '../../lib/results/image-manifest';
import { pushRegistryCopy } from '../../lib/registry/registry-copy';
import { buildArgs, BuildOutputs } from './lib/build-args';
import { describeEngine, engineProblems, reproducibilityUnavailable } from './lib/engine-support';
import { BuildMetadata, imageIdentity, parseBuildMetadata } from './lib/image-identity';
import { gatherFacts } from './lib/gather-facts';
import { ARCHIVE_FILE, NormalizedDockerBuildOptions, normalizeOptions } from './lib/normalize-options';
import {
  buildReason,
  countCachedSteps,
  importedCaches,
  reproducibilityNote,
  summaryLine,
} from './lib/summary';
import { imageInputs } from './lib/task-inputs';
import { describeInputChanges } from './lib/why';
import type { DockerBuildExecutorSchema } from './schema';

/**
 * normalize → checks → builder → docker build → inspect → platform check → archive → image.json → summary.
 * Expected failures (a check, the build itself) print a report and return { success: false }.
 */
export default async function dockerBuildExecutor(
  raw: DockerBuildExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const started = performance.now();
  const options = normalizeOptions(raw, context, await gatherFacts(context));
  // The builder probe (buildx's answers cached across runs) overlaps the checks; a failed check just drops it.
  const pendingBuilder = resolveBuilder(options.dockerBinary, options.workspaceRoot);
  const { findings, model } = preBuildChecks(options);
  if (report(options, findings)) return { success: false };

  const builder = await pendingBuilder;
  logger.info(`${options.streamPrefix} builder: ${builder.reason} Engine: ${describeEngine(builder)}.`);
  if (builder.warning) logger.warn(`${options.streamPrefix} ${builder.warning}`);
  const unsupported = engineProblems(options, builder);
  for (const problem of unsupported)
    logger.error(`${options.streamPrefix} ERROR [engine] ${problem.message}\n  Fix: ${problem.hint}`);
  if (unsupported.length > 0) {
    logger.error(
      `${options.streamPrefix} ${unsupported.length} option(s) this engine cannot honour; docker did not run.`,
    );
    return { success: false };
  }

  const scratchDir = mkdtempSync(join(tmpdir(), 'nx-docker-build-'));
  try {
    const outputs: BuildOutputs = {
      iidFile: join(scratchDir, 'iid'),
      metadataFile: builder.kind === 'buildx' ? join(scratchDir, 'metadata.json') : null,
      exportTar: builder.kind === 'buildx' && options.reproducible ? join(scratchDir, 'image.tar') : null,
      sourceDateEpoch: options.reproducible ? options.sourceDateEpoch : null,
    };
    const command = buildArgs(options, builder.kind, outputs);
    const previous = readPreviousImageManifest(options.workspaceRoot, options.projectName);
    // Nx's hashes of this task's inputs (computed before it ran), kept in image.json for the next build's "why".
    const inputs = imageInputs(context, raw, {
      path: options.dockerfileDisplay,
      text: readFileSync(options.dockerfile),
    });
    // A failed build must never leave the last image.json behind for smoke-test or ecr-push to trust.
    rmSync(options.manifestPath, { force: true });
    rmSync(options.archivePath, { force: true });
    const baseRef = baseImageOf(model as DockerfileModel, options.stage);
    // Asked while the build runs (one docker call, no extra wait), unless --pull may replace it meanwhile.
    const earlyBaseId =
      baseRef === 'scratch' || options.pull ? null : imageIdOf(baseRef, { binary: builder.binary });
    let log: string;
    try {
      const result = await runDocker(command.args, {
        cwd: options.workspaceRoot,
        env: command.env,
        binary: builder.binary,
        streamPrefix: options.streamPrefix,
      });
      log = `${result.stdout}\n${result.stderr}`;
    } catch (error) {
      if (!(error instanceof DockerError)) throw error;
      logger.error(`${options.streamPrefix} ${error.message}`);
      logger.error(`${options.streamPrefix} The image was not built; no image.json was written.`);
      return { success: false };
    }
    // A reproducible build was exported with rewritten timestamps; loading it makes the image (and its tags).
    if (outputs.exportTar) {
      await runDocker(['load', '--input', outputs.exportTar], {
        binary: builder.binary,
        streamPrefix: options.streamPrefix,
      });
    }
    const metadata =
      outputs.metadataFile && existsSync(outputs.metadataFile)
        ? parseBuildMetadata(readFileSync(outputs.metadataFile, 'utf8'))
        : null;
    const facts = await inspectImage(
      builtImageRef(options, builder, outputs, metadata),
      builder.engine.store,
      {
        binary: builder.binary,
      },
    );
    const identity = imageIdentity(builder.engine.store, facts.id, metadata);
    if (report(options, checkBuiltPlatform(options.platform, facts.platform, options.tags[0]))) {
      return { success: false };
    }
    // The archive travels in the Nx cache; the registry copy is pulled by digest on a cache hit elsewhere.
    const [, registryCopy] = await Promise.all([
      options.archive ? saveArchive(options, builder.binary, scratchDir) : null,
      options.cacheRegistry
        ? pushRegistryCopy(facts.id, options.cacheRegistry, { binary: builder.binary })
        : null,
    ]);
    const seconds = (performance.now() - started) / 1000;
    const manifest: ImageManifest = {
      version: IMAGE_MANIFEST_VERSION,
      project: options.projectName,
      imageId: facts.id,
      store: builder.engine.store,
      ...identity,
      provenance: options.provenance,
      sourceDateEpoch: outputs.sourceDateEpoch,
      tags: options.tags,
      platform: facts.platform,
      sizeBytes: facts.sizeBytes,
      builder: builder.kind,
      baseImage: {
        ref: baseRef,
        id:
          baseRef === 'scratch'
            ? null
            : await (earlyBaseId ?? imageIdOf(baseRef, { binary: builder.binary })),
      },
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round(seconds * 10) / 10,
      archive: options.archive ? ARCHIVE_FILE : null,
      commit: options.gitSha,
      inputs,
      registryCopy,
    };
    writeImageManifest(options.workspaceRoot, manifest);
    const changed =
      previous?.inputs && inputs
        ? describeInputChanges(previous.inputs, inputs, {
            projectName: options.projectName,
            projectRoot: options.projectRoot,
            projects: context.projectsConfigurations?.projects ?? {},
            baseImage: { previous: previous.baseImage, current: manifest.baseImage },
          })
        : null;
    const reason = buildReason(
      previous?.imageId ?? null,
      facts.id,
      countCachedSteps(log),
      importedCaches(log),
      changed,
    );
    logger.info(
      summaryLine({
        prefix: options.streamPrefix,
        tags: options.tags,
        facts,
        builder,
        seconds,
        reason,
        archive: options.archive,
        registryCopy: registryCopy?.ref ?? null,
        reproducibility: reproducibilityNote(outputs.sourceDateEpoch, reproducibilityUnavailable(builder)),
      }),
    );
    return { success: true };
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** Existence, then parse once, then the pure checks over the model and the start script's file mode. */
export function preBuildChecks(options: NormalizedDockerBuildOptions): {
  findings: DockerfileFinding[];
  model: DockerfileModel | null;
} {
  const paths = checkPaths({
    dockerfile: options.dockerfileDisplay,
    dockerfileExists: existsSync(options.dockerfile) && statSync(options.dockerfile).isFile(),
    context: options.contextDisplay,
    contextExists: existsSync(options.context) && statSync(options.context).isDirectory(),
    projectName: options.projectName,
  });
  if (paths.length > 0) return { findings: paths, model: null };
  const model = parseDockerfile(readFileSync(options.dockerfile, 'utf8'));
  const scripts = findStartScripts(model, options.stage);
  const findings = checkDockerfile({
    model,
    dockerfile: options.dockerfileDisplay,
    context: options.contextDisplay,
    stage: options.stage,
    platform: options.platform,
    port: options.port,
    scripts,
    contextFiles: statContextFiles(
      options.context,
      scripts.flatMap((s) => s.candidates.map((c) => c.path)),
    ),
    tracking: options.tracking,
  });
  return {
    // paths and stage cannot be skipped: without them there is nothing to build.
    findings: findings.filter(
      (f) => f.check === 'paths' || f.check === 'stage' || !options.skipChecks.includes(f.check),
    ),
    model,
  };
}

/**
 * How to name the image just built, by content where possible: --iidfile holds the image id on the classic
 * store, but the config digest on the containerd store, which names images by their manifest digest (in
 * buildx's metadata). A loaded export is named by its first tag.
 */
function builtImageRef(
  options: NormalizedDockerBuildOptions,
  builder: BuilderChoice,
  outputs: BuildOutputs,
  metadata: BuildMetadata | null,
): string {
  if (outputs.exportTar) return options.tags[0];
  if (builder.engine.store === 'containerd') return metadata?.manifestDigest ?? options.tags[0];
  return readFileSync(outputs.iidFile, 'utf8').trim();
}

/** Prints findings; true when any is an error. */
function report(options: NormalizedDockerBuildOptions, findings: DockerfileFinding[]): boolean {
  for (const finding of findings) {
    const text = `${options.streamPrefix} ${formatFinding(finding)}`;
    if (finding.severity === 'error') logger.error(text);
    else logger.warn(text);
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (errors > 0) logger.error(`${options.streamPrefix} ${errors} check(s) failed; docker did not run.`);
  return errors > 0;
}

/** The external image the final stage starts from (following FROM <stage>), e.g. node:24-bookworm-slim. */
export function baseImageOf(model: DockerfileModel, stageName: string | null): string {
  const stage = finalStage(model, stageName);
  if (!stage) return 'scratch';
  return stageChain(model, stage).at(-1)?.from ?? 'scratch';
}

/** docker save (by tag, so a load restores the tags) | gzip -1, written beside image.json atomically. */
async function saveArchive(
  options: NormalizedDockerBuildOptions,
  binary: string,
  scratchDir: string,
): Promise<void> {
  const tar = join(scratchDir, 'image.tar');
  await runDocker(['save', '--output', tar, ...options.tags], { binary });
  mkdirSync(options.outputDir, { recursive: true });
  const temp = `${options.archivePath}.${process.pid}.tmp`;
  await pipeline(createReadStream(tar), createGzip({ level: 1 }), createWriteStream(temp));
  renameSync(temp, options.archivePath);
}
