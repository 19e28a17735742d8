import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dockerBinary,
  DockerResult,
  FollowedDocker,
  followDocker,
  runDocker,
  RunDockerOptions,
  wasCutShort,
} from '../../../lib/docker/docker';
import { runFilter, SMOKE_LABEL } from './run-args';

export interface CleanupReport {
  containers: string[];
  networks: string[];
}

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** A short, unique, name-safe id per run: parallel smoke tests (and other helpers) never collide. */
export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** What the steps of a run use of it: a fake of this is enough to run them without a daemon. */
export type SmokeSession = Pick<
  RunSession,
  | 'runId'
  | 'labels'
  | 'signal'
  | 'interrupted'
  | 'docker'
  | 'follow'
  | 'trackContainer'
  | 'trackNetwork'
  | 'cleanup'
>;

/**
 * Everything one smoke run creates, and the one place that removes it. Every container and network is
 * labelled `ventas.smoke=<runId>`. Cleanup is idempotent and runs from the executor's `finally` AND from
 * SIGINT/SIGTERM/SIGHUP handlers; it ends with a sweep by label for whatever a cancelled command left.
 */
export class RunSession {
  readonly runId: string;
  readonly labels: Record<string, string>;
  private readonly controller = new AbortController();
  private readonly containers: string[] = [];
  private readonly networks: string[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly following = new Set<FollowedDocker>();
  private cleanupPromise: Promise<CleanupReport> | null = null;
  /** A create was cut short or threw: the daemon may still make it after cleanup removed its name. */
  private mightHaveUntracked = false;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  private watchdog: Watchdog | null = null;

  constructor(extraLabels: Record<string, string> = {}, runId = newRunId()) {
    this.runId = runId;
    this.labels = { ...extraLabels, [SMOKE_LABEL]: runId };
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get interrupted(): boolean {
    return this.controller.signal.aborted;
  }

  /** runDocker, refused once the run is interrupted, and tracked so cleanup waits for it to finish. */
  docker(args: string[], options: RunDockerOptions = {}): Promise<DockerResult> {
    this.signal.throwIfAborted();
    const pending = runDocker(args, options);
    this.inFlight.add(pending);
    const forget = () => this.inFlight.delete(pending);
    pending.then(forget, forget);
    // A create whose CLI was ended (or threw) may still land in the daemon after cleanup removed its name.
    if (createsSomething(args)) {
      pending.then(
        (result) => {
          if (wasCutShort(result)) this.mightHaveUntracked = true;
        },
        () => (this.mightHaveUntracked = true),
      );
    }
    return pending;
  }

  /**
   * followDocker, ended by an interruption; cleanup stops whatever still runs (a `logs --follow` would otherwise
   * last until its container is removed, and cleanup waits for nothing it started).
   */
  follow(args: string[], onOutput: () => void): FollowedDocker {
    this.signal.throwIfAborted();
    const followed = followDocker(args, { onOutput, cancelSignal: this.signal });
    this.following.add(followed);
    void followed.ended.then(() => this.following.delete(followed));
    return followed;
  }

  /** Register before `docker run`/`network create`: a name is known even if the command is interrupted. */
  trackContainer(name: string): void {
    this.containers.push(name);
  }

  trackNetwork(name: string): void {
    this.networks.push(name);
  }

  /** Signal handlers for the in-process cleanup, and the watchdog for when this process cannot finish it. */
  installSignalHandlers(log: (message: string) => void = console.error): void {
    this.watchdog = startWatchdog(this.runId);
    for (const signal of Object.keys(SIGNAL_EXIT_CODES) as NodeJS.Signals[]) {
      const handler = () => {
        if (this.interrupted) return;
        log(`Received ${signal}: removing the containers and networks of smoke run ${this.runId}…`);
        this.controller.abort(new Error(`interrupted by ${signal}`));
        this.watchdog?.sweep();
        void this.cleanup()
          .then((report) => log(`Removed ${describe(report)}.`))
          .finally(() => process.exit(SIGNAL_EXIT_CODES[signal]));
      };
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  /** After cleanup has finished: the watchdog is no longer needed. */
  removeSignalHandlers(): void {
    // Interrupted: the watchdog keeps sweeping in case this process is killed before its own cleanup ends.
    if (!this.interrupted) this.watchdog?.done();
    this.watchdog = null;
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    this.handlers.clear();
  }

  cleanup(): Promise<CleanupReport> {
    this.cleanupPromise ??= this.doCleanup();
    return this.cleanupPromise;
  }

  private async doCleanup(): Promise<CleanupReport> {
    for (const followed of this.following) followed.stop();
    // A `docker run` in flight may still create its container: let it finish (bounded) before removing.
    const settled = await Promise.race([
      Promise.allSettled([...this.inFlight]).then(() => true),
      delay(15_000).then(() => false),
    ]);
    // What the run made, by name: every name is tracked before its docker command runs.
    const removed = [
      this.containers.length
        ? await runDocker(['rm', '--force', '--volumes', ...unique(this.containers)], { reject: false })
        : null,
      this.networks.length
        ? await runDocker(['network', 'rm', ...unique(this.networks)], { reject: false })
        : null,
    ];
    // Then by label, unless all of it is known to be gone: anything a cancelled command left, or a create that
    // landed during the removal.
    const sure = settled && !this.interrupted && !this.mightHaveUntracked && removed.every((r) => !r?.failed);
    if (sure) return { containers: this.containers.slice(), networks: this.networks.slice() };
    const [containersLeft, networksLeft] = await Promise.all([
      runDocker(['ps', '--all', '--quiet', ...runFilter(this.runId)], { reject: false }),
      runDocker(['network', 'ls', '--quiet', ...runFilter(this.runId)], { reject: false }),
    ]);
    if (lines(containersLeft.stdout).length)
      await runDocker(['rm', '--force', '--volumes', ...lines(containersLeft.stdout)], { reject: false });
    if (lines(networksLeft.stdout).length)
      await runDocker(['network', 'rm', ...lines(networksLeft.stdout)], { reject: false });
    return { containers: this.containers.slice(), networks: this.networks.slice() };
  }
}

/**
 * A watchdog outside this process tree, started with each run. Nx stops a task with
 * killProcessTreeGraceful: it signals the task's leaf processes again and again (a `docker rm` started by
 * our cleanup among them, and any process we would start at that moment) and SIGKILLs whatever is left
 * after a grace period, so cleanup from inside the tree can be cut short (seen with Nx 23.2: the run's
 * network left behind). The watchdog is double-forked before anything is created (its parent exits at
 * once, so it is re-parented and no longer our descendant). It polls: a `.sweep` marker file, or this
 * process gone (even by SIGKILL) → it removes everything labelled with this run; a `.done` marker → it
 * exits. This is the one place outside lib/docker/docker.ts that runs the docker CLI, and it only ever
 * removes things labelled with this run.
 */
export interface Watchdog {
  sweep(): void;
  done(): void;
}

export function startWatchdog(runId: string, binary = dockerBinary()): Watchdog {
  const marker = join(tmpdir(), `ventas-smoke-${runId}`);
  const args = [WATCHDOG, binary, SMOKE_LABEL, runId, String(process.pid), marker];
  const child = spawn(process.execPath, ['-e', WATCHDOG_LAUNCHER, ...args], {
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  child.unref();
  const touch = (suffix: string) => {
    try {
      writeFileSync(`${marker}.${suffix}`, '');
    } catch {
      // The in-process cleanup still runs; the watchdog also sweeps when this process is gone.
    }
  };
  return { sweep: () => touch('sweep'), done: () => touch('done') };
}

/** Stage 1: start stage 2 detached and exit at once. */
const WATCHDOG_LAUNCHER = `
const { spawn } = require('node:child_process');
const [script, ...args] = process.argv.slice(1);
spawn(process.execPath, ['-e', script, ...args], { detached: true, stdio: 'ignore' }).unref();
`;

/**
 * Stage 2: polls every 250 ms. To sweep: containers (with their volumes), then networks, by label, 1 s
 * apart until a sweep finds nothing (at least three sweeps, to catch a late \`docker run\`; at most 30).
 */
const WATCHDOG = `
const { spawnSync } = require('node:child_process');
const { existsSync, rmSync } = require('node:fs');
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => undefined);
const [binary, label, runId, pid, marker] = process.argv.slice(1);
const filter = ['--filter', 'label=' + label + '=' + runId];
const ids = (args) => (spawnSync(binary, args, { encoding: 'utf8' }).stdout || '').split('\\n').filter(Boolean);
const alive = () => { try { process.kill(Number(pid), 0); return true; } catch (error) { return error.code === 'EPERM'; } };
const finish = () => { for (const suffix of ['.sweep', '.done']) rmSync(marker + suffix, { force: true }); process.exit(0); };
setInterval(() => {
  const sweep = existsSync(marker + '.sweep');
  if (!sweep && existsSync(marker + '.done')) finish();
  if (sweep || !alive()) {
    for (let round = 0; round < 30; round++) {
      if (round > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      const containers = ids(['ps', '--all', '--quiet', ...filter]);
      if (containers.length) spawnSync(binary, ['rm', '--force', '--volumes', ...containers]);
      const networks = ids(['network', 'ls', '--quiet', ...filter]);
      if (networks.length) spawnSync(binary, ['network', 'rm', ...networks]);
      if (round >= 2 && !containers.length && !networks.length) break;
    }
    finish();
  }
}, 250);
`;

export function describe(report: CleanupReport): string {
  return `${report.containers.length} container(s) and ${report.networks.length} network(s)`;
}

/** `docker run`, `docker create`, `docker network create`. */
function createsSomething(args: string[]): boolean {
  return args[0] === 'run' || args[0] === 'create' || (args[0] === 'network' && args[1] === 'create');
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
