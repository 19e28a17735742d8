import { lastLines } from '../../../lib/docker/docker';
import { ContainerActivity } from './activity';
import { parseImageInspect } from '../../../lib/docker/inspect';
import { ensureImage } from '../../../lib/results/ensure-image';
import { readImageManifest } from '../../../lib/results/image-manifest';
import type { SmokeCheck } from '../../../lib/results/smoke-manifest';
import { bearerAuthorization, newJwtSecret } from './jwt';
import type { NormalizedEndpoint, NormalizedService, NormalizedSmokeTestOptions } from './normalize-options';
import { HealthcheckRun, httpRequest, waitUntilHealthy, WaitOutcome } from './probe';
import {
  healthcheckCommand,
  noReadinessMessage,
  planReadiness,
  readinessHint,
  readyMessage,
} from './readiness';
import { ContainerLog, evaluateEndpoint, evaluateStop } from './report';
import {
  containerName,
  envArgs,
  execArgs,
  networkCreateArgs,
  networkName,
  parseContainerState,
  parsePublishedPort,
  runArgs,
  stopArgs,
} from './run-args';
import type { SmokeSession } from './run-session';
import { waitForSidecar } from './wait-for-sidecar';

export interface RuntimeResult {
  checks: SmokeCheck[];
  healthy: boolean;
  timeToHealthyMs: number | null;
  stopMs: number | null;
  /** Last lines of every container's log, collected only when a check failed. */
  logs: ContainerLog[];
}

/** The image under test: its id, and its HEALTHCHECK test (`["CMD", …]`/`["CMD-SHELL", …]`) if it has one. */
export interface ImageUnderTest {
  id: string;
  healthcheck: string[] | null;
}

/**
 * What one step proved: its checks and, when it passed, what the next step needs. A failed step may still
 * carry a value (a failed stop still measured how long it took).
 */
export type Step<T> =
  { passed: true; checks: SmokeCheck[]; value: T } | { passed: false; checks: SmokeCheck[]; value?: T };

/** Everything the steps of one run share. `started` lists each container before its docker run, for the logs. */
interface RunContext {
  options: NormalizedSmokeTestOptions;
  image: ImageUnderTest;
  session: SmokeSession;
  started: Array<{ role: string; name: string }>;
  /** The run's throw-away HS256 secret (jwtSecretEnv), or null. */
  jwtSecret: string | null;
}

interface Engine {
  network: string;
}

interface RunningApp {
  name: string;
  baseUrl: string;
  timeToHealthyMs: number;
}

/**
 * The runtime half of the smoke test, as named steps: network → sidecars → app until healthy → endpoints →
 * stop. Each step returns its checks; the first failed one ends the run. Expected failures are data (a failed
 * check + logs); an unexpected error (a docker command failed) becomes a failed check named after its step.
 * The session is always cleaned up.
 */
export async function runContainers(
  options: NormalizedSmokeTestOptions,
  image: ImageUnderTest,
  session: SmokeSession,
): Promise<RuntimeResult> {
  const run: RunContext = {
    options,
    image,
    session,
    started: [],
    jwtSecret: options.jwtSecretEnv ? newJwtSecret() : null,
  };
  try {
    const outcome = await runSteps(run);
    const failed = outcome.checks.some((check) => check.status === 'failed');
    return { ...outcome, logs: failed ? await collectLogs(session, run.started, options.logLines) : [] };
  } finally {
    await session.cleanup();
  }
}

