#!/usr/bin/env node
/**
 * Benchmark of the smoke-test executor (run on demand; not a test). Prints one table.
 *
 *   node tools/bench/smoke-test.mjs [--runs 1] [--before <git ref>] [--keep]
 *
 * Works on a throw-away git copy of this workspace (apps/, libs/, the plugin, root config; node_modules
 * linked), so the shared tree, its dist/ and its Nx cache are never touched. With `--before <ref>` a second
 * copy takes the code from that commit (the plugin, apps/, libs/, tools/smoke-postgres, tsconfig.base.json),
 * builds its own images, and both are measured in the same run, alternately: the "before" and "after" columns.
 * The images are built in each copy under a unique `ventas-bench-<id>-<variant>-<app>` repository with the label
 * ventas.test=1 and removed at the end (also on failure). Every smoke run labels and removes its own
 * containers and network. Measures, from each run's smoke.json (timings and the `sidecar <alias>` checks):
 *   1. each service alone: PostgreSQL sidecar (`db`) ready, other sidecars ready, start → healthy, total
 *   2. the same, all four at once: `nx run-many -t smoke-test --parallel=4` (each service's own numbers)
 *   3. the wall time of that run-many, Nx start-up included
 *   4. 2 and 3 again in Nx's batch mode (--batch: one worker runs the four), where the plugin has a smoke-test
 *      batchImplementation (an empty column otherwise)
 * Goals: all four in parallel < 20 s; start → healthy < 2 s; PostgreSQL < 1.5 s.
 * Works on both engine legs (modern: Docker 26 + containerd store; legacy: Debian's 20.10).
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, docker, nx, sh } from './lib/workspace.mjs';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Number(option('--runs')) || 1;
const BEFORE = option('--before');
const KEEP = args.includes('--keep');
const ID = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const PREFIX = `ventas-bench-${ID}`;
const GOALS = { parallelMs: 20_000, healthyMs: 2_000, postgresMs: 1_500 };

/**
 * The apps with a smoke-test target. Every image built here (theirs and the sidecars' in tools/, such as
 * smoke-postgres) gets a repository unique to the bench and the variant (on the containerd store, moving an
 * image's last tag to another image deletes it) and the test label.
 */
function prepareApps(root, variant) {
  const apps = [];
  const projects = [
    ...readdirSync(join(root, 'apps')).map((app) => ['apps', app]),
    ...readdirSync(join(root, 'tools')).map((tool) => ['tools', tool]),
  ];
  for (const [dir, name] of projects) {
    const path = join(root, dir, name, 'project.json');
    if (!existsSync(path)) continue;
    const project = JSON.parse(readFileSync(path, 'utf8'));
    const build = project.targets?.['docker-build'];
    if (!build) continue;
    build.options = {
      ...build.options,
      repository: `${PREFIX}-${variant}-${name}`,
      labels: { ...(build.options?.labels ?? {}), 'ventas.test': '1' },
    };
    writeFileSync(path, `${JSON.stringify(project, null, 2)}\n`);
    if (dir === 'apps' && project.targets['smoke-test']) apps.push(name);
  }
  return apps;
}

function gitCommit(root) {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'b@x',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'b@x',
  };
  for (const argv of [
    ['init', '--quiet', '--initial-branch=main'],
    ['add', '-A'],
    ['commit', '--quiet', '--no-verify', '-m', 'bench'],
  ])
    sh('git', argv, { cwd: root, env });
}

/** One variant: its copy, built once. */
function prepareVariant(name, ref) {
  const root = copyWorkspace('nx-docker-bench-smoke-', ref);
  const apps = prepareApps(root, name);
  if (apps.length === 0) throw new Error('No app in apps/ has a docker-build and a smoke-test target.');
  gitCommit(root);
  nx(root, ['run-many', '-t', 'build']);
  nx(root, ['run-many', '-t', 'docker-build', `--parallel=${apps.length}`]);
  console.error(`bench ${name}: ${root}${ref ? ` (plugin, apps and libs from ${ref})` : ''}`);
  return { name, root, apps, batch: hasBatchImplementation(root) };
}

/** A run's numbers from its smoke.json: what the executor itself measured. */
function readSmoke(root, app) {
  const path = join(root, 'dist/images', app, 'smoke.json');
  if (!existsSync(path)) return null;
  const smoke = JSON.parse(readFileSync(path, 'utf8'));
  const sidecars = Object.fromEntries(
    smoke.checks
      .filter((c) => c.check.startsWith('sidecar ') && c.status === 'passed')
      .map((c) => [
        c.check.slice('sidecar '.length),
        Number(/ready in ([\d.]+) s/.exec(c.message)?.[1]) * 1000,
      ]),
  );
  return {
    passed: smoke.passed,
    failure: smoke.failure ? `${smoke.failure.check}: ${smoke.failure.message}`.slice(0, 160) : null,
    sidecars,
    healthyMs: smoke.timings.timeToHealthyMs,
    totalMs: smoke.timings.totalMs,
  };
}

const SMOKE = ['--excludeTaskDependencies', '--skip-nx-cache'];

/** The run stopped before writing smoke.json: keep why (the last lines Nx printed). */
function noSmoke(run) {
  const tail = run.out.trim().split('\n').slice(-6).join(' / ');
  return {
    passed: false,
    failure: `no smoke.json: ${tail}`.slice(0, 400),
    sidecars: {},
    healthyMs: null,
    totalMs: null,
  };
}

