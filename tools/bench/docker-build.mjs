#!/usr/bin/env node
/**
 * Benchmark of the docker-build executor (run on demand; not a test). Prints one table.
 *
 *   node tools/bench/docker-build.mjs [--runs 3] [--keep]
 *
 * Works on a throw-away git copy of this workspace (apps/, libs/, the plugin, root config; node_modules
 * linked), so the shared tree, its dist/ and its Nx cache are never touched. It measures the apps' own
 * docker-build targets (apps without one are left out).
 * Every image gets a unique `ventas-bench-<id>-<app>` repository and the label ventas.test=1, and is
 * removed at the end (also on failure). Measures:
 *   1. no-op `nx affected -t docker-build` (goal < 3 s, zero builds)
 *   2. full cache hit of all four: `nx run-many -t docker-build` (goal < 2 s)
 *   3. plugin overhead over a raw `docker build` of the same Dockerfile (goal < 5 % or 300 ms/image)
 *   4. a build-all script (one `docker build` per app, one after another) against `nx run-many -t docker-build` in parallel
 *   4b. the same forced run-many in Nx's batch mode (--batch; executors.json batchImplementation)
 *   4c. both again for four changed images (a new file in each app's dist/ before each sample), against the
 *       build-all script on the same change
 *   4d. four images restored on a daemon without them: from archives against docker load, from registry copies
 *       against docker pull (ensureImage, as a cache hit on another runner)
 *   5. each image's total size and app-layer size (total − base image)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyWorkspace, docker, MAIN, NX_ENV, nx, sh } from './lib/workspace.mjs';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 3;
const KEEP = args.includes('--keep');
const ID = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const PREFIX = `ventas-bench-${ID}`;

/**
 * The apps with a docker-build target, each given a unique repository and the test label. Images outside apps/
 * (smoke-postgres, a smoke-test sidecar) lose their docker-build target in the copy: the rows compare the four
 * services' images with the checklist's loop over the same four.
 */
function prepareApps(root) {
  for (const tool of readdirSync(join(root, 'tools'))) {
    const path = join(root, 'tools', tool, 'project.json');
    if (!existsSync(path)) continue;
    const project = JSON.parse(readFileSync(path, 'utf8'));
    if (!project.targets?.['docker-build']) continue;
    delete project.targets['docker-build'];
    writeFileSync(path, `${JSON.stringify(project, null, 2)}\n`);
  }
  const apps = [];
  for (const app of readdirSync(join(root, 'apps'))) {
    const path = join(root, 'apps', app, 'project.json');
    if (!existsSync(path)) continue;
    const project = JSON.parse(readFileSync(path, 'utf8'));
    const target = project.targets?.['docker-build'];
    if (!target) continue;
    target.options = {
      ...target.options,
      repository: `${PREFIX}-${app}`,
      labels: { ...(target.options?.labels ?? {}), 'ventas.test': '1' },
    };
    writeFileSync(path, `${JSON.stringify(project, null, 2)}\n`);
    apps.push(app);
  }
  return apps;
}

const git = (root, ...argv) =>
  sh('git', argv, {
    cwd: root,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'b@x',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'b@x',
    },
  });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Runs `measure` RUNS times; the run whose time is the median, so one noisy sample decides nothing. */
const medianRun = (measure) => {
  const runs = Array.from({ length: RUNS }, measure).sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)];
};
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const runDuration = (out) => /Run duration:\s+([\d.]+m?s)/.exec(out)?.[1] ?? '?';
const builtAt = (root, apps) =>
  Object.fromEntries(
    apps.map((a) => [
      a,
      existsSync(join(root, 'dist/images', a, 'image.json'))
        ? JSON.parse(readFileSync(join(root, 'dist/images', a, 'image.json'), 'utf8')).builtAt
        : null,
    ]),
  );
const changed = (a, b) => Object.keys(a).filter((k) => a[k] !== b[k]).length;

function builderBinary(root, app) {
  return JSON.parse(readFileSync(join(root, 'dist/images', app, 'image.json'), 'utf8'));
}

