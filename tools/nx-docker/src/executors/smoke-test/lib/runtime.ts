import { lastLines } from '../../../lib/docker/docker';
import { parseImageInspect } from '../../../lib/docker/inspect';
import { ensureImage } from '../../../lib/image-manifest/ensure-image';
import { readImageManifest } from '../../../lib/image-manifest/image-manifest';
import type { SmokeCheck } from '../../../lib/report/smoke-manifest';
import type { NormalizedService, NormalizedSmokeTestOptions } from './normalize-options';
import { httpRequest, waitUntilHealthy, WaitOutcome } from './probe';
import { noReadinessMessage, planReadiness, readinessHint, readyMessage } from './readiness';
import { ContainerLog, endpointLabel, evaluateEndpoint, evaluateStop } from './report';
import {
  containerName,
  envArgs,
  networkCreateArgs,
  networkName,
  parseContainerState,
  parsePublishedPort,
  runArgs,
  stopArgs,
} from './run-args';
import type { RunSession } from './run-session';
import { waitForSidecar } from './wait-for-sidecar';

export interface RuntimeResult {
  checks: SmokeCheck[];
  healthy: boolean;
  timeToHealthyMs: number | null;
  stopMs: number | null;
  /** Last lines of every container's log, collected only when a check failed. */
  logs: ContainerLog[];
}

/** Thrown inside a step after its failed check is recorded; never escapes runContainers. */
class CheckFailed extends Error {}

/**
 * The runtime half of the smoke test: on a private network made for the run, sidecars, then the service,
 * health, endpoints, a clean stop. Expected failures come back as data (a failed check + logs); the session
 * is always cleaned up.
 */
