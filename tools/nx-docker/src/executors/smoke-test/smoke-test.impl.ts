import { ExecutorContext, logger } from '@nx/devkit';
import { hasErrors, runImageChecks } from '../../lib/checks/index';
import { inspectImage } from '../../lib/docker/inspect-image';
import { ensureImage } from '../../lib/results/ensure-image';
import {
  builtBeforeThisRun,
  describeEarlierBuild,
  readImageManifest,
} from '../../lib/results/image-manifest';
import { imageBuildTaskStart } from '../../lib/results/task-graph';
import { renderSmokeJUnit, writeSmokeJUnit } from '../../lib/report/smoke-junit';
import { writeSmokeManifest } from '../../lib/results/smoke-manifest';
import { normalizeOptions } from './lib/normalize-options';
import { findingToCheck, formatChecks, formatFailure, summaryLine, toSmokeManifest } from './lib/report';
import { RunSession } from './lib/run-session';
import { runContainers, RuntimeResult } from './lib/runtime';
import type { SmokeTestExecutorSchema } from './schema';

export default async function smokeTestExecutor(
  raw: SmokeTestExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const startedAt = Date.now();
  const options = normalizeOptions(raw, context);
  const manifest = readImageManifest(options.workspaceRoot, options.project);
  const ensured = await ensureImage(options.workspaceRoot, manifest);
  const image = manifest.tags[0] ?? manifest.imageId;
  // A cache hit of docker-build restored an older image.json: say which image that is, from when and which commit.
  if (builtBeforeThisRun(manifest, imageBuildTaskStart(context, options.project))) {
    logger.info(describeEarlierBuild(manifest, new Date(), ensured.source));
  }

  const facts = await inspectImage(manifest.imageId, manifest.store, { inspect: ensured.inspect });
  const findings = runImageChecks(facts, options.expectations);
  const structureChecks = findings.map(findingToCheck);
  const structureMs = Date.now() - startedAt;
  logger.info(`Structure checks of ${image}:\n${formatChecks(structureChecks)}`);

  // Structure failures stop here: an image that is wrong by construction is never started.
  let runtime: RuntimeResult | null = null;
  if (!hasErrors(findings)) {
    const session = new RunSession(options.labels);
    session.installSignalHandlers((message) => logger.warn(message));
    try {
      logger.info(`Running ${image} as smoke run ${session.runId}…`);
      runtime = await runContainers(
        options,
        { id: manifest.imageId, healthcheck: facts.healthcheck?.test ?? null },
        session,
      );
    } finally {
      await session.cleanup();
      session.removeSignalHandlers();
    }
    logger.info(`Runtime checks:\n${formatChecks(runtime.checks)}`);
  }

  const smoke = toSmokeManifest({
    project: options.project,
    imageId: manifest.imageId,
    image,
    platform: facts.platform,
    checks: [...structureChecks, ...(runtime?.checks ?? [])],
    healthy: runtime?.healthy ?? false,
    structureMs,
    timeToHealthyMs: runtime?.timeToHealthyMs ?? null,
    stopMs: runtime?.stopMs ?? null,
    totalMs: Date.now() - startedAt,
    testedAt: new Date().toISOString(),
  });
  writeSmokeManifest(options.workspaceRoot, smoke);
  writeSmokeJUnit(
    options.workspaceRoot,
    options.project,
    renderSmokeJUnit(smoke, runtime ? runtime.logs : null, options.logLines),
  );
  if (!smoke.passed) logger.error(formatFailure(smoke, runtime ? runtime.logs : null, options.logLines));
  logger.info(summaryLine(smoke));
  return { success: smoke.passed };
}