async function runSteps(run: RunContext): Promise<Omit<RuntimeResult, 'logs'>> {
  const ended = (
    steps: Array<Step<unknown>>,
    app: RunningApp | null = null,
    stopMs: number | null = null,
  ) => ({
    checks: steps.flatMap((step) => step.checks),
    healthy: app !== null,
    timeToHealthyMs: app?.timeToHealthyMs ?? null,
    stopMs,
  });
  const engine = await guarded(run, 'network', () => createNetwork(run));
  if (!engine.passed) return ended([engine]);
  const sidecars = await startSidecars(run, engine.value);
  if (!sidecars.passed) return ended([engine, sidecars]);
  const app = await guarded(run, 'healthy', () => startApp(run, engine.value));
  if (!app.passed) return ended([engine, sidecars, app]);
  const endpoints = await guarded(run, 'endpoints', () => callEndpoints(run, app.value));
  if (!endpoints.passed) return ended([engine, sidecars, app, endpoints], app.value);
  const stop = await guarded(run, 'stop', () => stopApp(run, app.value));
  return ended([engine, sidecars, app, endpoints, stop], app.value, stop.value ?? null);
}

/** Runs a step; an unexpected error in it becomes its failed check (an interrupted run rethrows). */
async function guarded<T>(run: RunContext, check: string, step: () => Promise<Step<T>>): Promise<Step<T>> {
  try {
    return await step();
  } catch (error) {
    if (run.session.interrupted) throw error;
    return failedStep(check, error instanceof Error ? error.message : String(error));
  }
}

function failedStep(check: string, message: string, hint?: string): Step<never> {
  return { passed: false, checks: [{ check, status: 'failed', message, ...(hint ? { hint } : {}) }] };
}

/**
 * Every run gets its own network, sidecars or not: runs never see each other, and the default bridge is not
 * needed (it can be missing on a shared engine).
 */
async function createNetwork(run: RunContext): Promise<Step<Engine>> {
  const { options, session } = run;
  const network = networkName(options.project, session.runId);
  session.trackNetwork(network);
  await session.docker(networkCreateArgs(network, session.labels));
  return { passed: true, checks: [], value: { network } };
}

/** One after the other, each until ready: a later one (a service) may need an earlier one (its database). */
async function startSidecars(run: RunContext, engine: Engine): Promise<Step<null>> {
  const checks: SmokeCheck[] = [];
  for (const service of run.options.services) {
    const sidecar = await guarded(run, `sidecar ${service.alias}`, () => startSidecar(run, engine, service));
    checks.push(...sidecar.checks);
    if (!sidecar.passed) return { passed: false, checks };
  }
  return { passed: true, checks, value: null };
}

async function startSidecar(
  run: RunContext,
  engine: Engine,
  service: NormalizedService,
): Promise<Step<null>> {
  const { options, session } = run;
  const check = `sidecar ${service.alias}`;
  const name = containerName(options.project, session.runId, service.alias);
  const sidecar = await sidecarImage(options.workspaceRoot, service);
  let inspected = sidecar.inspect;
  if (inspected === null) {
    const result = await session.docker(['image', 'inspect', sidecar.ref], { reject: false });
    if (result.failed) {
      return failedStep(
        check,
        `Sidecar '${service.alias}' image ${sidecar.ref} is not in the Docker daemon: ${lastLines(result.stderr, 1)}`,
        'Pull or build it first (no registry may be reachable while the smoke test runs).',
      );
    }
    inspected = result.stdout;
  }
  // Decided before docker run: a sidecar with nothing to wait for is refused without starting it.
  const plan = planReadiness(service, parseImageInspect(inspected));
  if (plan.kind === 'none') {
    return failedStep(check, noReadinessMessage(service.alias), readinessHint(service, plan, 'none'));
  }
  const env = envArgs(service.env);
  session.trackContainer(name);
  run.started.push({ role: check, name });
  await session.docker(
    runArgs({
      name,
      image: sidecar.ref,
      labels: session.labels,
      network: engine.network,
      alias: service.alias,
      publishPort: null,
      envFile: service.envFile,
      envArgs: env.args,
      healthIntervalSeconds: options.healthIntervalSeconds,
      healthCmd: service.healthCmd,
      tmpfs: service.tmpfs,
      command: service.command,
    }),
    { env: env.cliEnv },
  );
  const outcome = await waitForSidecar(session, {
    alias: service.alias,
    container: name,
    plan,
    probeImage: run.image.id,
    // `_` is no alias character: the probe's name never collides with another sidecar's.
    probeContainer: containerName(options.project, session.runId, `${service.alias}_probe`),
    timeoutMs: options.timeoutSeconds * 1000,
    state: () => containerState(session, name),
  });
  if (!outcome.ready) return failedStep(check, outcome.message, readinessHint(service, plan, outcome.reason));
  return {
    passed: true,
    checks: [
      { check, status: 'passed', message: readyMessage(service.alias, outcome.elapsedMs, plan, outcome) },
    ],
    value: null,
  };
}

