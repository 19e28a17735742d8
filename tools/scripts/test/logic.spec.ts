import { execa } from 'execa';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript, scriptsDir } from './run-script';

// The decision logic of the bootstrap scripts, exercised without touching the machine: fake `docker`
// binaries, temp pid files, --dry-run, and a copy of the scripts in a temp tree.

// Each case spawns bash a few dozen times; the machine is shared, so be generous.
jest.setTimeout(60_000);

const isRoot = process.getuid?.() === 0;
let sandbox: string;

beforeEach(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'ventas-scripts-spec-'));
  // Readable by everyone: some cases run the scripts as `nobody`.
  chmodSync(sandbox, 0o755);
});
afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

function writeExecutable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** A copy of tools/scripts at <sandbox>/repo/tools/scripts, world-readable, so `nobody` can run it. */
function copyScripts(): string {
  const target = join(sandbox, 'repo', 'tools', 'scripts');
  cpSync(scriptsDir, target, {
    recursive: true,
    filter: (src) => !src.includes('node_modules') && !src.endsWith('.spec.ts'),
  });
  return target;
}

function liveDockerdPid(): number | undefined {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .find((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd';
      } catch {
        return false;
      }
    });
}

/**
 * The environment of a docker-engine.sh run on `leg` where no engine answers: a docker client that never reaches
 * one, and the pid file, state dir and modern engine dir all in the sandbox.
 */
function noEngineEnv(leg: 'modern' | 'legacy'): Record<string, string> {
  const bin = join(sandbox, 'bin');
  mkdirSync(bin);
  writeExecutable(join(bin, 'docker'), '#!/bin/sh\necho "Cannot connect to the Docker daemon" >&2\nexit 1\n');
  return {
    PATH: `${bin}:${process.env.PATH}`,
    VENTAS_DOCKERD_PIDFILE: join(sandbox, 'docker.pid'),
    VENTAS_STATE_DIR: join(sandbox, 'state'),
    VENTAS_MODERN_ENGINE_DIR: join(sandbox, 'engine-modern'),
    // The legacy leg asks Debian's client by its path, once it is installed: the fake stands in for it too.
    VENTAS_LEGACY_DOCKER: join(bin, 'docker'),
    VENTAS_ENGINE: leg,
  };
}

