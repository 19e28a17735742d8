import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { linesOf, repoRoot, runScript, type ScriptRun } from './run-script';

// Runs each bootstrap script twice against the real machine: the first run brings the thing up (or finds it
// up), the second must change nothing: same image ids, same server pids and ports, same env files, and an
// output that says "already". Durations are printed; the assertions are on "did nothing", the time bound is
// generous on purpose (the machine is shared).

const SECOND_RUN_BOUND_S = 60;
const FIRST_RUN_TIMEOUT_MS = 20 * 60_000;

async function firstRun(script: string, args: string[] = []): Promise<ScriptRun> {
  const run = await runScript(script, args);
  if (run.exitCode !== 0) {
    throw new Error(
      `tools/scripts/${script} ${args.join(' ')} failed (exit ${run.exitCode}):\n${run.output}`,
    );
  }
  return run;
}

function report(script: string, first: ScriptRun, second: ScriptRun): void {
  console.log(
    `${script}: first run ${first.seconds.toFixed(1)} s, second run ${second.seconds.toFixed(1)} s`,
  );
}

function envFiles(): Record<string, { content: string; mtimeMs: number }> {
  const dir = join(repoRoot, 'tmp', 'services');
  const files: Record<string, { content: string; mtimeMs: number }> = {};
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.env'))) {
      const path = join(dir, name);
      files[name] = { content: readFileSync(path, 'utf8'), mtimeMs: statSync(path).mtimeMs };
    }
  }
  return files;
}

async function imageIds(names: string[]): Promise<string[]> {
  const { stdout } = await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', ...names]);
  return stdout.split('\n');
}

/**
 * The engines' dockerd processes. logic.spec.ts, which may run beside this file, starts a stand-in named dockerd
 * from its sandbox (ventas-scripts-spec-*): not an engine.
 */
function dockerdPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return (
          readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd' &&
          !readlinkSync(`/proc/${pid}/exe`).includes('ventas-scripts-spec-')
        );
      } catch {
        return false;
      }
    })
    .map(Number)
    .sort((a, b) => a - b);
}

/** "running (pid 123) on 127.0.0.1:55000" from `<script> status`. */
async function serverStatus(script: string): Promise<{ pid: number; port: number }> {
  const run = await runScript(script, ['status']);
  const match = /running \(pid (\d+)\) on 127\.0\.0\.1:(\d+)/.exec(run.output);
  if (!match) throw new Error(`${script} status does not report a running server:\n${run.output}`);
  return { pid: Number(match[1]), port: Number(match[2]) };
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('bootstrap scripts: a second run changes nothing', () => {
  it(
    'docker-engine.sh finds the running engine and leaves it alone',
    async () => {
      const first = await firstRun('docker-engine.sh');
      const pidsBefore = dockerdPids();
      const second = await runScript('docker-engine.sh');
      report('docker-engine.sh', first, second);

      expect(second.exitCode).toBe(0);
      expect(second.output).toMatch(/already running.*: nothing to do/);
      // Every run names the engine it leaves in use.
      expect(second.output).toMatch(
        /engine: \w+ leg, Docker \S+ \((classic|containerd) image store\), client \S+, builder /,
      );
      expect(dockerdPids()).toEqual(pidsBefore);
      expect(second.seconds).toBeLessThan(SECOND_RUN_BOUND_S);
    },
    FIRST_RUN_TIMEOUT_MS,
  );

  it(
    'base-images.sh keeps every image as it is',
    async () => {
      const images = ['debian:bookworm-slim', 'node:24-bookworm-slim', 'postgres:15-bookworm'];
      const first = await firstRun('base-images.sh');
      const idsBefore = await imageIds(images);
      const second = await runScript('base-images.sh');
      report('base-images.sh', first, second);

      expect(second.exitCode).toBe(0);
      const lines = linesOf(second.output, 'base-images.sh');
      for (const image of images) {
        expect(lines).toContainEqual(
          expect.stringMatching(
            new RegExp(`^\\[base-images.sh\\] ${image}: (already present|present and not assembled by us)`),
          ),
        );
      }
      expect(second.output).not.toMatch(/assembl(ed in|ing)|docker build|debootstrap/);
      expect(await imageIds(images)).toEqual(idsBefore);
      expect(second.seconds).toBeLessThan(SECOND_RUN_BOUND_S);
    },
    FIRST_RUN_TIMEOUT_MS,
  );

  it.each([
    ['registry.sh', 'registry.env', 55000],
    ['postgres.sh', 'postgres.env', 55432],
    ['moto.sh', 'moto.env', 55500],
  ])(
    '%s start keeps the same server, port and %s',
    async (script, envFile, port) => {
      const first = await firstRun(script, ['start']);
      const statusBefore = await serverStatus(script);
      const envBefore = envFiles()[envFile];
      const second = await runScript(script, ['start']);
      report(`${script} start`, first, second);

      expect(second.exitCode).toBe(0);
      expect(second.output).toMatch(/already running \(pid \d+\)/);
      expect(second.output).toContain(`${envFile} already up to date`);
      expect(second.output).not.toMatch(/\b(starting|created|wrote)\b/);
      expect(await serverStatus(script)).toEqual(statusBefore);
      expect(statusBefore.port).toBe(port);
      expect(await portAnswers(port)).toBe(true);
      expect(envBefore).toBeDefined();
      expect(envFiles()[envFile]).toEqual(envBefore);
      expect(second.seconds).toBeLessThan(SECOND_RUN_BOUND_S);
    },
    FIRST_RUN_TIMEOUT_MS,
  );
});
