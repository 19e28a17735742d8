import type { ImageInputs } from '../../../lib/results/image-manifest';

/**
 * Why a build ran, in words a person uses: which inputs of the docker-build task changed since the image.json
 * it replaces, from Nx's per-input hashes recorded there. Pure.
 *
 * Nx names its inputs like this (hashDetails.nodes of the task):
 *   `<project>:<globs>`                files of a project: this one's sources, or a library's
 *   `<project>:ProjectConfiguration`   a project's project.json as merged with nx.json's targetDefaults
 *   `<project>:TsConfig`               tsconfig.base.json as it concerns that project
 *   `workspace:[<globs>]`              workspace files: the plugin (tools/nx-docker), tsconfig.base.json,
 *                                      package-lock.json, nx.json…; several file inputs of one task share a node
 *   `runtime:<command>`                a runtime input: the base image's id for docker-build
 *   `env:<NAME>`, `AllExternalDependencies` / `npm:<package>`, `<glob>:<files>` (outputs of dependency tasks)
 */

export interface WhyContext {
  projectName: string;
  projectRoot: string;
  /** Every project of the workspace: root and type, to name a library and its folder. */
  projects: Record<string, { root: string; projectType?: string }>;
  /** The base image of the image replaced and of the new one (image.json's baseImage). */
  baseImage?: { previous: { ref: string; id: string | null }; current: { ref: string; id: string | null } };
}

type Input =
  | { kind: 'files'; project: string; globs: string[] }
  | { kind: 'config'; project: string }
  | { kind: 'tsconfig' }
  | { kind: 'workspace'; globs: string[] }
  | { kind: 'runtime'; command: string }
  | { kind: 'env'; name: string }
  | { kind: 'npm'; name: string | null }
  | { kind: 'outputs'; files: string }
  | { kind: 'other'; key: string };

/** Phrases in the order a person reads them: what they wrote first, then what came with it. */
const ORDER = [
  'the project',
  'the Dockerfile',
  'library',
  'project ',
  'the base image',
  'the options',
  'the command line',
  'the plugin',
  'the npm',
  'the configuration',
  'the target',
];

/**
 * What changed, one phrase per cause, e.g. ["the project's sources (apps/orders)", "library service-kit
 * (libs/service-kit)", "the base image (node:24-bookworm-slim)"]. [] when nothing did (a forced rebuild).
 */
export function describeInputChanges(
  previous: ImageInputs,
  current: ImageInputs,
  context: WhyContext,
): string[] {
  const phrases: string[] = [];
  const changed = (key: string) =>
    key in previous.nodes && key in current.nodes && previous.nodes[key] !== current.nodes[key];
  const dockerfileChanged = previous.dockerfile.sha256 !== current.dockerfile.sha256;
  const dockerfileInProject = current.dockerfile.path.startsWith(`${context.projectRoot}/`);

  // Globs whose files did not change: a changed workspace node is explained by its other globs.
  const unchangedGlobs = new Set(
    Object.keys(current.nodes)
      .filter((key) => key in previous.nodes && !changed(key))
      .map((key) => parseInput(key, context))
      .flatMap((input) => (input.kind === 'workspace' ? input.globs : [])),
  );

  const changedWorkspaceGlobs = Object.keys(current.nodes)
    .filter(changed)
    .map((key) => parseInput(key, context))
    .flatMap((input) => (input.kind === 'workspace' ? [input.globs.filter((g) => !g.startsWith('!'))] : []));
  const packages: string[] = [];
  for (const key of Object.keys(current.nodes).filter(changed)) {
    const input = parseInput(key, context);
    if (input.kind === 'npm' && input.name) {
      packages.push(input.name);
    } else if (input.kind === 'files' && input.project === context.projectName) {
      phrases.push(
        dockerfileChanged && dockerfileInProject
          ? `the Dockerfile (${current.dockerfile.path}), perhaps with other files of ${context.projectRoot}`
          : `the project's sources (${context.projectRoot})`,
      );
    } else if (input.kind === 'config' && input.project === context.projectName) {
      // The options are compared one by one below; what else changed is the rest of the project's configuration.
      if (sameOptions(previous, current))
        phrases.push(`the configuration of ${context.projectName} (its project.json)`);
    } else if (input.kind === 'workspace') {
      const positive = input.globs.filter((glob) => !glob.startsWith('!'));
      const candidates = positive.filter((glob) => !unchangedGlobs.has(glob));
      // A smaller workspace node that changed too (shared globals in ^production) explains part of this one;
      // whether the rest changed as well cannot be told.
      const explained = new Set(
        changedWorkspaceGlobs
          .filter((globs) => globs.length < positive.length && globs.every((g) => candidates.includes(g)))
          .flat(),
      );
      const rest = unique(
        (candidates.length ? candidates : positive).filter((g) => !explained.has(g)).map(workspaceFile),
      );
      if (explained.size === 0) phrases.push(rest.join(' or '));
      else if (rest.length) phrases.push(`perhaps ${rest.join(' or ')}`);
    } else {
      phrases.push(describeInput(input, context));
    }
  }

  if (packages.length) phrases.push(npmPackages(packages));

  if (dockerfileChanged && !dockerfileInProject) phrases.push(`the Dockerfile (${current.dockerfile.path})`);

  const optionKeys = unique([...Object.keys(previous.options), ...Object.keys(current.options)])
    .filter((key) => previous.options[key] !== current.options[key])
    .sort();
  if (optionKeys.length) phrases.push(`the options (${optionKeys.join(', ')})`);
  else if (previous.command !== current.command) phrases.push('the command line');

  const base = context.baseImage;
  if (base && base.previous.id && base.current.id && base.previous.id !== base.current.id) {
    phrases.push(`the base image (${base.current.ref})`);
  }

  const added = Object.keys(current.nodes).filter((key) => !(key in previous.nodes));
  const removed = Object.keys(previous.nodes).filter((key) => !(key in current.nodes));
  if (added.length || removed.length) {
    const list = (keys: string[]) =>
      unique(keys.map((key) => describeInput(parseInput(key, context), context))).join(', ');
    const parts = [
      ...(added.length ? [`added ${list(added)}`] : []),
      ...(removed.length ? [`removed ${list(removed)}`] : []),
    ];
    phrases.push(`the target's inputs (${parts.join('; ')})`);
  }

  return unique(phrases).sort((a, b) => rank(a) - rank(b));
}

