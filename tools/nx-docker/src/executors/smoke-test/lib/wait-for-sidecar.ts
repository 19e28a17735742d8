import { DockerResult, lastLines, RunDockerOptions, wasCutShort } from '../../../lib/docker/docker';
import { ASK_DOCKER, ContainerActivity } from './activity';
import { Attempt, ReadyOutcome, waitUntilReady } from './probe';
import {
  describeReadiness,
  describeTcpProbe,
  isMissingExecutable,
  lastTry,
  Readiness,
  retryInContainer,
  tcpListenScript,
  triesWithin,
} from './readiness';
import { ContainerState, execArgs, probeContainerArgs } from './run-args';
import type { SmokeSession } from './run-session';

export interface SidecarWait {
  alias: string;
  /** The sidecar's container. */
  container: string;
  plan: Exclude<Readiness, { kind: 'none' }>;
  /** The image under test: certainly in the daemon, used for a probe container when the sidecar has no /bin/sh. */
  probeImage: string;
  /** Name of that probe container, if one is needed. */
  probeContainer: string;
  timeoutMs: number;
  state: () => Promise<ContainerState>;
}

/**
 * Waits until a started sidecar is ready by its plan (lib/readiness.ts), within the deadline. A healthcheck or a
 * port probe runs again and again inside the sidecar, in one docker exec that lasts until it passes or the time
 * is up (retryInContainer); a readyLog is checked when the sidecar prints something, else every 2 s
 * (waitUntilReady). Everything runs through the session (so Ctrl-C cancels it and cleanup removes what it made),
 * and nothing reaches a container from the host: the host may only reach ports published on 127.0.0.1.
 *
 * Why docker exec, measured on the shared engine (Docker 26.1.5, 2 cores): `docker exec` ≈ 0.3 s per call, a
 * probe container per try (`docker run --rm --network container:<sidecar>`) ≈ 0.7 s, or ≈ 0.75 s with a node
 * connect() in the image under test, which also needs node in that image. So every try is a docker exec into the
 * sidecar itself: its own network namespace, no extra image, nothing left behind. A port is checked by a script of
 * /bin/sh builtins reading /proc/net/tcp{,6} (no nc, bash or node needed in the image); it only counts a socket
 * listening on a non-loopback address, one the other containers of the run can connect to. Only a sidecar without
 * /bin/sh gets a probe container: one per wait, from the image under test (certainly in the daemon), joined to the
 * sidecar's namespace (`--network container:<sidecar>`), started once and exec'd into, then removed.
 */
export async function waitForSidecar(session: SmokeSession, wait: SidecarWait): Promise<ReadyOutcome> {
  const probe = new TcpProbeTarget(session, wait);
  // Only a readyLog wait reads the output; the other plans' loop ends by itself when the sidecar stops.
  const followed = wait.plan.kind === 'log' ? new ContainerActivity(session, wait.container) : null;
  const activity = followed ?? ASK_DOCKER;
  try {
    return await waitUntilReady(
      {
        attempt: (remainingMs) => attemptOnce(session, wait, probe, remainingMs),
        state: wait.state,
        activity,
      },
      {
        what: `Sidecar '${wait.alias}'`,
        waitingFor: describeReadiness(wait.plan),
        timeoutMs: wait.timeoutMs,
        signal: session.signal,
      },
    );
  } finally {
    followed?.stop();
    await probe.remove();
  }
}