describe('docker-engine.sh --dry-run, legacy leg, when no engine answers', () => {
  let env: Record<string, string>;
  let pidFile: string;

  beforeEach(() => {
    env = noEngineEnv('legacy');
    pidFile = env.VENTAS_DOCKERD_PIDFILE;
  });

  it('calls a pid file of a dead process stale and would start dockerd', async () => {
    writeFileSync(pidFile, '999999\n');
    const run = await runScript('docker-engine.sh', ['--dry-run'], { env });
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain("the legacy engine does not answer 'docker info'");
    expect(run.output).toContain(
      `dry run: would remove stale ${pidFile} (pid '999999' is not a running dockerd)`,
    );
    expect(run.output).toContain("dry run: would start the legacy engine's dockerd in the background");
    expect(existsSync(pidFile)).toBe(true);
  });

  it('calls a recycled pid (alive, not dockerd) stale', async () => {
    writeFileSync(pidFile, `${process.pid}\n`);
    const run = await runScript('docker-engine.sh', ['--dry-run'], { env });
    expect(run.output).toContain(
      `would remove stale ${pidFile} (pid '${process.pid}' is not a running dockerd)`,
    );
  });

  it('waits for a dockerd that is still there instead of removing its pid file', async () => {
    const pid = liveDockerdPid();
    if (pid === undefined)
      throw new Error('no dockerd process on this machine: run tools/scripts/docker-engine.sh');
    writeFileSync(pidFile, `${pid}\n`);
    const run = await runScript('docker-engine.sh', ['--dry-run'], { env });
    expect(run.output).toContain(`would wait up to 60s for dockerd pid ${pid}`);
    expect(run.output).not.toContain('stale');
  });

  it("would install Debian's docker.io when dockerd is missing", async () => {
    const run = await runScript('docker-engine.sh', ['--dry-run'], {
      env: { ...env, VENTAS_DOCKERD_BIN: '/nonexistent/dockerd' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain("dry run: would install Debian's docker.io");
  });

  it('stops with what to install when it is not root', async () => {
    const copy = copyScripts();
    const user = isRoot ? { user: 'nobody' } : {};
    const run = await runScript(join(copy, 'docker-engine.sh'), ['--dry-run'], { env, ...user });
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(
      /ERROR: cannot start a Docker engine as a non-root user\. Install Docker Engine \(Debian: sudo apt-get install docker\.io\)/,
    );
  });
});

describe('docker-engine.sh --dry-run, modern leg', () => {
  let env: Record<string, string>;
  let fakeDockerd: ReturnType<typeof execa> | null = null;

  beforeEach(() => {
    env = noEngineEnv('modern');
  });
  afterEach(() => {
    fakeDockerd?.kill('SIGKILL');
    fakeDockerd = null;
  });

  it("would download trixie's engine packages into its own directory and start that dockerd", async () => {
    const run = await runScript('docker-engine.sh', ['--dry-run'], { env });
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain("the modern engine does not answer 'docker info'");
    expect(run.output).toContain(
      `dry run: would download docker.io docker-cli containerd docker-buildx from Debian trixie and unpack them into ${sandbox}/engine-modern/root`,
    );
    expect(run.output).toContain("dry run: would start the modern engine's dockerd in the background");
    expect(run.output).not.toContain("would install Debian's docker.io");
  });

  it('would stop our running legacy engine first: one engine at a time', async () => {
    // A process whose name is dockerd, as the pid file check reads it from /proc/<pid>/comm.
    const dockerd = join(sandbox, 'dockerd');
    cpSync('/bin/sleep', dockerd);
    fakeDockerd = execa(dockerd, ['60'], { reject: false });
    writeFileSync(env.VENTAS_DOCKERD_PIDFILE, `${fakeDockerd.pid}\n`);
    const run = await runScript('docker-engine.sh', ['--dry-run'], { env });
    expect(run.output).toContain(
      `dry run: would stop the legacy engine (dockerd pid ${fakeDockerd.pid}): one engine at a time`,
    );
  });

  it('refuses an engine name it does not know', async () => {
    const run = await runScript('docker-engine.sh', ['--dry-run'], {
      env: { ...env, VENTAS_ENGINE: 'docker-29' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain("VENTAS_ENGINE='docker-29': use modern");
  });

  it('uses an engine it did not start, on the default socket, when no leg is asked for', async () => {
    const copy = copyScripts();
    writeExecutable(join(sandbox, 'bin', 'docker'), '#!/bin/sh\necho 27.5.1\n');
    const run = await runScript(join(copy, 'docker-engine.sh'), ['--dry-run'], {
      env: { ...env, VENTAS_ENGINE: '' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain(
      'a Docker engine already answers on the default socket (server 27.5.1): nothing to do',
    );
  });
});

describe('system-packages.sh', () => {
  it('skips installed packages', async () => {
    const run = await runScript('system-packages.sh', ['bash', 'coreutils']);
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain('already installed: bash coreutils');
  });

  it('installs only what is missing (dry run)', async () => {
    const run = await runScript('system-packages.sh', ['--dry-run', 'bash', 'ventas-no-such-package']);
    if (!isRoot) {
      expect(run.output).toContain('apt-get install ventas-no-such-package');
      return;
    }
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain('dry run: would install ventas-no-such-package');
    expect(run.output).not.toMatch(/would install .*\bbash\b/);
  });

  it('names the packages to install when it is not root', async () => {
    const copy = copyScripts();
    const user = isRoot ? { user: 'nobody' } : {};
    const run = await runScript(join(copy, 'system-packages.sh'), ['bash', 'ventas-no-such-package'], user);
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(
      'cannot install as a non-root user. Run as root: apt-get install ventas-no-such-package',
    );
  });
});

describe('base-images.sh decisions (fake docker)', () => {
  // A fake docker client: images are files in $FAKE/images ("<id> <label>"), every call is logged,
  // `pull` succeeds only for names listed in FAKE_PULLABLE, anything that would change images fails.
  const fakeDocker = `#!/usr/bin/env bash
echo "$*" >>"$FAKE/calls.log"
file() { echo "$FAKE/images/$(echo "$1" | tr ':/' '__')"; }
case "$1" in
  info) exit 0 ;;
  image)
    name="\${@: -1}"; f="$(file "$name")"
    if [[ ! -f "$f" ]]; then echo; echo "Error: No such image: $name" >&2; exit 1; fi
    read -r id label <"$f"
    if [[ "$*" == *Labels* ]]; then echo "$id \${label:+$label }74000000"; else echo "$id"; fi ;;
  pull)
    name="\${@: -1}"
    if [[ " $FAKE_PULLABLE " == *" $name "* ]]; then echo "sha256:pulled-$name" >"$(file "$name")"; exit 0; fi
    echo "Error response from daemon: no route to registry" >&2; exit 1 ;;
  *) echo "fake docker: unexpected call: $*" >&2; exit 1 ;;
esac
`;
  const images = ['debian:bookworm-slim', 'node:24-bookworm-slim', 'postgres:15-bookworm'];
  let env: Record<string, string>;

  beforeEach(() => {
    mkdirSync(join(sandbox, 'images'));
    writeExecutable(join(sandbox, 'docker'), fakeDocker);
    env = {
      FAKE: sandbox,
      VENTAS_DOCKER: join(sandbox, 'docker'),
      VENTAS_STATE_DIR: join(sandbox, 'state'),
      VENTAS_BASE_IMAGES_LOCK: join(sandbox, 'base-images.lock'),
      VENTAS_PULL_TIMEOUT: '10',
    };
  });

  const calls = () => readFileSync(join(sandbox, 'calls.log'), 'utf8');

  it('leaves images it did not assemble alone, whatever their labels', async () => {
    writeFileSync(join(sandbox, 'images', 'debian_bookworm-slim'), 'sha256:real-debian\n');
    writeFileSync(join(sandbox, 'images', 'node_24-bookworm-slim'), 'sha256:real-node\n');
    writeFileSync(join(sandbox, 'images', 'postgres_15-bookworm'), 'sha256:real-postgres\n');
    const run = await runScript('base-images.sh', [], { env });
    expect(run.exitCode).toBe(0);
    for (const image of images) {
      expect(run.output).toContain(
        `[base-images.sh] ${image}: present and not assembled by us (pulled or loaded): left as it is`,
      );
    }
    expect(calls()).not.toMatch(/^(pull|build|import|rmi|create|run|tag)\b/m);
  });

  it('pulls a missing image before thinking of assembling it', async () => {
    env.FAKE_PULLABLE = images.join(' ');
    const run = await runScript('base-images.sh', [], { env });
    expect(run.exitCode).toBe(0);
    for (const image of images) {
      expect(run.output).toContain(`[base-images.sh] ${image}: pulled from its registry`);
    }
    expect(calls()).not.toMatch(/^(build|import|rmi|create|run)\b/m);
  });

  it('reassembles a stand-in of ours whose recipe changed, and only that one', async () => {
    writeFileSync(join(sandbox, 'images', 'debian_bookworm-slim'), 'sha256:real-debian\n');
    writeFileSync(join(sandbox, 'images', 'node_24-bookworm-slim'), 'sha256:real-node\n');
    writeFileSync(join(sandbox, 'images', 'postgres_15-bookworm'), 'sha256:ours-postgres old-recipe\n');
    // The fake refuses `docker create`, so the run stops right after deciding; what it decided is what we check.
    const run = await runScript('base-images.sh', [], { env });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain('debian:bookworm-slim: present and not assembled by us');
    expect(run.output).toContain('node:24-bookworm-slim: present and not assembled by us');
    expect(run.output).toMatch(
      /postgres:15-bookworm: present but assembled from an older recipe \(old-recipe\)/,
    );
    expect(calls()).not.toMatch(/^(pull|build|import|rmi)\b/m);
  });
});

describe('lib/common.sh write_env_file', () => {
  it('writes a 0600 file only when its content changes', async () => {
    const copy = copyScripts();
    const script = `source ${join(copy, 'lib', 'common.sh')}
write_env_file demo 'A=1'
write_env_file demo 'A=1'
write_env_file demo 'A=2'`;
    const { stdout } = await execa('bash', ['-c', script], { env: { VENTAS_SCRIPT_NAME: 'demo.sh' } });
    expect(stdout.split('\n')).toEqual([
      '[demo.sh] wrote tmp/services/demo.env',
      '[demo.sh] tmp/services/demo.env already up to date',
      '[demo.sh] wrote tmp/services/demo.env',
    ]);
    const file = join(sandbox, 'repo', 'tmp', 'services', 'demo.env');
    expect(readFileSync(file, 'utf8')).toBe('A=2\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