/**
 * The service, until healthy: GET healthPath answers 200 on the published port and the image's own HEALTHCHECK
 * passes, run in the container with docker exec, while Docker does not report it unhealthy (waitUntilHealthy).
 * Docker's own health runs keep the image's interval (healthIntervalSeconds overrides it): each is a process in
 * the container, and nothing waits for them.
 */
async function startApp(run: RunContext, engine: Engine): Promise<Step<RunningApp>> {
  const { options, session } = run;
  const name = containerName(options.project, session.runId, 'app');
  // The secret goes in the environment like every value: `-e NAME` in argv, the value in the CLI's env.
  const env = envArgs({
    ...options.env,
    ...(options.jwtSecretEnv && run.jwtSecret ? { [options.jwtSecretEnv]: run.jwtSecret } : {}),
  });
  session.trackContainer(name);
  run.started.push({ role: options.project, name });
  const runAt = Date.now();
  await session.docker(
    runArgs({
      name,
      image: run.image.id,
      labels: session.labels,
      network: engine.network,
      alias: null,
      publishPort: options.port,
      envFile: options.envFile,
      envArgs: env.args,
      healthIntervalSeconds: options.healthIntervalSeconds,
      healthCmd: null,
      tmpfs: [],
      command: [],
    }),
    { env: env.cliEnv },
  );
  const baseUrl = untilMade(() => publishedUrl(session, name, options.port));
  const healthcheck = run.image.healthcheck ? healthcheckCommand(run.image.healthcheck) : null;
  const activity = new ContainerActivity(session, name);
  let outcome: WaitOutcome;
  try {
    outcome = await waitUntilHealthy(
      {
        state: () => containerState(session, name),
        // A container that already exited has no published port: a failed probe, until its log stream ends.
        http: async () => {
          const url = await baseUrl().catch((error: Error) => error);
          if (url instanceof Error) return { ok: false, error: url.message };
          return httpRequest(`${url}${options.healthPath}`, { timeoutMs: 2000, signal: session.signal });
        },
        healthcheck: healthcheck ? () => runHealthcheck(session, name, healthcheck.command) : null,
        activity,
      },
      {
        what: options.project,
        timeoutMs: options.timeoutSeconds * 1000,
        httpLabel: `GET ${options.healthPath} on container port ${options.port}`,
        signal: session.signal,
      },
    );
  } finally {
    activity.stop();
  }
  if (!outcome.healthy) return failedStep('healthy', outcome.message, healthHint(outcome, options));
  const timeToHealthyMs = Date.now() - runAt;
  return {
    passed: true,
    checks: [
      {
        check: 'healthy',
        status: 'passed',
        message: `healthy in ${seconds(timeToHealthyMs)} (its image's HEALTHCHECK passed (docker exec), Docker's own health not unhealthy; GET ${options.healthPath} → 200 on ${await baseUrl()})`,
      },
    ],
    value: { name, baseUrl: await baseUrl(), timeToHealthyMs },
  };
}

async function runHealthcheck(
  session: SmokeSession,
  container: string,
  command: string[],
): Promise<HealthcheckRun> {
  const result = await session.docker(execArgs(container, command), {
    reject: false,
    timeoutMs: 5000,
    cancelSignal: session.signal,
  });
  if (result.exitCode === 0) return { passed: true, detail: 'passed (docker exec)' };
  const output = lastLines(`${result.stdout}\n${result.stderr}`.trim(), 1) || '(no output)';
  return { passed: false, detail: `exited with code ${result.exitCode} (docker exec): ${output}` };
}

