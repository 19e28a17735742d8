/**
 * Which builder a docker CLI offers, decided from its captured output. Pure: `probe-builder.ts`
 * gathers the output, `chooseBuilder` decides, and both are testable with captured strings.
 */
export type BuilderKind = 'buildx' | 'buildkit' | 'legacy';

export interface ClientProbe {
  /** The binary as configured, else `docker` (found on PATH by the shell rules of execa). */
  binary: string;
  /** `docker buildx version`. */
  buildx: { exitCode: number; stdout: string; stderr: string };
  /** `docker version --format '{{json .}}'` (stdout may hold the client part only when the daemon is down). */
  version: { exitCode: number; stdout: string; stderr: string };
  /** `docker info --format '{{json .DriverStatus}}'`: which image store the daemon uses. */
  driverStatus: { exitCode: number; stdout: string; stderr: string };
  /** `docker buildx inspect`: the current builder's driver (fails without buildx). */
  buildxInspect: { exitCode: number; stdout: string; stderr: string };
}

/** Where the daemon keeps images: the classic graph drivers, or containerd's content store and snapshotters. */
export type ImageStore = 'classic' | 'containerd';

/** What the engine behind a client can do, as far as our options care. */
export interface EngineFacts {
  serverVersion: string | null;
  store: ImageStore;
  /**
   * The BuildKit the daemon embeds (what `docker build` and buildx's default `docker` driver run), as
   * major.minor, from the engine version: distribution builds report `v0.0.0+unknown` to `buildx inspect`.
   * null: no BuildKit in this daemon, or an engine version we cannot place.
   */
  buildkit: string | null;
  /**
   * The driver of buildx's current builder: `docker` (the daemon's own BuildKit), `docker-container`,
   * `kubernetes`, `remote`; null without buildx.
   */
  buildxDriver: string | null;
}

export interface BuilderChoice {
  kind: BuilderKind;
  binary: string;
  clientVersion: string | null;
  engine: EngineFacts;
  /** One sentence for the log: why this builder. */
  reason: string;
  /** Set when the build will be worse than it could be (the legacy builder). */
  warning: string | null;
}

export function builderOf(
  probe: ClientProbe,
): Omit<BuilderChoice, 'reason' | 'warning' | 'engine'> & { detail: string } {
  const clientVersion = clientVersionOf(probe.version.stdout);
  if (probe.buildx.exitCode === 0 && /buildx/i.test(probe.buildx.stdout)) {
    const buildxVersion = /\bv?(\d+\.\d+\.\d+)/.exec(probe.buildx.stdout)?.[1] ?? 'unknown';
    return { kind: 'buildx', binary: probe.binary, clientVersion, detail: `buildx ${buildxVersion}` };
  }
  const major = clientVersion ? Number(/^(\d+)/.exec(clientVersion)?.[1] ?? NaN) : NaN;
  const minor = clientVersion ? Number(/^\d+\.(\d+)/.exec(clientVersion)?.[1] ?? 0) : 0;
  // Clients 18.09–22.x carry BuildKit inside `docker build` (DOCKER_BUILDKIT=1). From 23 on, BuildKit
  // in the CLI *is* buildx: without the plugin, DOCKER_BUILDKIT=1 fails ("buildx component is missing").
  const builtIn = Number.isFinite(major) && (major > 18 || (major === 18 && minor >= 9)) && major < 23;
  const server = serverVersionOf(probe.version.stdout);
  const serverMajor = server ? Number(/^(\d+)/.exec(server)?.[1] ?? NaN) : NaN;
  const serverOk =
    !server || !Number.isFinite(serverMajor) || serverMajor >= 19 || /^18\.(09|1\d)/.test(server);
  if (builtIn && serverOk) {
    return {
      kind: 'buildkit',
      binary: probe.binary,
      clientVersion,
      detail: `client ${clientVersion} has BuildKit built in`,
    };
  }
  const detail = !clientVersion
    ? 'client version unknown'
    : builtIn
      ? `daemon ${server} is too old for BuildKit`
      : major >= 23
        ? `client ${clientVersion} has no buildx plugin, which BuildKit needs from client 23 on`
        : `client ${clientVersion} predates BuildKit`;
  return { kind: 'legacy', binary: probe.binary, clientVersion, detail };
}

/** The builder `probe`'s client offers: the one client used, `docker` or the configured one. */
export function chooseBuilder(probe: ClientProbe): BuilderChoice {
  const chosen = builderOf(probe);
  const label =
    chosen.kind === 'buildx'
      ? 'buildx build --load'
      : chosen.kind === 'buildkit'
        ? 'BuildKit (DOCKER_BUILDKIT=1 docker build)'
        : 'legacy builder';
  return {
    kind: chosen.kind,
    binary: chosen.binary,
    clientVersion: chosen.clientVersion,
    engine: engineOf(probe),
    reason: `${label} with ${chosen.binary}: ${chosen.detail}.`,
    warning:
      chosen.kind === 'legacy'
        ? `Building with Docker's deprecated legacy builder (${chosen.detail}): no BuildKit cache, COPY --chmod and --platform emulation. Install the buildx plugin, or point NX_DOCKER_BINARY (or the dockerBinary option) at a client with BuildKit.`
        : null,
  };
}

/**
 * The BuildKit each engine release embeds (moby's vendored github.com/moby/buildkit), major.minor.
 * Later engines than the table knows are taken to embed at least the newest BuildKit listed.
 */
const ENGINE_BUILDKIT: Array<[engineMajor: number, buildkit: string]> = [
  [18, '0.3'],
  [19, '0.6'],
  [20, '0.8'],
  [23, '0.11'],
  [24, '0.11'],
  [25, '0.12'],
  [26, '0.13'],
  [27, '0.15'],
  [28, '0.20'],
  [29, '0.25'],
];

export function engineOf(probe: ClientProbe): EngineFacts {
  const serverVersion = serverVersionOf(probe.version.stdout);
  const major = serverVersion ? Number(/^(\d+)/.exec(serverVersion)?.[1] ?? NaN) : NaN;
  const known = ENGINE_BUILDKIT.filter(([engine]) => engine <= major);
  return {
    serverVersion,
    store: /io\.containerd\.snapshotter/.test(probe.driverStatus.stdout) ? 'containerd' : 'classic',
    buildkit: Number.isFinite(major) && known.length > 0 ? known[known.length - 1][1] : null,
    buildxDriver:
      probe.buildxInspect.exitCode === 0
        ? (/^Driver:\s+(\S+)/m.exec(probe.buildxInspect.stdout)?.[1] ?? null)
        : null,
  };
}

/** `0.13` ≥ `0.12`, for BuildKit major.minor versions. */
export function versionAtLeast(version: string | null, minimum: string): boolean {
  if (!version) return false;
  const [major, minor] = version.split('.').map(Number);
  const [wantMajor, wantMinor] = minimum.split('.').map(Number);
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

export function clientVersionOf(versionJson: string): string | null {
  return jsonField(versionJson, (v) => v.Client?.Version);
}

function serverVersionOf(versionJson: string): string | null {
  return jsonField(versionJson, (v) => v.Server?.Version);
}

function jsonField(text: string, pick: (value: VersionJson) => unknown): string | null {
  const line = text.split('\n').find((l) => l.trim().startsWith('{'));
  if (!line) return null;
  try {
    const value = pick(JSON.parse(line) as VersionJson);
    return typeof value === 'string' && value ? value : null;
  } catch {
    return null;
  }
}

interface VersionJson {
  Client?: { Version?: unknown };
  Server?: { Version?: unknown } | null;
}
