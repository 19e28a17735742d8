import type { ExecutorContext } from '@nx/devkit';
import { join, relative } from 'node:path';
import { parsePlatform } from '../../lib/checks/platform';
import { inspectImage } from '../../lib/docker/inspect-image';
import { updateDeployManifest } from '../../lib/deploy-manifest/deploy-manifest';
import type { RetryOptions } from '../../lib/registry/retry';
import { withRetry } from '../../lib/registry/retry';
import { ensureImage } from '../../lib/results/ensure-image';
import {
  builtBeforeThisRun,
  describeEarlierBuild,
  ImageManifest,
  readImageManifest,
} from '../../lib/results/image-manifest';
import { writePushRecord } from '../../lib/results/push-record';
import { imageOutputDir, writeFileAtomic } from '../../lib/results/result-file';
import { readSmokeManifest, SmokeManifest, smokeManifestPath } from '../../lib/results/smoke-manifest';
import { imageBuildTaskStart } from '../../lib/results/task-graph';
import type { TagValues } from '../../lib/tags/tags';
import { ecrTarget } from './lib/ecr-target';
import { NormalizedEcrPushOptions, normalizeOptions } from './lib/normalize-options';
import { ociTarget } from './lib/oci-target';
import { conflicts, formatPlan, planPush } from './lib/plan-push';
import { platformRefusal } from './lib/platform-refusal';
import { PushLog, pushLog } from './lib/push-log';
import { toPushRecord } from './lib/push-record';
import { failPending, pendingTags, PushRun, renderPushJUnit, settle } from './lib/push-report';
import { pushTagNames, REVISION_LABEL, revisionNote } from './lib/push-tags';
import { pushWithLogin } from './lib/push-with-login';
import { checkSmokeGate } from './lib/smoke-gate';
import { gatherTagValues } from './lib/tag-values';
import type { EcrPushExecutorSchema } from './schema';

/**
 * image.json → platform and smoke gates → the image in the daemon → target (ECR or OCI) → plan → push →
 * push.json and the deploy manifest. Refusals print a report and return { success: false }; the unexpected
 * throws. push.junit.xml is written either way, except on a dry run, which changes nothing.
 */
export default async function ecrPushExecutor(
  raw: EcrPushExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const options = normalizeOptions(raw, context);
  const log = pushLog(options.projectName);
  const run: PushRun = { results: [], repositoryUri: null };
  const startedAt = new Date().toISOString();
  const writeJUnit = (error: string | null) =>
    writeFileAtomic(
      join(imageOutputDir(options.workspaceRoot, options.projectName), 'push.junit.xml'),
      renderPushJUnit(options.projectName, run, startedAt, error),
    );
  try {
    const success = await pushImage(options, context, run, log);
    if (!options.dryRun) writeJUnit(null);
    return { success };
  } catch (error) {
    if (!options.dryRun) {
      try {
        writeJUnit((error as Error).message ?? String(error));
      } catch {
        // The push's own error is the one to report.
      }
    }
    throw error;
  }
}

