import type { ExecutorContext } from '@nx/devkit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDocker } from '../../src/lib/docker/docker';
import { buildImage, manifestOfImage } from '../support/engine';
import { writeImageManifest } from '../../src/lib/results/image-manifest';
import { imageIdOf } from '../../src/lib/docker/image-id';

/** Shared setup of the smoke-test integration tests: fixture images, a throw-away workspace, leftovers. */

export const FIXTURES = join(__dirname, 'fixtures');
export const TEST_LABEL = 'ventas.test';
/** Every image, container and network of one test file carries this label value. */
export const SUITE_ID = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
export const CASE_LABEL = 'ventas.test.case';

/** Fails with the script to run when a base image is missing (never a silent skip). */
export async function requireBaseImages(refs: string[]): Promise<void> {
  for (const ref of refs) {
    if ((await imageIdOf(ref)) === null) {
      throw new Error(
        `Base image ${ref} is missing from the Docker daemon: run 'bash tools/scripts/base-images.sh' first (no registry is reachable).`,
      );
    }
  }
}

export interface Fixture {
  name: string;
  tag: string;
  imageId: string;
}

/** Builds fixtures/<name>.Dockerfile with the fixture app as context (another platform with the engine's BuildKit). */
export async function buildFixture(name: string, options: { platform?: string } = {}): Promise<Fixture> {
  const tag = `ventas-smoke-fixture-${name}:${SUITE_ID}`;
  const { imageId } = await buildImage({
    context: join(FIXTURES, 'app'),
    dockerfile: join(FIXTURES, `${name}.Dockerfile`),
    tag,
    platform: options.platform,
    labels: [`${TEST_LABEL}=1`, `ventas.test.suite=${SUITE_ID}`],
  });
  return { name, tag, imageId };
}

export async function removeFixtures(fixtures: Fixture[]): Promise<void> {
  if (fixtures.length)
    await runDocker(['image', 'rm', '--force', ...fixtures.map((f) => f.tag)], { reject: false });
}

/** A temp workspace root holding dist/images/<project>/image.json for the fixture, as docker-build writes it. */
export async function workspaceWithImage(root: string, project: string, fixture: Fixture): Promise<void> {
  writeImageManifest(
    root,
    await manifestOfImage(project, fixture.tag, { baseImage: { ref: 'node:24-bookworm-slim', id: null } }),
  );
}

export function tempWorkspace(): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'smoke-ws-'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export function fakeContext(root: string, projectName: string): ExecutorContext {
  return {
    root,
    cwd: root,
    projectName,
    targetName: 'smoke-test',
    isVerbose: false,
    projectsConfigurations: { version: 2, projects: {} },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
}

/** Containers and networks still carrying the label: must be none after every run. */
export async function leftovers(
  label: string,
  value: string,
): Promise<{ containers: string[]; networks: string[] }> {
  const filter = ['--filter', `label=${label}=${value}`];
  const containers = await runDocker(['ps', '--all', '--quiet', ...filter]);
  const networks = await runDocker(['network', 'ls', '--quiet', ...filter]);
  const split = (text: string) => text.split('\n').filter(Boolean);
  return { containers: split(containers.stdout), networks: split(networks.stdout) };
}

let caseCounter = 0;
/** Labels for one executor run: removable by the suite, and a unique case id to look for leftovers. */
export function caseLabels(): Record<string, string> {
  caseCounter += 1;
  return { [TEST_LABEL]: '1', [CASE_LABEL]: `${SUITE_ID}-${caseCounter}` };
}