export async function runContainers(
  options: NormalizedSmokeTestOptions,
  image: string,
  session: RunSession,
): Promise<RuntimeResult> {
  const checks: SmokeCheck[] = [];
  const started: Array<{ role: string; name: string }> = [];
  const result: RuntimeResult = { checks, healthy: false, timeToHealthyMs: null, stopMs: null, logs: [] };
  let step = 'start';
  const fail = (check: string, message: string, hint?: string): never => {
    checks.push({ check, status: 'failed', message, ...(hint ? { hint } : {}) });
    throw new CheckFailed(message);
  };
  const state = async (name: string) =>
    parseContainerState(
      (await session.docker(['container', 'inspect', '--format', '{{json .State}}', name])).stdout,
    );
  const timeoutMs = options.timeoutSeconds * 1000;

  try {
    // Every run gets its own network, sidecars or not: runs never see each other, and the default bridge
    // is not needed (it can be missing on a shared engine).
    step = 'network';
    const network = networkName(options.project, session.runId);
    session.trackNetwork(network);
    await session.docker(networkCreateArgs(network, session.labels));

    for (const service of options.services) {
      step = `sidecar ${service.alias}`;
      const name = containerName(options.project, session.runId, service.alias);
      const sidecar = await sidecarImage(options.workspaceRoot, service);
      const inspect = await session.docker(['image', 'inspect', sidecar], { reject: false });
      if (inspect.failed) {
        fail(
          step,
          `Sidecar '${service.alias}' image ${sidecar} is not in the Docker daemon: ${lastLines(inspect.stderr, 1)}`,
          'Pull or build it first (no registry may be reachable while the smoke test runs).',
        );
      }
      // Decided before docker run: a sidecar with nothing to wait for is refused without starting it.
      const plan = planReadiness(service, parseImageInspect(inspect.stdout));
      if (plan.kind === 'none') {
        fail(step, noReadinessMessage(service.alias), readinessHint(service, plan, 'none'));
        continue;
      }
      const env = envArgs(service.env);
      session.trackContainer(name);
      started.push({ role: `sidecar ${service.alias}`, name });
      await session.docker(
        runArgs({
          name,
          image: sidecar,
          labels: session.labels,
          network,
          alias: service.alias,
          publishPort: null,
          envFile: service.envFile,
          envArgs: env.args,
          healthIntervalSeconds: options.healthIntervalSeconds,
          healthCmd: service.healthCmd,
          command: service.command,
        }),
        { env: env.cliEnv },
      );
      const outcome = await waitForSidecar(session, {
        alias: service.alias,
        container: name,
        plan,
        probeImage: image,
        // `_` is no alias character: the probe's name never collides with another sidecar's.
        probeContainer: containerName(options.project, session.runId, `${service.alias}_probe`),
        timeoutMs,
        state: () => state(name),
      });
      if (!outcome.ready) {
        fail(step, outcome.message, readinessHint(service, plan, outcome.reason));
        continue;
      }
      checks.push({
        check: step,
        status: 'passed',
        message: readyMessage(service.alias, outcome.elapsedMs, plan, outcome),
      });
    }

    step = 'healthy';
    const name = containerName(options.project, session.runId, 'app');
    const env = envArgs(options.env);
    session.trackContainer(name);
    started.push({ role: options.project, name });
    const runAt = Date.now();
    await session.docker(
      runArgs({
        name,
        image,
        labels: session.labels,
        network,
        alias: null,
        publishPort: options.port,
        envFile: options.envFile,
        envArgs: env.args,
        healthIntervalSeconds: options.healthIntervalSeconds,
        healthCmd: null,
        command: [],
      }),
      { env: env.cliEnv },
    );
    let baseUrl: string | null = null;
    const url = async (path: string) => {
      if (!baseUrl) {
        const port = await session.docker(['port', name, `${options.port}/tcp`], { reject: false });
        const hostPort = parsePublishedPort(port.stdout);
        if (hostPort === null)
          throw new Error(`docker port ${name} ${options.port}/tcp gave no port: ${port.stderr}`);
        baseUrl = `http://127.0.0.1:${hostPort}`;
      }
      return `${baseUrl}${path}`;
    };
    const outcome = await waitUntilHealthy(
      {
        state: () => state(name),
        http: async () =>
          httpRequest(await url(options.healthPath), { timeoutMs: 2000, signal: session.signal }),
      },
      {
        what: `${options.project}`,
        timeoutMs,
        httpLabel: `GET ${options.healthPath} on container port ${options.port}`,
        signal: session.signal,
      },
    );
    if (!outcome.healthy) fail('healthy', outcome.message, healthHint(outcome, options));
    result.healthy = true;
    result.timeToHealthyMs = Date.now() - runAt;
    checks.push({
      check: 'healthy',
      status: 'passed',
      message: `healthy in ${seconds(result.timeToHealthyMs)} (Docker health and GET ${options.healthPath} → 200 on ${baseUrl})`,
    });

    step = 'endpoints';
    const endpointChecks: SmokeCheck[] = [];
    for (const endpoint of options.endpoints) {
      const answer = await httpRequest(await url(endpoint.path), {
        method: endpoint.method,
        timeoutMs: 5000,
        signal: session.signal,
      });
      endpointChecks.push(evaluateEndpoint(endpoint, answer));
    }
    checks.push(...endpointChecks);
    const failedEndpoint = endpointChecks.find((c) => c.status === 'failed');
    if (failedEndpoint) {
      const count = endpointChecks.filter((c) => c.status === 'failed').length;
      throw new CheckFailed(
        `${count} endpoint(s) failed, first ${endpointLabel(options.endpoints[endpointChecks.indexOf(failedEndpoint)])}`,
      );
    }

    step = 'stop';
    const stopAt = Date.now();
    await session.docker(stopArgs(name, options.stopTimeoutSeconds), {
      timeoutMs: (options.stopTimeoutSeconds + 20) * 1000,
    });
    result.stopMs = Date.now() - stopAt;
    const stopped = await state(name);
    const stop = evaluateStop(
      { exitCode: stopped.exitCode, stopMs: result.stopMs, stillRunning: stopped.running },
      options.stopTimeoutSeconds,
    );
    if (stop.status === 'failed') fail(stop.check, stop.message, stop.hint);
    checks.push(stop);
  } catch (error) {
    if (session.interrupted) throw error;
    if (!(error instanceof CheckFailed)) {
      // The unexpected (a docker command failed): still a failed check, named after the step.
      checks.push({
        check: step,
        status: 'failed',
        message: error instanceof Error ? error.message : String(error),
      });
    }
    result.logs = await collectLogs(session, started, options.logLines);
  } finally {
    await session.cleanup();
  }
  return result;
}

async function sidecarImage(workspaceRoot: string, service: NormalizedService): Promise<string> {
  if (service.source.kind === 'image') return service.source.ref;
  const manifest = readImageManifest(workspaceRoot, service.source.project);
  return (await ensureImage(workspaceRoot, manifest)).imageId;
}

async function collectLogs(
  session: RunSession,
  containers: Array<{ role: string; name: string }>,
  logLines: number,
): Promise<ContainerLog[]> {
  const logs: ContainerLog[] = [];
  for (const container of containers) {
    const out = await session.docker(['logs', '--tail', String(logLines), container.name], { reject: false });
    const text = out.failed
      ? `(could not read its logs: ${out.stderr})`
      : joinStreams(out.stdout, out.stderr);
    logs.push({ ...container, text: lastLines(text, logLines) });
  }
  return logs;
}

function joinStreams(stdout: string, stderr: string): string {
  return [stdout, stderr].filter((s) => s.trim()).join('\n');
}

function healthHint(outcome: WaitOutcome, options: NormalizedSmokeTestOptions): string | undefined {
  if (outcome.healthy) return undefined;
  if (outcome.reason === 'exited')
    return 'The app crashed at start: read its logs below (missing env, unreachable dependency, bad entrypoint).';
  return `The app must answer 200 on ${options.healthPath} at container port ${options.port} within ${options.timeoutSeconds} s; read its logs below.`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
