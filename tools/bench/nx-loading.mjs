#!/usr/bin/env node
/**
 * How long Nx takes to load this workspace's plugin and itself (run on demand; not a test). Prints one table.
 *
 *   node tools/bench/nx-loading.mjs [--runs 5]
 *
 * Reads the workspace in place and builds nothing. Rows:
 *   1. each executor's module loaded the way an Nx task process loads it: Nx's `loadTsFile` on the TypeScript
 *      source (swc-node, or Node's own type stripping where Nx prefers it), in a fresh `node`
 *   2. `nx run nx-docker:image-report`: a whole nx command whose task runs one of those executors
 *   3. `nx show projects` with plugin isolation on and off (why `.env` sets NX_ISOLATE_PLUGINS=false)
 *   4. `nx show projects` with Nx's V8 compile cache off (NX_COMPILE_CACHE=false). Nx turns it on with
 *      `module.enableCompileCache()`, which Node 22.1+ has; Node 20 runs every nx command without it. Against
 *      row 3's "false" this row shows what the cache saves on this Node (within noise on this small command;
 *      0.2–0.3 s on a cache hit of four, measured by hand)
 * Each row gives the median and the fastest of the runs; compare rows of one run, the machine is noisy.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 5;
const NX = join(MAIN, 'node_modules/nx/dist/bin/nx.js');
const ENV = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true' };

function run(argv, env = ENV) {
  const started = performance.now();
  const result = spawnSync(process.execPath, argv, { cwd: MAIN, env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`node ${argv.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return { ms, stdout: result.stdout };
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

// In a fresh process: time from start to the executor function in hand, as Nx's task process gets it.
const LOAD = `
const started = performance.now();
const { loadTsFile } = require('nx/src/plugins/js/utils/register');
const loaded = loadTsFile(process.argv[1]);
const executor = loaded.default ?? loaded;
if (typeof executor !== 'function') throw new Error('no executor in ' + process.argv[1]);
const transpiler = Object.keys(require.cache).some((path) => path.includes('@swc-node')) ? 'swc-node' : 'node strip-types';
console.log(JSON.stringify({ ms: performance.now() - started, transpiler }));
`;

const rows = [];
for (const name of ['docker-build', 'smoke-test', 'ecr-push', 'image-report']) {
  const file = join(MAIN, 'tools/nx-docker/src/executors', name, `${name}.impl.ts`);
  const inProcess = [];
  const whole = [];
  let transpiler = '';
  for (let i = 0; i < RUNS; i++) {
    const { ms, stdout } = run(['-e', LOAD, file]);
    const result = JSON.parse(stdout.trim().split('\n').pop());
    inProcess.push(result.ms);
    whole.push(ms);
    transpiler = result.transpiler;
  }
  rows.push([`load ${name} executor (${transpiler}), in process`, stats(inProcess)]);
  rows.push([`  the same, whole node process`, stats(whole)]);
}

const report = [];
for (let i = 0; i < RUNS; i++) report.push(run([NX, 'run', 'nx-docker:image-report']).ms);
rows.push(['nx run nx-docker:image-report', stats(report)]);

for (const isolate of ['true', 'false']) {
  const samples = [];
  for (let i = 0; i < RUNS; i++)
    samples.push(run([NX, 'show', 'projects'], { ...ENV, NX_ISOLATE_PLUGINS: isolate }).ms);
  rows.push([`nx show projects, NX_ISOLATE_PLUGINS=${isolate}`, stats(samples)]);
}

const uncached = [];
for (let i = 0; i < RUNS; i++)
  uncached.push(
    run([NX, 'show', 'projects'], { ...ENV, NX_ISOLATE_PLUGINS: 'false', NX_COMPILE_CACHE: 'false' }).ms,
  );
rows.push(['nx show projects, NX_ISOLATE_PLUGINS=false, NX_COMPILE_CACHE=false', stats(uncached)]);

const width = Math.max(...rows.map(([label]) => label.length));
console.log(`node ${process.version}, ${RUNS} runs each`);
console.log(`${'row'.padEnd(width)}  ${'median'.padStart(9)}  ${'fastest'.padStart(9)}`);
for (const [label, { median, min }] of rows) {
  console.log(
    `${label.padEnd(width)}  ${`${(median / 1000).toFixed(2)} s`.padStart(9)}  ${`${(min / 1000).toFixed(2)} s`.padStart(9)}`,
  );
}