async function pushImage(
  options: NormalizedEcrPushOptions,
  context: ExecutorContext,
  run: PushRun,
  log: PushLog,
): Promise<boolean> {
  const manifest = readImageManifest(options.workspaceRoot, options.projectName);
  const values = await gatherTagValues(options);
  // Named before anything can be refused, so that the report has a case per tag.
  const localUri = options.registry ? `${options.registry}/${options.repository}` : options.repository;
  run.results = pendingTags(pushTags(options, manifest, values, manifest.commit || null, localUri));

  // The platform is checked before any network call: from image.json, then from the daemon's image.
  const declared = { ...parsePlatform(manifest.platform), platform: manifest.platform };
  const wrongDeclared = platformRefusal(options.projectName, declared, options.platform);
  if (wrongDeclared) return refuse(run, log, wrongDeclared);

  // Nothing untested ships: smoke.json must say this very image passed. A dry run still plans, and says so.
  const gate = checkSmokeGate({
    project: options.projectName,
    imageId: manifest.imageId,
    tags: manifest.tags,
    smokePath: relative(options.workspaceRoot, smokeManifestPath(options.workspaceRoot, options.projectName)),
    smoke: readSmoke(options),
  });
  const gateHint = gate.ok ? '' : `run '${gate.command}', then push again.`;
  if (!gate.ok && !options.dryRun) {
    return refuse(run, log, {
      message: `${gate.message} Nothing was sent to the registry.`,
      hint: gateHint,
      summary: `${gate.message} Run '${gate.command}'.`,
    });
  }

  const ensured = await ensureImage(options.workspaceRoot, manifest);
  // A cache hit of docker-build restored an older image.json: say which image ships, from when and which commit.
  if (builtBeforeThisRun(manifest, imageBuildTaskStart(context, options.projectName))) {
    log.info(describeEarlierBuild(manifest, new Date(), ensured.source));
  }
  const facts = await inspectImage(manifest.imageId, manifest.store, { inspect: ensured.inspect });
  const wrongImage = platformRefusal(options.projectName, facts, options.platform);
  if (wrongImage) return refuse(run, log, wrongImage);
  const builtRevision = manifest.commit || facts.labels[REVISION_LABEL] || null;
  const note = revisionNote(builtRevision, values.gitSha);
  if (note) log.info(note);

  const secrets: string[] = [];
  const retry: RetryOptions = { retries: options.retries, minDelayMs: options.retryDelayMs, log: log.info };
  const target =
    options.mode === 'ecr'
      ? await ecrTarget(options, { secrets, retry, log })
      : ociTarget(options, { secrets });
  const tags = pushTags(options, manifest, values, builtRevision, target.repositoryUri);
  run.results = pendingTags(tags);
  run.repositoryUri = target.repositoryUri;
  const remote = await withRetry(
    `reading the tags of ${target.repositoryUri}`,
    () => target.remote.describeTags(options.repository, tags),
    retry,
  );
  const steps = planPush(
    {
      configDigest: manifest.configDigest,
      manifestDigest: manifest.manifestDigest,
      repositoryUri: target.repositoryUri,
      tags,
      immutable: target.immutable,
      knownDigests: facts.repoDigests
        .filter((ref) => ref.startsWith(`${target.repositoryUri}@`))
        .map((ref) => ref.slice(ref.indexOf('@') + 1)),
    },
    remote,
  );
  const planned = options.dryRun ? 'plan (dry run, nothing is pushed)' : 'plan';
  log.info(`${planned} for ${manifest.imageId.slice(0, 19)} (${facts.platform}):`);
  for (const line of formatPlan(steps)) log.info(`  ${line}`);
  // Only a dry run gets here with a refused smoke gate.
  if (!gate.ok) log.error(`the push would be refused: ${gate.message}`, gateHint);

  const refused = conflicts(steps);
  if (refused.length > 0) {
    for (const step of refused) {
      const message = `${step.ref}: ${step.reason}; the image here is ${manifest.imageId}.`;
      log.error(message);
      run.results = settle(run.results, { tag: step.tag, status: 'failed', message, seconds: 0 });
    }
    return refuse(run, log, {
      message: 'Nothing was pushed.',
      hint: 'an immutable tag never moves: bump the version (or the tag template), or delete the tag in the registry on purpose.',
      summary: `not pushed: ${refused.length} immutable tag(s) already hold another image.`,
    });
  }
  if (options.dryRun) return gate.ok;

  await target.prepare();
  const outcome = await pushWithLogin({
    options,
    manifest,
    target,
    steps,
    secrets,
    retry,
    log,
    onTag: (done) => {
      run.results = settle(run.results, done);
    },
  });
  const record = toPushRecord(options.projectName, manifest, target, outcome);
  writePushRecord(options.workspaceRoot, record);
  await updateDeployManifest({
    path: options.deployManifestPath,
    variable: options.deployVariable,
    service: options.serviceName,
    imageUri: record.imageUri,
  });
  log.info(
    `${record.imageUri} (pushed ${outcome.pushed.length}, skipped ${outcome.skipped.length}); deploy manifest ${options.deployManifestPath}`,
  );
  return true;
}

/** The tag names, rendered for the commit being shipped (HEAD): see push-tags.ts. */
function pushTags(
  options: NormalizedEcrPushOptions,
  manifest: ImageManifest,
  values: TagValues,
  builtRevision: string | null,
  repositoryUri: string,
): string[] {
  return pushTagNames({
    templates: options.tagTemplates,
    manifestTags: manifest.tags,
    values,
    builtRevision,
    repositoryUri,
  });
}

/** Prints the refusal; every tag not done yet fails with it; the run ends with { success: false }. */
function refuse(
  run: PushRun,
  log: PushLog,
  refusal: { message: string; hint: string; summary: string },
): false {
  log.error(refusal.message, refusal.hint);
  run.results = failPending(run.results, refusal.summary, 'refusal');
  return false;
}

/** smoke.json through its one reader; an unreadable file is a refusal too, with the reason. */
function readSmoke(options: NormalizedEcrPushOptions): SmokeManifest | null | { error: string } {
  try {
    return readSmokeManifest(options.workspaceRoot, options.projectName);
  } catch (error) {
    return { error: ((error as Error).message ?? String(error)).split('\n')[0] };
  }
}