function measureAlone(variant) {
  return Object.fromEntries(
    variant.apps.map((app) => {
      rmSync(join(variant.root, 'dist/images', app, 'smoke.json'), { force: true });
      const run = nx(variant.root, ['run', `${app}:smoke-test`, ...SMOKE], { allowFail: true });
      return [app, readSmoke(variant.root, app) ?? noSmoke(run)];
    }),
  );
}

/** `batch`: Nx's batch mode, one worker for the four tasks (only for a variant whose plugin has one: `variant.batch`). */
function measureParallel(variant, batch = false) {
  for (const app of variant.apps)
    rmSync(join(variant.root, 'dist/images', app, 'smoke.json'), { force: true });
  const run = nx(
    variant.root,
    ['run-many', '-t', 'smoke-test', ...SMOKE, `--parallel=${variant.apps.length}`, `--batch=${batch}`],
    { allowFail: true },
  );
  return {
    wallMs: run.ms,
    apps: Object.fromEntries(variant.apps.map((app) => [app, readSmoke(variant.root, app) ?? noSmoke(run)])),
  };
}

function hasBatchImplementation(root) {
  const executors = JSON.parse(readFileSync(join(root, 'tools/nx-docker/executors.json'), 'utf8')).executors;
  return Boolean(executors['smoke-test']?.batchImplementation);
}

const median = (xs) => {
  const values = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  return values.length ? values[Math.floor(values.length / 2)] : null;
};
const s = (ms) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);

function main() {
  const variants = [];
  const failures = [];
  try {
    if (BEFORE) variants.push(prepareVariant('before', BEFORE));
    variants.push(prepareVariant(BEFORE ? 'after' : 'now', null));
    const apps = variants[variants.length - 1].apps;
    const samples = Object.fromEntries(variants.map((v) => [v.name, { alone: [], parallel: [], batch: [] }]));
    // Alternately, so load from other work on the machine falls on both columns alike.
    for (let i = 0; i < RUNS; i++) {
      for (const variant of variants) samples[variant.name].parallel.push(measureParallel(variant));
      for (const variant of variants) {
        if (variant.batch) samples[variant.name].batch.push(measureParallel(variant, true));
      }
      for (const variant of variants) samples[variant.name].alone.push(measureAlone(variant));
    }

    const rows = [];
    const cell = (variant, pick) => median(pick(samples[variant.name]));
    const row = (measure, goal, pick) => {
      const values = variants.map((v) => cell(v, pick));
      const last = values[values.length - 1];
      rows.push({
        measure,
        ...Object.fromEntries(variants.map((v, i) => [v.name, s(values[i])])),
        goal: goal ? `< ${s(goal)}` : '',
        verdict: goal && last !== null ? (last < goal ? 'ok' : 'over') : '',
      });
    };
    row(`all ${apps.length} in parallel: wall (nx run-many, incl. Nx start-up)`, GOALS.parallelMs, (x) =>
      x.parallel.map((p) => p.wallMs),
    );
    row(`all ${apps.length} in parallel, --batch (one Nx worker): wall`, GOALS.parallelMs, (x) =>
      x.batch.map((p) => p.wallMs),
    );
    for (const [mode, label] of [
      ['alone', 'alone'],
      ['parallel', 'in parallel'],
      ['batch', 'in parallel, --batch'],
    ]) {
      for (const app of apps) {
        const runs = (x) => x[mode].map((r) => (mode === 'alone' ? r[app] : r.apps[app])).filter(Boolean);
        const sidecars = [
          ...new Set(variants.flatMap((v) => runs(samples[v.name]).flatMap((r) => Object.keys(r.sidecars)))),
        ];
        for (const alias of sidecars) {
          row(`${app} ${label}: sidecar ${alias} ready`, alias === 'db' ? GOALS.postgresMs : null, (x) =>
            runs(x).map((r) => r.sidecars[alias]),
          );
        }
        row(`${app} ${label}: start → healthy`, GOALS.healthyMs, (x) => runs(x).map((r) => r.healthyMs));
        row(`${app} ${label}: total (executor)`, null, (x) => runs(x).map((r) => r.totalMs));
        for (const variant of variants) {
          for (const r of runs(samples[variant.name]))
            if (!r.passed) failures.push(`${variant.name} ${app} ${label}: failed at ${r.failure}`);
        }
      }
    }
    const server = docker(['version', '--format', '{{.Server.Version}}']).out.trim();
    const store = /containerd/.test(docker(['info', '--format', '{{json .DriverStatus}}']).out)
      ? 'containerd'
      : 'classic';
    console.log(
      `\nengine: ${process.env.VENTAS_ENGINE ?? 'unknown'} leg, Docker ${server}, ${store} image store; runs: ${RUNS} (median shown); ${BEFORE ? `before = plugin, apps and libs at ${BEFORE}; ` : ''}load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
    );
    printTable(rows, ['measure', ...variants.map((v) => v.name), 'goal', 'verdict']);
    if (failures.length)
      console.log(`\nfailed smoke tests (their timings still count):\n${[...new Set(failures)].join('\n')}`);
  } finally {
    const ours = docker(
      ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${PREFIX}-*`],
      { allowFail: true },
    )
      .out.split('\n')
      .filter((l) => l.startsWith(PREFIX));
    if (ours.length) docker(['image', 'rm', '--force', ...ours], { allowFail: true });
    for (const variant of variants) {
      if (KEEP) console.error(`kept ${variant.root}`);
      else rmSync(variant.root, { recursive: true, force: true });
    }
  }
}

function printTable(rows, cols) {
  const width = Object.fromEntries(
    cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length))]),
  );
  const line = (r) => `| ${cols.map((c) => String(r[c] ?? '').padEnd(width[c])).join(' | ')} |`;
  console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
  console.log(`|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

main();
