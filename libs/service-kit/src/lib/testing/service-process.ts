import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from './test-servers';

/**
 * The esbuild options of the apps' `build` targets (project.json), for tests that spawn a bundle. Only the
 * target differs: tests run on the host's Node (20), images on Node 24.
 */
export const SERVICE_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['pg-native', 'esbuild'],
  logLevel: 'warning',
} as const;

/**
 * The npm packages an entry's bundle carries (esbuild's metafile, with the build target's options), sorted.
 */
export async function bundledPackages(entry: string): Promise<string[]> {
  const { build } = await import('esbuild');
  const result = await build({
    ...SERVICE_BUNDLE_OPTIONS,
    external: [...SERVICE_BUNDLE_OPTIONS.external],
    entryPoints: [entry],
    write: false,
    metafile: true,
  });
  const packages = Object.keys(result.metafile.inputs).flatMap((input) => {
    // The package a file belongs to follows the last node_modules/ (a nested copy is a package of its own).
    const parts = input.split(/(?:^|\/)node_modules\//);
    if (parts.length < 2) return [];
    const [scopeOrName = '', name = ''] = (parts.at(-1) ?? '').split('/');
    return [scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName];
  });
  return [...new Set(packages)].sort();
}

export interface ServiceProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote, stdout and stderr. */
  output(): string;
  /** JSON log lines parsed (non-JSON lines skipped). */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the first JSON log line that matches, e.g. the server's "incoming request" of a given URL. */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Sends the signal and waits for exit; removes the bundle. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnServiceOptions {
  /** A TypeScript entry (a service's src/main.ts or a fixture). */
  entry: string;
  env: Record<string, string>;
  /** Wait until GET <healthPath> answers 200; omit to return right after spawn. */
  healthPath?: string;
  timeoutMs?: number;
}

/**
 * Bundles a TypeScript entry with esbuild (as the build target does) and runs it with this Node, on a free
 * port. Real processes let tests send real signals and talk real HTTP between services.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<ServiceProcess> {
  const { build } = await import('esbuild');
  const outdir = mkdtempSync(join(tmpdir(), 'ventas-svc-'));
  const outfile = join(outdir, 'main.js');
  await build({
    ...SERVICE_BUNDLE_OPTIONS,
    external: [...SERVICE_BUNDLE_OPTIONS.external],
    entryPoints: [options.entry],
    outfile,
  });

  const port = await closedPort();
  const child = spawn(process.execPath, [outfile], {
    env: {
      PATH: process.env['PATH'] ?? '',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  // 'close', not 'exit': it comes after stdout and stderr are drained, so logs() then holds every line.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  void exited.then(() => rmSync(outdir, { recursive: true, force: true }));

  const service: ServiceProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => output,
    logs: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    exited,
    waitForLog: async (match, timeoutMs = 10000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = service.logs().find(match);
        if (found) return found;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no matching log line within ${timeoutMs} ms:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };

  if (options.healthPath) {
    const deadline = Date.now() + (options.timeoutMs ?? 15000);
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(
          `${options.entry} exited with code ${child.exitCode} before it was healthy:\n${output}`,
        );
      }
      try {
        const response = await fetch(service.url + options.healthPath, { signal: AbortSignal.timeout(1000) });
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await service.stop('SIGKILL');
        throw new Error(
          `${options.entry} was not healthy within ${options.timeoutMs ?? 15000} ms:\n${output}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return service;
}
