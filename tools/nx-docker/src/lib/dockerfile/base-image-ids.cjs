#!/usr/bin/env node
/**
 * Nx runtime input for docker-build: prints the id of every base image the given Dockerfiles start
 * from, so that a new base image (same tag, new content) changes the task hash and rebuilds.
 *
 *   { "runtime": "node tools/nx-docker/src/lib/dockerfile/base-image-ids.cjs apps/orders/Dockerfile" }
 *
 * Output, one line per base image: `node:24-bookworm-slim sha256:…` (or `absent` when the daemon does
 * not have it). Stages and `scratch` are skipped; ARG defaults are expanded. Plain CommonJS so Nx can
 * run it without a TypeScript loader; the docker CLI is NX_DOCKER_BINARY or `docker`.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { execFileSync } = require('node:child_process');

/**
 * FROM lines with global ARG defaults expanded. A small reader on purpose: Nx runs this for every
 * hash, and loading dockerfile-ast costs ~300 ms; parse-dockerfile.spec.ts checks both agree.
 */
function baseImageRefs(text) {
  const args = {};
  const stages = new Set();
  const refs = [];
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const expand = (word) =>
    word.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (_, a, fallback, b) => args[a || b] ?? fallback ?? '');
  let seenFrom = false;
  for (const line of lines) {
    const [keyword, ...words] = line.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && !seenFrom) {
      for (const word of words) {
        const at = word.indexOf('=');
        if (at > 0) args[word.slice(0, at)] = word.slice(at + 1).replace(/^["']|["']$/g, '');
      }
    }
    if (upper !== 'FROM') continue;
    seenFrom = true;
    const rest = words.filter((w) => !w.startsWith('--'));
    const ref = expand(rest[0] ?? '');
    if (ref && ref !== 'scratch' && !stages.has(ref) && !refs.includes(ref)) refs.push(ref);
    if ((rest[1] ?? '').toUpperCase() === 'AS' && rest[2]) stages.add(rest[2]);
  }
  return refs;
}

function imageId(binary, ref) {
  try {
    return (
      execFileSync(binary, ['image', 'inspect', '--format', '{{.Id}}', ref], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 15000,
      }).trim() || 'absent'
    );
  } catch {
    return 'absent';
  }
}

function main(files) {
  const binary = (process.env.NX_DOCKER_BINARY || '').trim() || 'docker';
  const lines = [];
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      lines.push(`${file} missing`);
      continue;
    }
    for (const ref of baseImageRefs(text)) lines.push(`${ref} ${imageId(binary, ref)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) main(process.argv.slice(2));
module.exports = { baseImageRefs };
