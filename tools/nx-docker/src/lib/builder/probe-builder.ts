import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { workspaceDataDirectoryForWorkspace } from 'nx/src/utils/cache-directory';
import { runDocker } from '../docker/docker';
import { BuilderChoice, chooseBuilder, ClientProbe } from './detect-builder';

type CommandOutput = ClientProbe['version'];

/** Failures are data (`reject: false`): a client without buildx, or a daemon that is down. */
function probeCommand(binary: string, args: string[]): Promise<CommandOutput> {
  return runDocker(args, { binary, reject: false, timeoutMs: 15_000 }).then(
    ({ exitCode, stdout, stderr }) => ({
      exitCode,
      stdout,
      stderr,
    }),
  );
}

/** The daemon half of a probe, asked on every build: versions and image store, two quick daemon calls. */
export async function probeEngine(
  binary: string,
): Promise<Pick<ClientProbe, 'binary' | 'version' | 'driverStatus'>> {
  const [version, driverStatus] = await Promise.all([
    probeCommand(binary, ['version', '--format', '{{json .}}']),
    probeCommand(binary, ['info', '--format', '{{json .DriverStatus}}']),
  ]);
  return { binary, version, driverStatus };
}

/** The buildx half: two runs of the plugin, the slow part of a probe, which the cache saves. */
export async function probeBuildx(binary: string): Promise<Pick<ClientProbe, 'buildx' | 'buildxInspect'>> {
  const [buildx, buildxInspect] = await Promise.all([
    probeCommand(binary, ['buildx', 'version']),
    probeCommand(binary, ['buildx', 'inspect']),
  ]);
  return { buildx, buildxInspect };
}

const memo = new Map<string, Promise<BuilderChoice>>();

/**
 * The builder of `configuredBinary` (option or NX_DOCKER_BINARY), else of `docker`. The engine is asked every
 * time; the buildx answers are kept in Nx's workspace data directory (`.nx/workspace-data/nx-docker/`), keyed
 * on the client and server versions, the image store, the daemon address, the buildx plugin files and the
 * text of buildx's current-builder file, so builds do not each run the plugin twice. A new client, engine or
 * buildx, or `docker buildx use`, changes the key. Nothing read from the cache is executed: it holds only
 * buildx's output.
 */
export function resolveBuilder(
  configuredBinary: string | null,
  workspaceRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BuilderChoice> {
  const binary = configuredBinary ?? 'docker';
  const client = [binary, env['DOCKER_HOST'], env['DOCKER_CONTEXT'], env['DOCKER_CONFIG']].join('\0');
  let pending = memo.get(client);
  if (!pending) {
    pending = (async () => {
      const engine = await probeEngine(binary);
      const file = join(
        workspaceDataDirectoryForWorkspace(workspaceRoot),
        'nx-docker',
        `buildx-${createHash('sha256').update(buildxCacheKey(engine, env)).digest('hex').slice(0, 16)}.json`,
      );
      const cached = readCachedBuildx(file);
      const buildx = cached ?? (await probeBuildx(binary));
      if (!cached) writeCachedBuildx(file, buildx);
      return chooseBuilder({ ...engine, ...buildx });
    })();
    memo.set(client, pending);
    pending.catch(() => memo.delete(client));
  }
  return pending;
}

/** What buildx's answers depend on beyond the engine's own answers. */
export function buildxCacheKey(
  engine: Pick<ClientProbe, 'binary' | 'version' | 'driverStatus'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const identity = (path: string) => {
    try {
      const stat = statSync(path);
      return `${path}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return `${path}:-`;
    }
  };
  // buildx rewrites `current` (a line of JSON naming the builder) on every inspect and build, unchanged: its
  // text is the key, not its time.
  const text = (path: string) => {
    try {
      return `${path}:${readFileSync(path, 'utf8')}`;
    } catch {
      return `${path}:-`;
    }
  };
  const config = env['DOCKER_CONFIG'] || join(homedir(), '.docker');
  return JSON.stringify({
    v: 5,
    binary: engine.binary,
    version: engine.version.stdout,
    store: engine.driverStatus.stdout,
    daemon: [env['DOCKER_HOST'] ?? '', env['DOCKER_CONTEXT'] ?? ''],
    buildx: [
      join(config, 'cli-plugins', 'docker-buildx'),
      '/usr/local/lib/docker/cli-plugins/docker-buildx',
      '/usr/local/libexec/docker/cli-plugins/docker-buildx',
      '/usr/lib/docker/cli-plugins/docker-buildx',
      '/usr/libexec/docker/cli-plugins/docker-buildx',
    ].map(identity),
    builder: text(join(config, 'buildx', 'current')),
  });
}

function readCachedBuildx(file: string): Pick<ClientProbe, 'buildx' | 'buildxInspect'> | null {
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as Pick<ClientProbe, 'buildx' | 'buildxInspect'>;
    const valid = (output: CommandOutput | undefined) =>
      typeof output?.exitCode === 'number' &&
      typeof output.stdout === 'string' &&
      typeof output.stderr === 'string';
    return valid(cached.buildx) && valid(cached.buildxInspect) ? cached : null;
  } catch {
    return null;
  }
}

function writeCachedBuildx(file: string, buildx: Pick<ClientProbe, 'buildx' | 'buildxInspect'>): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(buildx));
    renameSync(temp, file);
  } catch {
    // A read-only workspace only costs the next build a probe.
  }
}
