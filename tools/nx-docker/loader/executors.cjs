'use strict';
/**
 * What Nx runs for this plugin's executors (executors.json): each one as a single JavaScript bundle of its
 * TypeScript source.
 *
 * Loaded as TypeScript, every task process paid ~1 s before the executor's first line ran: a transpiler
 * registered, TypeScript itself loaded to read tsconfig, then dozens of files transpiled one by one. esbuild
 * bundles an executor in ~0.1 s; the bundle is kept under node_modules/.cache and reused while no source file
 * of the plugin has changed (paths, sizes and modification times), so what runs is always the source and
 * there is no build step to forget. Packages stay external and resolve from the workspace's node_modules.
 */
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

/** A hash of every non-spec file's path, size and modification time under `source`: any edit changes it. */
function sourceStamp(source) {
  const hash = createHash('sha256');
  const walk = (dir) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('.spec.ts')) {
        const stat = statSync(path);
        hash.update(`${relative(source, path)}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  walk(source);
  return hash.digest('hex').slice(0, 16);
}

/**
 * `source`: the plugin's src folder; `cache`: a folder inside a node_modules tree (so that the bundle's
 * require('@nx/devkit') resolves as the source's does). Returns the path of the bundle it loaded.
 */
function createExecutorLoader(source, cache) {
  return function load(name) {
    const bundle = join(cache, `${name}-${sourceStamp(source)}.cjs`);
    if (!existsSync(bundle)) {
      mkdirSync(cache, { recursive: true });
      // Tasks running in parallel may bundle at once: each writes its own file, and the rename is atomic.
      const temp = `${bundle}.${process.pid}.tmp`;
      require('esbuild').buildSync({
        entryPoints: [join(source, 'executors', name, `${name}.impl.ts`)],
        outfile: temp,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        packages: 'external',
        sourcemap: 'inline',
        sourcesContent: false,
        logLevel: 'silent',
      });
      renameSync(temp, bundle);
      removeOlderBundles(cache, name, bundle);
    }
    // Stack traces then name the TypeScript files and lines.
    process.setSourceMapsEnabled(true);
    const loaded = require(bundle);
    return { executor: loaded.default ?? loaded, bundle };
  };
}

/** Bundles of earlier sources are not used again; those older than a minute (no task still loading them) go. */
function removeOlderBundles(cache, name, keep) {
  const before = Date.now() - 60_000;
  for (const file of readdirSync(cache)) {
    const path = join(cache, file);
    if (!file.startsWith(`${name}-`) || path === keep) continue;
    try {
      if (statSync(path).mtimeMs < before) rmSync(path, { force: true });
    } catch {
      // Another task removed it first.
    }
  }
}

const load = createExecutorLoader(
  join(__dirname, '..', 'src'),
  join(__dirname, '..', 'node_modules', '.cache', 'executors'),
);

module.exports = {
  createExecutorLoader,
  // executors.json names these (`./loader/executors.cjs#dockerBuild`); a getter bundles only what runs.
  get dockerBuild() {
    return load('docker-build').executor;
  },
  get smokeTest() {
    return load('smoke-test').executor;
  },
  get ecrPush() {
    return load('ecr-push').executor;
  },
};
