import type { ExecutorContext } from '@nx/devkit';
import { isAbsolute, join } from 'node:path';
import type { ImageExpectations } from '../../../lib/checks/index';
import { NxDockerError } from '../../../lib/errors';
import type { SmokeTestEndpoint, SmokeTestExecutorSchema, SmokeTestService } from '../schema';

export interface NormalizedEndpoint {
  path: string;
  method: string;
  status: number;
  bodyContains: string | null;
  json: Record<string, unknown> | null;
  /** Sent as they are; never printed (they may hold credentials). */
  headers: Record<string, string>;
  /** `sub` of the bearer token minted for this request, or null: no token. */
  bearerSubject: string | null;
}

export type ServiceSource = { kind: 'image'; ref: string } | { kind: 'project'; project: string };

export interface NormalizedService {
  alias: string;
  source: ServiceSource;
  env: Record<string, string>;
  envFile: string | null;
  command: string[];
  /** `docker run --tmpfs` values: `<absolute path>[:<mount options>]`. */
  tmpfs: string[];
  healthCmd: string | null;
  /** Source of a regular expression (compiled with the m flag), checked here to compile. */
  readyLog: string | null;
  readyPort: number | null;
}

export interface NormalizedSmokeTestOptions {
  project: string;
  workspaceRoot: string;
  expectations: ImageExpectations;
  port: number;
  healthPath: string;
  timeoutSeconds: number;
  stopTimeoutSeconds: number;
  healthIntervalSeconds: number;
  env: Record<string, string>;
  /** Absolute path. */
  envFile: string | null;
  /** Env variable of the service container that receives the run's throw-away HS256 secret, or null. */
  jwtSecretEnv: string | null;
  endpoints: NormalizedEndpoint[];
  services: NormalizedService[];
  labels: Record<string, string>;
  logLines: number;
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A DNS label: what Docker accepts as a network alias and a container-name suffix.
const ALIAS = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i;
// RFC 9110 token characters: what a header name may hold.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The only reader of the raw options: everything after this sees defaulted, validated values. */
export function normalizeOptions(
  raw: SmokeTestExecutorSchema,
  context: Pick<ExecutorContext, 'root' | 'projectName'>,
): NormalizedSmokeTestOptions {
  const project = context.projectName;
  if (!project)
    throw new NxDockerError('smoke-test must run as a project target (no project name in context).');
  const fail = (what: string, hint?: string): never => {
    throw new NxDockerError(`Invalid smoke-test option for ${project}: ${what}`, { hint });
  };

  const port = raw.port ?? 8000;
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`port ${port} is not a TCP port (1-65535).`);
  const healthPath = raw.healthPath ?? '/health';
  if (!healthPath.startsWith('/')) fail(`healthPath '${healthPath}' must start with '/'.`);
  const positive = (name: string, value: number, allowZero = false): number => {
    if (!(typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0))) {
      fail(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}.`);
    }
    return value;
  };

  const env = checkEnv(raw.env ?? {}, 'env', fail);
  const jwtSecretEnv = raw.jwtSecretEnv ?? null;
  if (jwtSecretEnv !== null) {
    if (!ENV_KEY.test(jwtSecretEnv)) fail(`jwtSecretEnv '${jwtSecretEnv}' is not a valid variable name.`);
    if (jwtSecretEnv in env) {
      fail(
        `jwtSecretEnv '${jwtSecretEnv}' is also set in env.`,
        'The run sets it to a new throw-away secret; remove it from env.',
      );
    }
  }

  const endpoints = (raw.endpoints ?? []).map((endpoint): NormalizedEndpoint => {
    if (!endpoint.path?.startsWith('/')) fail(`endpoint path '${endpoint.path}' must start with '/'.`);
    const status = endpoint.status ?? 200;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      fail(`endpoint ${endpoint.path} expects status ${status}, which is not an HTTP status.`);
    }
    return {
      path: endpoint.path,
      method: (endpoint.method ?? 'GET').toUpperCase(),
      status,
      bodyContains: endpoint.bodyContains ?? null,
      json: endpoint.json ?? null,
      headers: checkHeaders(endpoint.path, endpoint.headers ?? {}, fail),
      bearerSubject: checkBearer(endpoint, jwtSecretEnv, fail),
    };
  });

  const services = (raw.services ?? []).map((service) => normalizeService(service, context.root, fail));
  const aliases = services.map((s) => s.alias);
  const duplicate = aliases.find((alias, i) => aliases.indexOf(alias) !== i);
  if (duplicate) fail(`two services use the alias '${duplicate}'.`);

  const labels = raw.labels ?? {};
  for (const key of Object.keys(labels)) {
    if (!LABEL_KEY.test(key)) fail(`label '${key}' is not a valid Docker label key.`);
    if (key === 'ventas.smoke') fail(`label 'ventas.smoke' is set by the smoke test itself.`);
  }

  return {
    project,
    workspaceRoot: context.root,
    expectations: {
      platform: raw.platform ?? 'linux/amd64',
      port,
      maxSizeMb: positive('maxSizeMb', raw.maxSizeMb ?? 500),
    },
    port,
    healthPath,
    timeoutSeconds: positive('timeoutSeconds', raw.timeoutSeconds ?? 60),
    stopTimeoutSeconds: Math.ceil(positive('stopTimeoutSeconds', raw.stopTimeoutSeconds ?? 10)),
    healthIntervalSeconds: positive('healthIntervalSeconds', raw.healthIntervalSeconds ?? 0, true),
    env,
    envFile: raw.envFile ? resolvePath(context.root, raw.envFile) : null,
    jwtSecretEnv,
    endpoints,
    services,
    labels,
    logLines: positive('logLines', raw.logLines ?? 40),
  };
}

function normalizeService(
  service: SmokeTestService,
  root: string,
  fail: (what: string, hint?: string) => never,
): NormalizedService {
  const alias = service.alias ?? '';
  if (!ALIAS.test(alias)) fail(`service alias '${alias}' must be a lower-case DNS name such as 'db'.`);
  if (Boolean(service.image) === Boolean(service.project)) {
    fail(
      `service '${alias}' needs exactly one of "image" (e.g. postgres:15-bookworm) or "project" (an image built here).`,
    );
  }
  const healthCmd = service.healthCmd?.trim() || null;
  if (service.healthCmd !== undefined && !healthCmd) fail(`service '${alias}' has an empty healthCmd.`);
  const readyLog = service.readyLog ?? null;
  if (readyLog !== null) {
    if (!readyLog) fail(`service '${alias}' has an empty readyLog.`);
    try {
      new RegExp(readyLog, 'm');
    } catch (error) {
      fail(`service '${alias}' readyLog is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  const readyPort = service.readyPort ?? null;
  if (readyPort !== null && !(Number.isInteger(readyPort) && readyPort >= 1 && readyPort <= 65535)) {
    fail(`service '${alias}' readyPort ${readyPort} is not a TCP port (1-65535).`);
  }
  // One readiness test per sidecar: a second one would be silently ignored, so it is refused.
  const tests = [healthCmd && 'healthCmd', readyLog && 'readyLog', readyPort && 'readyPort'].filter(Boolean);
  if (tests.length > 1) {
    fail(
      `service '${alias}' sets ${tests.join(' and ')}; set only one.`,
      'A sidecar is waited for by its healthCmd, else its image HEALTHCHECK, else readyLog, else readyPort (default: the lowest TCP port its image EXPOSEs).',
    );
  }
  return {
    alias,
    source: service.image
      ? { kind: 'image', ref: service.image }
      : { kind: 'project', project: service.project ?? '' },
    env: checkEnv(service.env ?? {}, `services[${alias}].env`, fail),
    envFile: service.envFile ? resolvePath(root, service.envFile) : null,
    command: service.command ?? [],
    tmpfs: (service.tmpfs ?? []).map((mount) =>
      mount.startsWith('/')
        ? mount
        : fail(
            `service '${alias}' tmpfs '${mount}' must be an absolute container path, e.g. /var/lib/postgresql/data.`,
          ),
    ),
    healthCmd,
    readyLog,
    readyPort,
  };
}

function checkEnv(
  env: Record<string, string>,
  where: string,
  fail: (what: string) => never,
): Record<string, string> {
  for (const [key, value] of Object.entries(env)) {
    if (!ENV_KEY.test(key)) fail(`${where} key '${key}' is not a valid variable name.`);
    if (typeof value !== 'string') fail(`${where}.${key} must be a string, got ${typeof value}.`);
  }
  return { ...env };
}

function checkHeaders(
  path: string,
  headers: Record<string, string>,
  fail: (what: string) => never,
): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) fail(`endpoint ${path} header '${name}' is not a valid HTTP header name.`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      fail(`endpoint ${path} header '${name}' must be a string without line breaks.`);
    }
  }
  return { ...headers };
}

function checkBearer(
  endpoint: SmokeTestEndpoint,
  jwtSecretEnv: string | null,
  fail: (what: string, hint?: string) => never,
): string | null {
  const subject = endpoint.bearerSubject ?? null;
  if (subject === null) return null;
  if (!subject) fail(`endpoint ${endpoint.path} has an empty bearerSubject.`);
  if (jwtSecretEnv === null) {
    fail(
      `endpoint ${endpoint.path} sets bearerSubject but jwtSecretEnv is not set.`,
      'Set "jwtSecretEnv" (e.g. "JWT_SECRET"): the env variable the service reads its token secret from.',
    );
  }
  if (Object.keys(endpoint.headers ?? {}).some((name) => name.toLowerCase() === 'authorization')) {
    fail(`endpoint ${endpoint.path} sets both bearerSubject and an Authorization header; set one.`);
  }
  return subject;
}

function resolvePath(root: string, path: string): string {
  return isAbsolute(path) ? path : join(root, path);
}
