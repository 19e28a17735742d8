import type { TargetConfiguration } from '@nx/devkit';
import { baseImages, type DockerfileModel } from './parse-dockerfile';

/**
 * The Nx runtime input that makes a new base image (same tag, new content) change docker-build's hash.
 *
 * A bare docker call (~70 ms) rather than a script that reads the Dockerfile (~230 ms of node start-up
 * per project, on every Nx command that hashes): services on the same base image share the exact same
 * command, which Nx runs once per invocation. The image the command names must be the Dockerfile's
 * FROM: docker-build's `base-image-input` check compares them before every build.
 */
export function baseImageInput(refs: readonly string[]): { runtime: string } {
  return {
    runtime: `\${NX_DOCKER_BINARY:-docker} image inspect --format {{.Id}} ${refs.join(' ')} 2>/dev/null || echo absent`,
  };
}

/** Base images whose content a tag cannot change (pinned by digest) need no runtime input. */
export function isPinned(ref: string): boolean {
  return /@sha256:[0-9a-f]{64}$/.test(ref);
}

/** The images the runtime input must name: every external FROM image but those pinned by digest. */
export function baseImagesToTrack(model: DockerfileModel): Array<{ ref: string; line: number }> {
  return baseImages(model).filter((b) => !isPinned(b.ref));
}

/** One entry of a target's `inputs` (devkit does not export Nx's InputDefinition). */
type Input = NonNullable<TargetConfiguration['inputs']>[number];

/**
 * The runtime commands a target's inputs hash, named inputs expanded (the project's own, then nx.json's).
 * `^name` inputs are the dependencies' files only, so they add none.
 */
export function runtimeCommands(
  inputs: readonly Input[],
  namedInputs: Record<string, readonly Input[]>,
  seen: ReadonlySet<string> = new Set(),
): string[] {
  return inputs.flatMap((input) => {
    if (typeof input !== 'string' && 'runtime' in input) return [input.runtime];
    const name = ownNamedInput(input);
    if (name === null || seen.has(name) || !namedInputs[name]) return [];
    return runtimeCommands(namedInputs[name], namedInputs, new Set([...seen, name]));
  });
}

/** The named input this entry stands for (`name` or `{ input: name }`), unless it is the dependencies'. */
function ownNamedInput(input: Input): string | null {
  if (typeof input === 'string') return input.startsWith('^') ? null : input;
  if ('input' in input && !('projects' in input) && !('dependencies' in input)) return input.input;
  return null;
}

/** Whether one of the commands names `ref` as a whole word (not `node:24` inside `node:24-slim`). */
export function tracksImage(commands: readonly string[], ref: string): boolean {
  return commands.some((command) => command.split(/[\s'"]+/).includes(ref));
}
