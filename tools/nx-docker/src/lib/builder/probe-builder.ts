import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { runDocker } from '../docker/docker';
import { BuilderChoice, chooseBuilder, ClientProbe } from './detect-builder';

/** Runs the two probe commands against one client. Failures are data (`reject: false`). */
export async function probeDockerClient(binary: string): Promise<ClientProbe> {
  const [buildx, version, driverStatus, buildxInspect] = await Promise.all([
    runDocker(['buildx', 'version'], { binary, reject: false, timeoutMs: 15_000 }),
    runDocker(['version', '--format', '{{json .}}'], { binary, reject: false, timeoutMs: 15_000 }),
    runDocker(['info', '--format', '{{json .DriverStatus}}'], { binary, reject: false, timeoutMs: 15_000 }),
    runDocker(['buildx', 'inspect'], { binary, reject: false, timeoutMs: 15_000 }),
  ]);
  const data = (result: typeof buildx) => ({
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
  });
  return {
    binary,
    buildx: data(buildx),
    version: data(version),
    driverStatus: data(driverStatus),
    buildxInspect: data(buildxInspect),
  };
}

/** Every distinct `docker` executable on PATH plus the usual install places, first on PATH first. */
export function dockerClientsOnMachine(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [...(env['PATH'] ?? '').split(delimiter).filter(Boolean), '/usr/local/bin', '/usr/bin'];
  const seen = new Set<string>();
  const found: string[] = [];
  for (const dir of dirs) {
    const path = join(dir, 'docker');
    try {
      accessSync(path, constants.X_OK);
      const real = realpathSync(path);
      if (seen.has(real)) continue;
      seen.add(real);
      found.push(path);
    } catch {
      // not here
    }
  }
  return found;
}

const memo = new Map<string, Promise<BuilderChoice>>();

/**
 * `configuredBinary` (option or NX_DOCKER_BINARY) is respected as it is; otherwise `docker` on PATH
 * is probed, and other clients on the machine only when it lacks both buildx and BuildKit.
 * The answer is kept in a small file in the temp dir, keyed by the clients' and CLI plugin
 * directories' identities, so parallel builds do not each spend four docker calls on it; installing
 * buildx or another client changes the key.
 */
export function resolveBuilder(
  configuredBinary: string | null,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BuilderChoice> {
  const key = probeCacheKey(configuredBinary, env);
  let pending = memo.get(key);
  if (!pending) {
    pending = (async () => {
      const file = join(
        tmpdir(),
        `nx-docker-builder-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`,
      );
      const cached = readCachedChoice(file);
      if (cached) return cached;
      const choice = await detect(configuredBinary, env);
      try {
        writeFileSync(file, JSON.stringify(choice));
      } catch {
        // A read-only temp dir only costs the next build a probe.
      }
      return choice;
    })();
    memo.set(key, pending);
    pending.catch(() => memo.delete(key));
  }
  return pending;
}

async function detect(configuredBinary: string | null, env: NodeJS.ProcessEnv): Promise<BuilderChoice> {
  if (configuredBinary) return chooseBuilder([await probeDockerClient(configuredBinary)], true);
  const first = await probeDockerClient('docker');
  const firstChoice = chooseBuilder([first], false);
  if (firstChoice.kind !== 'legacy') return firstChoice;
  const others = dockerClientsOnMachine(env).slice(1);
  const probes = [first, ...(await Promise.all(others.map(probeDockerClient)))];
  return chooseBuilder(probes, false);
}

/** What the answer depends on: the configured binary, every client on the machine, the CLI plugin dirs, the daemon address. */
export function probeCacheKey(configuredBinary: string | null, env: NodeJS.ProcessEnv = process.env): string {
  const identity = (path: string) => {
    try {
      const stat = statSync(path);
      return `${path}:${realpathSync(path)}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return `${path}:-`;
    }
  };
  const pluginDirs = [
    join(env['DOCKER_CONFIG'] || join(homedir(), '.docker'), 'cli-plugins'),
    '/usr/local/lib/docker/cli-plugins',
    '/usr/local/libexec/docker/cli-plugins',
    '/usr/lib/docker/cli-plugins',
    '/usr/libexec/docker/cli-plugins',
  ];
  return JSON.stringify({
    v: 3,
    configured: configuredBinary ? identity(configuredBinary) : null,
    clients: dockerClientsOnMachine(env).map(identity),
    plugins: pluginDirs.map(identity),
    daemon: [env['DOCKER_HOST'] ?? '', env['DOCKER_CONTEXT'] ?? ''],
  });
}

function readCachedChoice(file: string): BuilderChoice | null {
  try {
    const choice = JSON.parse(readFileSync(file, 'utf8')) as BuilderChoice;
    return ['buildx', 'buildkit', 'legacy'].includes(choice.kind) &&
      typeof choice.binary === 'string' &&
      typeof choice.engine?.store === 'string' &&
      choice.engine.buildxDriver !== undefined
      ? choice
      : null;
  } catch {
    return null;
  }
}