/** Each endpoint once, in order; all are called even after one fails, so the report shows every answer. */
async function callEndpoints(run: RunContext, app: RunningApp): Promise<Step<null>> {
  const checks: SmokeCheck[] = [];
  for (const endpoint of run.options.endpoints) {
    const answer = await httpRequest(`${app.baseUrl}${endpoint.path}`, {
      method: endpoint.method,
      headers: requestHeaders(endpoint, run.jwtSecret, Date.now()),
      timeoutMs: 5000,
      signal: run.session.signal,
    });
    checks.push(evaluateEndpoint(endpoint, answer));
  }
  return checks.some((check) => check.status === 'failed')
    ? { passed: false, checks }
    : { passed: true, checks, value: null };
}

/** The endpoint's headers, plus a bearer token for its subject minted now with the run's secret. */
export function requestHeaders(
  endpoint: Pick<NormalizedEndpoint, 'headers' | 'bearerSubject'>,
  jwtSecret: string | null,
  nowMs: number,
): Record<string, string> {
  if (endpoint.bearerSubject === null) return { ...endpoint.headers };
  if (jwtSecret === null) throw new Error(`bearerSubject ${endpoint.bearerSubject} needs jwtSecretEnv.`);
  return {
    ...endpoint.headers,
    authorization: bearerAuthorization(endpoint.bearerSubject, jwtSecret, nowMs),
  };
}

/** docker stop: the app must end within stopTimeoutSeconds with exit code 0 or 143. */
async function stopApp(run: RunContext, app: RunningApp): Promise<Step<number>> {
  const { options, session } = run;
  const stopAt = Date.now();
  await session.docker(stopArgs(app.name, options.stopTimeoutSeconds), {
    timeoutMs: (options.stopTimeoutSeconds + 20) * 1000,
  });
  const stopMs = Date.now() - stopAt;
  const stopped = await containerState(session, app.name);
  const stop = evaluateStop(
    { exitCode: stopped.exitCode, stopMs, stillRunning: stopped.running },
    options.stopTimeoutSeconds,
  );
  return stop.status === 'failed'
    ? { passed: false, checks: [stop], value: stopMs }
    : { passed: true, checks: [stop], value: stopMs };
}

async function containerState(session: SmokeSession, name: string) {
  return parseContainerState(
    (await session.docker(['container', 'inspect', '--format', '{{json .State}}', name])).stdout,
  );
}

/** `http://127.0.0.1:<port Docker picked>`; asked once the container runs (an exited one has no port). */
async function publishedUrl(session: SmokeSession, name: string, port: number): Promise<string> {
  const answer = await session.docker(['port', name, `${port}/tcp`], { reject: false });
  const hostPort = parsePublishedPort(answer.stdout);
  if (hostPort === null) throw new Error(`docker port ${name} ${port}/tcp gave no port: ${answer.stderr}`);
  return `http://127.0.0.1:${hostPort}`;
}

/** A function that runs `make` until it succeeds once, and then returns that result. */
function untilMade<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = null;
      throw error;
    });
    return made;
  };
}

/** The sidecar's image ref, and its inspect JSON when ensuring a project's image has read it already. */
async function sidecarImage(
  workspaceRoot: string,
  service: NormalizedService,
): Promise<{ ref: string; inspect: string | null }> {
  if (service.source.kind === 'image') return { ref: service.source.ref, inspect: null };
  const manifest = readImageManifest(workspaceRoot, service.source.project);
  const ensured = await ensureImage(workspaceRoot, manifest);
  return { ref: ensured.imageId, inspect: ensured.inspect };
}

async function collectLogs(
  session: SmokeSession,
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