function main() {
  const root = copyWorkspace('nx-docker-bench-');
  const rows = [];
  const row = (measure, value, goal = '', verdict = '') => rows.push({ measure, value, goal, verdict });
  try {
    const apps = prepareApps(root);
    if (apps.length === 0)
      throw new Error('No app in apps/ has a docker-build target: nothing to benchmark.');
    git(root, 'init', '--quiet', '--initial-branch=main');
    git(root, 'add', '-A');
    git(root, 'commit', '--quiet', '--no-verify', '-m', 'bench');
    console.error(`bench workspace ${root}; apps ${apps.join(', ')}`);

    nx(root, ['run-many', '-t', 'build']);
    const first = nx(root, ['run-many', '-t', 'docker-build', `--parallel=${apps.length}`]);
    row(
      `first nx run-many -t docker-build (${apps.length} images, parallel)`,
      s(first.ms),
      '',
      `Nx ${runDuration(first.out)}`,
    );
    const manifests = Object.fromEntries(apps.map((a) => [a, builderBinary(root, a)]));
    const builder = manifests[apps[0]].builder;

    const beforeHit = builtAt(root, apps);
    const hit = medianRun(() => nx(root, ['run-many', '-t', 'docker-build']));
    const hitBuilds = changed(beforeHit, builtAt(root, apps));
    row(
      `full cache hit, all ${apps.length} (wall, incl. Nx start-up; median of ${RUNS})`,
      s(hit.ms),
      '< 2 s',
      `${hit.ms < 2000 ? 'ok' : 'over'}; Nx ${runDuration(hit.out)}; ${hitBuilds} builds`,
    );

    const beforeNoop = builtAt(root, apps);
    const noop = medianRun(() => nx(root, ['affected', '-t', 'docker-build', '--base=HEAD', '--head=HEAD']));
    const noopBuilds = changed(beforeNoop, builtAt(root, apps));
    row(
      `no-op nx affected -t docker-build (wall; median of ${RUNS})`,
      s(noop.ms),
      '< 3 s, 0 builds',
      `${noop.ms < 3000 && noopBuilds === 0 ? 'ok' : 'over'}; ${noopBuilds} builds`,
    );

    // The same two with the Nx daemon (the default on a workstation): the project graph is kept warm.
    const daemonEnv = { ...NX_ENV, NX_DAEMON: 'true' };
    try {
      // Warm: the daemon has computed the graph and hashed the inputs once, as after any first command.
      nx(root, ['run-many', '-t', 'docker-build'], { env: daemonEnv });
      const beforeDaemon = builtAt(root, apps);
      const dHit = medianRun(() => nx(root, ['run-many', '-t', 'docker-build'], { env: daemonEnv }));
      const dNoop = medianRun(() =>
        nx(root, ['affected', '-t', 'docker-build', '--base=HEAD', '--head=HEAD'], { env: daemonEnv }),
      );
      const dBuilds = changed(beforeDaemon, builtAt(root, apps));
      row(
        `full cache hit, all ${apps.length}, Nx daemon warm (wall; median of ${RUNS})`,
        s(dHit.ms),
        '< 2 s',
        `${dHit.ms < 2000 ? 'ok' : 'over'}; Nx ${runDuration(dHit.out)}; ${dBuilds} builds`,
      );
      row(
        `no-op nx affected -t docker-build, Nx daemon warm (wall; median of ${RUNS})`,
        s(dNoop.ms),
        '< 3 s, 0 builds',
        `${dNoop.ms < 3000 && dBuilds === 0 ? 'ok' : 'over'}`,
      );
    } finally {
      nx(root, ['daemon', '--stop'], { env: daemonEnv });
    }

    // Plugin overhead: the executor in-process against a raw docker build of the same Dockerfile, same builder.
    const binary = builder === 'buildkit' ? '/usr/bin/docker' : process.env.NX_DOCKER_BINARY || 'docker';
    const rawEnv = { ...process.env, DOCKER_BUILDKIT: builder === 'legacy' ? '0' : '1' };
    for (const app of apps) {
      const raw = [];
      const plugin = [];
      for (let i = 0; i < RUNS; i++) {
        raw.push(
          sh(binary, ['build', '--platform', 'linux/amd64', '-t', `${PREFIX}-${app}:raw`, `apps/${app}`], {
            cwd: root,
            env: rawEnv,
          }).ms,
        );
        const run = sh(
          process.execPath,
          ['-r', '@swc-node/register', join(MAIN, 'tools/bench/time-executor.ts'), root, app],
          { cwd: MAIN, env: process.env },
        );
        plugin.push(JSON.parse(/BENCH_RESULT (.*)/.exec(run.out)[1]).ms);
      }
      const over = median(plugin) - median(raw);
      const pct = (over / median(raw)) * 100;
      row(
        `overhead ${app}: executor ${s(median(plugin))} vs raw docker build ${s(median(raw))}`,
        `${over >= 0 ? '+' : ''}${Math.round(over)} ms (${pct.toFixed(0)} %)`,
        '< 5 % or 300 ms',
        over <= 300 || pct < 5 ? 'ok' : 'over',
      );
    }

    // A build-all script: one docker build after another (the same builder as the plugin, for a fair
    // comparison), against run-many forced without and with Nx's batch mode (one Nx worker for every
    // docker-build task instead of one forked Nx process per task). Interleaved, RUNS times each, medians.
    const buildAll = () => {
      const started = performance.now();
      for (const app of apps) {
        sh(
          binary,
          [
            'build',
            '--platform',
            'linux/amd64',
            '-t',
            `${PREFIX}-${app}:latest`,
            '-t',
            `${PREFIX}-${app}:v1.0.0`,
            `apps/${app}`,
          ],
          { cwd: root, env: rawEnv },
        );
      }
      return { ms: performance.now() - started, out: '' };
    };
    const forced = (batch) =>
      nx(root, [
        'run-many',
        '-t',
        'docker-build',
        '--skip-nx-cache',
        '--excludeTaskDependencies',
        `--parallel=${apps.length}`,
        `--batch=${batch}`,
      ]);
    // "Four changed images": a new file in each app's bundle before every sample, so the loop and Nx both
    // rebuild the COPY dist/ layer and what follows it (what a changed service costs), not only cached steps.
    let changeCount = 0;
    const changeEveryApp = () => {
      changeCount += 1;
      for (const app of apps) {
        writeFileSync(join(root, 'apps', app, 'dist', 'bench-change.txt'), `${ID} ${changeCount}\n`);
      }
    };
    const samples = { seq: [], plain: [], batch: [], changedSeq: [], changedPlain: [], changedBatch: [] };
    for (let i = 0; i < RUNS; i++) {
      samples.seq.push(buildAll());
      samples.plain.push(forced(false));
      samples.batch.push(forced(true));
      changeEveryApp();
      samples.changedSeq.push(buildAll());
      changeEveryApp();
      samples.changedPlain.push(forced(false));
      changeEveryApp();
      samples.changedBatch.push(forced(true));
    }
    for (const app of apps) rmSync(join(root, 'apps', app, 'dist', 'bench-change.txt'), { force: true });
    const pick = (runs) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
    // The build-all script's median, then each Nx variant against it.
    const compare = (label, seqRuns, seqNote, variants) => {
      const seqMs = pick(seqRuns).ms;
      row(
        `${label}build-all script: ${apps.length} sequential docker builds (median of ${RUNS})`,
        s(seqMs),
        '',
        seqNote,
      );
      for (const [name, runs] of variants) {
        const run = pick(runs);
        const ratio = run.ms / seqMs;
        row(
          `${label}nx run-many -t docker-build --skip-nx-cache --excludeTaskDependencies --parallel=${apps.length} ${name} (median of ${RUNS})`,
          s(run.ms),
          '≤ 1.2× build-all',
          `${ratio.toFixed(2)}× ${ratio <= 1.2 ? 'ok' : 'over'}; Nx ${runDuration(run.out)}; with checks, inspect, image.json`,
        );
      }
    };
    compare('', samples.seq, 'builds every image, every time', [
      ['--batch=false (one Nx process per task)', samples.plain],
      ['--batch (one Nx worker for all tasks)', samples.batch],
    ]);
    compare('four changed images: ', samples.changedSeq, 'a new file in each dist/ before each sample', [
      ['--batch=false', samples.changedPlain],
      ['--batch', samples.changedBatch],
    ]);
    row('nx run-many -t docker-build, nothing changed', s(hit.ms), '', 'zero builds (Nx cache)');

    restoreRows(root, apps, row);

    for (const app of apps) {
      const m = JSON.parse(readFileSync(join(root, 'dist/images', app, 'image.json'), 'utf8'));
      // The unpacked size, as image.json's: the containerd store's own Size is the compressed content.
      const base = m.baseImage.id
        ? docker(['image', 'history', '--human=false', '--format', '{{.Size}}', m.baseImage.id])
            .out.split('\n')
            .reduce((sum, line) => sum + (Number(line.trim()) || 0), 0)
        : 0;
      row(
        `size ${app}`,
        `${mb(m.sizeBytes)} total`,
        '< 500 MB',
        `app layers ${mb(m.sizeBytes - base)} over ${m.baseImage.ref}`,
      );
    }
    const server = docker(['version', '--format', '{{.Server.Version}}']).out.trim();
    const store = /containerd/.test(docker(['info', '--format', '{{json .DriverStatus}}']).out)
      ? 'containerd'
      : 'classic';
    console.log(
      `\nengine: ${process.env.VENTAS_ENGINE ?? 'unknown'} leg, Docker ${server}, ${store} image store; builder: ${builder}; runs per overhead sample: ${RUNS}; load average: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ')}`,
    );
    printTable(rows);
  } finally {
    const ours = docker(
      ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${PREFIX}-*`],
      { allowFail: true },
    )
      .out.split('\n')
      .filter((l) => l.startsWith(PREFIX));
    if (ours.length) docker(['image', 'rm', '--force', ...ours], { allowFail: true });
    if (KEEP) console.error(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

/** The images' tags and ids from image.json: what a cache hit on a daemon without them must restore. */
function removeBuiltImages(root, apps) {
  const refs = apps.flatMap((app) => {
    const m = JSON.parse(readFileSync(join(root, 'dist/images', app, 'image.json'), 'utf8'));
    return [...m.tags, m.imageId, ...(m.registryCopy ? [m.registryCopy.ref] : [])];
  });
  docker(['image', 'rm', '--force', ...refs], { allowFail: true });
}

/** ensureImage of every app, in-process, one after the other (tools/bench/time-restore.ts). */
function timeRestore(root, apps) {
  const run = sh(
    process.execPath,
    ['-r', '@swc-node/register', join(MAIN, 'tools/bench/time-restore.ts'), root, ...apps],
    { cwd: MAIN, env: process.env },
  );
  return JSON.parse(/BENCH_RESULT (.*)/.exec(run.out)[1]);
}

/**
 * Restoring on a cold runner: the service images removed from the daemon (their base image stays: other work on
 * this daemon needs it), then restored as a cache hit does, against the plain docker command for the same
 * content. From archives (docker load), then from registry copies (docker pull by digest) when the test
 * registry of tmp/services/registry.env is up.
 */
function restoreRows(root, apps, row) {
  nx(root, ['run-many', '-t', 'docker-build', '--skip-nx-cache', '--excludeTaskDependencies', '--archive']);
  const archives = apps.map((app) => join(root, 'dist/images', app, 'image.tar.gz'));
  const archiveMb = archives.reduce((sum, path) => sum + statSync(path).size, 0) / 1024 / 1024;
  const plainLoad = [];
  const restored = [];
  for (let i = 0; i < RUNS; i++) {
    removeBuiltImages(root, apps);
    const started = performance.now();
    for (const archive of archives) docker(['load', '--input', archive]);
    plainLoad.push(performance.now() - started);
    removeBuiltImages(root, apps);
    restored.push(timeRestore(root, apps));
  }
  const loadMs = median(plainLoad);
  const restoreMs = median(restored.map((r) => r.ms));
  row(
    `plain docker load of the ${apps.length} archives (${archiveMb.toFixed(0)} MB gzip; median of ${RUNS})`,
    s(loadMs),
    '',
    'service images removed first',
  );
  row(
    `restore ${apps.length} images from archives (ensureImage: load, check, tags, one line each)`,
    s(restoreMs),
    '< 1.5× docker load',
    `${(restoreMs / loadMs).toFixed(2)}× ${restoreMs < 1.5 * loadMs ? 'ok' : 'over'}; sources ${[...new Set(restored[0].sources)].join(', ')}`,
  );

  const host = process.env.REGISTRY_HOST;
  if (!host || !process.env.REGISTRY_USER || !process.env.REGISTRY_PASSWORD) {
    row('restore from a registry copy', 'not measured', '', 'REGISTRY_HOST/USER/PASSWORD not set');
    return;
  }
  const push = nx(root, [
    'run-many',
    '-t',
    'docker-build',
    '--skip-nx-cache',
    '--excludeTaskDependencies',
    `--parallel=${apps.length}`,
    `--cacheRegistry=${host}/${PREFIX}-cache`,
    '--cacheRegistryUsernameEnv=REGISTRY_USER',
    '--cacheRegistryPasswordEnv=REGISTRY_PASSWORD',
  ]);
  const refs = apps.map(
    (app) => JSON.parse(readFileSync(join(root, 'dist/images', app, 'image.json'), 'utf8')).registryCopy.ref,
  );
  row(
    `nx run-many -t docker-build --skip-nx-cache --cacheRegistry=… (builds and pushes the copies)`,
    s(push.ms),
    '',
    `Nx ${runDuration(push.out)}; compare with the forced rows above`,
  );
  const config = mkdtempSync(join(tmpdir(), 'bench-docker-config-'));
  const withConfig = { env: { ...process.env, DOCKER_CONFIG: config } };
  try {
    docker(['login', '--username', process.env.REGISTRY_USER, '--password-stdin', host], {
      ...withConfig,
      input: process.env.REGISTRY_PASSWORD,
    });
    const plainPull = [];
    const pulled = [];
    for (let i = 0; i < RUNS; i++) {
      removeBuiltImages(root, apps);
      const started = performance.now();
      for (const ref of refs) docker(['pull', '--quiet', ref], withConfig);
      plainPull.push(performance.now() - started);
      removeBuiltImages(root, apps);
      pulled.push(timeRestore(root, apps));
    }
    const pullMs = median(plainPull);
    const registryMs = median(pulled.map((r) => r.ms));
    row(
      `plain docker pull of the ${apps.length} copies by digest (median of ${RUNS})`,
      s(pullMs),
      '',
      'base layers already in the daemon',
    );
    row(
      `restore ${apps.length} images from the registry (ensureImage: login, pull by digest, check, tags, line)`,
      s(registryMs),
      'beside the archive row',
      `${(registryMs / pullMs).toFixed(2)}× docker pull; ${(registryMs / restoreMs).toFixed(2)}× the archive restore; sources ${[...new Set(pulled[0].sources)].join(', ')}`,
    );
  } finally {
    // The names the pulls gave (`<copy>@sha256:…`); the tags go with the bench's own cleanup.
    docker(['image', 'rm', ...refs], { allowFail: true });
    rmSync(config, { recursive: true, force: true });
    deleteFromRegistry(refs);
  }
}

/** The registry copies the bench pushed, by digest. */
function deleteFromRegistry(refs) {
  const authorization = `Basic ${Buffer.from(`${process.env.REGISTRY_USER}:${process.env.REGISTRY_PASSWORD}`).toString('base64')}`;
  for (const ref of refs) {
    const [name, digest] = ref.split('@');
    const slash = name.indexOf('/');
    // The header on stdin (-H @-): credentials never in argv.
    sh(
      'curl',
      [
        '-s',
        '-X',
        'DELETE',
        '-H',
        '@-',
        `http://${name.slice(0, slash)}/v2/${name.slice(slash + 1)}/manifests/${digest}`,
      ],
      { input: `Authorization: ${authorization}\n`, allowFail: true },
    );
  }
}

function printTable(rows) {
  const cols = ['measure', 'value', 'goal', 'verdict'];
  const width = Object.fromEntries(
    cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => String(r[c]).length))]),
  );
  const line = (r) => `| ${cols.map((c) => String(r[c]).padEnd(width[c])).join(' | ')} |`;
  console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
  console.log(`|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

main();