/** `a`, `a and b`, `a, b and c`. */
export function joinPhrases(phrases: string[]): string {
  if (phrases.length <= 1) return phrases.join('');
  return `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)}`;
}

function parseInput(key: string, context: WhyContext): Input {
  if (key === 'AllExternalDependencies') return { kind: 'npm', name: null };
  if (key.startsWith('npm:')) return { kind: 'npm', name: key.slice('npm:'.length) };
  const workspace = /^workspace:\[(.*)\]$/s.exec(key);
  if (workspace) return { kind: 'workspace', globs: splitGlobs(workspace[1]) };
  if (key.startsWith('runtime:')) return { kind: 'runtime', command: key.slice('runtime:'.length) };
  if (key.startsWith('env:')) return { kind: 'env', name: key.slice('env:'.length) };
  const colon = key.indexOf(':');
  if (colon > 0) {
    const prefix = key.slice(0, colon);
    const rest = key.slice(colon + 1);
    if (prefix in context.projects) {
      if (rest === 'ProjectConfiguration') return { kind: 'config', project: prefix };
      if (rest === 'TsConfig') return { kind: 'tsconfig' };
      return { kind: 'files', project: prefix, globs: splitGlobs(rest) };
    }
    // dependentTasksOutputFiles: `<glob>:<the files it matched>`.
    return { kind: 'outputs', files: rest };
  }
  return { kind: 'other', key };
}

function describeInput(input: Input, context: WhyContext): string {
  switch (input.kind) {
    case 'files': {
      if (input.project === context.projectName) return `the project's sources (${context.projectRoot})`;
      const project = context.projects[input.project];
      return `${project?.projectType === 'application' ? 'project' : 'library'} ${input.project} (${project?.root ?? '?'})`;
    }
    case 'config':
      return input.project === context.projectName
        ? `the configuration of ${context.projectName} (its project.json)`
        : `the configuration of ${input.project} (${context.projects[input.project]?.root ?? '?'}/project.json)`;
    case 'tsconfig':
      return 'tsconfig.base.json';
    case 'workspace':
      return unique(input.globs.filter((g) => !g.startsWith('!')).map(workspaceFile)).join(' or ');
    case 'runtime': {
      const images = baseImagesOf(input.command);
      return images ? `the base image (${images})` : `the runtime input \`${input.command}\``;
    }
    case 'env':
      return `the environment variable ${input.name}`;
    case 'npm':
      return input.name ? npmPackages([input.name]) : 'the npm dependencies (package-lock.json)';
    case 'outputs':
      return `the outputs of the tasks it depends on (${abbreviate(input.files)})`;
    case 'other':
      return `the input ${input.key}`;
  }
}

/** What a workspace-level glob stands for. */
function workspaceFile(glob: string): string {
  const path = glob.replace(/^\{workspaceRoot\}\//, '');
  if (path.startsWith('tools/nx-docker/')) return 'the plugin (tools/nx-docker)';
  if (path === 'nx.json' || path === '.gitignore' || path === '.nxignore')
    return 'the workspace settings (nx.json, .gitignore, .nxignore)';
  if (!/[*?[{]/.test(path)) return path;
  return `files matching ${path}`;
}

/** The images a base-image runtime input names (lib/dockerfile/base-image-input.ts), or null. */
function baseImagesOf(command: string): string | null {
  const match = /image inspect --format \{\{\.Id\}\} (.+?) 2>\/dev\/null/.exec(command);
  return match ? match[1].split(/\s+/).join(', ') : null;
}

/** Splits `a/**\/*,!b/{x,y}/**` on the commas outside braces. */
export function splitGlobs(text: string): string[] {
  const globs: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') depth = Math.max(0, depth - 1);
    else if (text[i] === ',' && depth === 0) {
      globs.push(text.slice(start, i));
      start = i + 1;
    }
  }
  globs.push(text.slice(start));
  return globs.map((g) => g.trim()).filter(Boolean);
}

function sameOptions(previous: ImageInputs, current: ImageInputs): boolean {
  const keys = unique([...Object.keys(previous.options), ...Object.keys(current.options)]);
  return keys.every((key) => previous.options[key] === current.options[key]);
}

/** `npm:<name>` nodes: the external packages the project's code uses, as package-lock.json resolves them. */
function npmPackages(names: string[]): string {
  const list =
    names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  return `the npm package${names.length === 1 ? '' : 's'} ${list}`;
}

function abbreviate(files: string): string {
  const list = files.split(',').filter(Boolean);
  return list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more` : list.join(', ');
}

function rank(phrase: string): number {
  if (phrase.startsWith('perhaps')) return ORDER.length + 1;
  const index = ORDER.findIndex((prefix) => phrase.startsWith(prefix));
  return index === -1 ? ORDER.length : index;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