async function attemptOnce(
  session: SmokeSession,
  wait: SidecarWait,
  probe: TcpProbeTarget,
  remainingMs: number,
): Promise<Attempt> {
  const run: RunDockerOptions = { reject: false, timeoutMs: remainingMs, cancelSignal: session.signal };
  const plan = wait.plan;
  if (plan.kind === 'health') {
    const what = plan.source === 'healthCmd' ? 'its healthCmd' : "its image's HEALTHCHECK";
    const loop = await session.docker(
      execArgs(
        wait.container,
        retryInContainer(plan.command, triesWithin(remainingMs), { gatePort: plan.gatePort }),
      ),
      run,
    );
    // No /bin/sh in the sidecar (Docker's own exec error, on stderr): one run per try instead.
    const withoutShell = noShell(loop);
    const result = withoutShell ? await session.docker(execArgs(wait.container, plan.command), run) : loop;
    const last = withoutShell
      ? {
          output: `${result.stdout}\n${result.stderr}`.trim(),
          exitCode: wasCutShort(result) ? null : result.exitCode,
        }
      : lastTry(loop.stdout, loop.exitCode);
    if (last.exitCode === 0) return { ready: true, detail: `${what} passed (docker exec)` };
    if (last.exitCode === null) {
      return { ready: false, incomplete: true, detail: `${what} did not finish in time` };
    }
    const output = lastLines(last.output, 1) || '(no output)';
    return { ready: false, detail: `${what} exited with code ${last.exitCode}: ${output}` };
  }
  if (plan.kind === 'log') {
    const result = await session.docker(['logs', wait.container], run);
    if (result.failed) return { ready: false, detail: `docker logs failed: ${lastLines(result.stderr, 1)}` };
    const text = [result.stdout, result.stderr].join('\n');
    return new RegExp(plan.pattern, 'm').test(text)
      ? { ready: true, detail: `its log matches /${plan.pattern}/m` }
      : { ready: false, detail: `no line of its log matches /${plan.pattern}/m yet` };
  }
  return probe.attempt(plan.port, run, triesWithin(remainingMs));
}

/** Docker could not start the loop's /bin/sh in the container: no run of the command inside ever ended. */
function noShell(result: DockerResult): boolean {
  return isMissingExecutable(result) && !/^--- exit \d+$/m.test(result.stdout);
}

/** Where the port script runs: the sidecar itself, or (no /bin/sh there) a probe container in its namespace. */
class TcpProbeTarget {
  private target: string;
  private probeStarted = false;

  constructor(
    private readonly session: SmokeSession,
    private readonly wait: SidecarWait,
  ) {
    this.target = wait.container;
  }

  async attempt(port: number, run: RunDockerOptions, tries: number): Promise<Attempt> {
    const script = retryInContainer(['/bin/sh', '-c', tcpListenScript(port)], tries);
    let result = await this.session.docker(execArgs(this.target, script), run);
    if (noShell(result) && !this.probeStarted) {
      const started = await this.startProbe();
      if (started) return started;
      result = await this.session.docker(execArgs(this.target, script), run);
    }
    if (noShell(result)) {
      return {
        ready: false,
        fatal: true,
        detail: `neither the sidecar nor the image under test (${this.wait.probeImage}) has /bin/sh to read /proc/net/tcp with`,
      };
    }
    const last = lastTry(result.stdout, result.exitCode);
    if (last.exitCode === null) {
      return wasCutShort(result)
        ? { ready: false, incomplete: true, detail: 'the port probe did not finish in time' }
        : { ready: false, detail: `the port probe failed: ${lastLines(result.stderr || result.stdout, 1)}` };
    }
    if (last.exitCode !== 0 && last.exitCode !== 1) {
      return { ready: false, detail: `the port probe failed: ${lastLines(last.output, 1)}` };
    }
    const via = this.probeStarted ? ' (seen from a probe container in its network namespace)' : '';
    return { ready: last.exitCode === 0, detail: `${describeTcpProbe(port, last.output)}${via}` };
  }

  /** Starts the probe container; returns a failed attempt if it could not be started. */
  private async startProbe(): Promise<Attempt | null> {
    this.probeStarted = true;
    const name = this.wait.probeContainer;
    this.session.trackContainer(name);
    const result = await this.session.docker(
      probeContainerArgs({
        name,
        image: this.wait.probeImage,
        labels: this.session.labels,
        target: this.wait.container,
      }),
      { reject: false, cancelSignal: this.session.signal },
    );
    if (result.failed) {
      return {
        ready: false,
        fatal: true,
        detail: `the sidecar has no /bin/sh, and a probe container in its network namespace did not start: ${lastLines(result.stderr || result.stdout, 1)}`,
      };
    }
    this.target = name;
    return null;
  }

  /** At once after the wait (the session's cleanup removes it too, whatever happens). */
  async remove(): Promise<void> {
    if (this.probeStarted && !this.session.interrupted) {
      await this.session.docker(['rm', '--force', this.wait.probeContainer], { reject: false });
    }
  }
}
