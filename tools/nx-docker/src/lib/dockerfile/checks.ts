import { platformMatches } from '../checks/platform';
import { baseImageInput, baseImagesToTrack, tracksImage } from './base-image-input';
import { DockerfileModel, finalStage, stageChain } from './parse-dockerfile';
import { ScriptUse } from './scripts';

/**
 * Pre-build checks: pure functions over the parsed Dockerfile and a few file facts gathered by the caller.
 * Each finding names the file, the line and the fix.
 */
export type DockerfileCheckName =
  'paths' | 'stage' | 'platform' | 'exec-bit' | 'expose' | 'healthcheck' | 'secrets' | 'base-image-input';

export interface DockerfileFinding {
  check: DockerfileCheckName;
  severity: 'error' | 'warning';
  /** Workspace-relative path of the file the finding is about. */
  file: string;
  line: number | null;
  message: string;
  hint: string;
}

export interface DockerfileCheckInput {
  model: DockerfileModel;
  /** Workspace-relative Dockerfile path, for messages. */
  dockerfile: string;
  /** Workspace-relative context path, for messages (`.` for the workspace root). */
  context: string;
  /** docker-build's `stage` option: the stage to stop at, or null for the last one. */
  stage: string | null;
  platform: string;
  port: number | null;
  /** What `findStartScripts` found. */
  scripts: ScriptUse[];
  /** Context-relative file → whether it has an execute bit; absent when the file is not in the context. */
  contextFiles: Record<string, { executable: boolean }>;
  /** How the target is cached; null (run outside a project graph) skips the base-image-input check. */
  tracking: CacheTracking | null;
}

export const SECRET_NAME = /secret|passw(?:or)?d|token/i;

export function checkPaths(facts: {
  dockerfile: string;
  dockerfileExists: boolean;
  context: string;
  contextExists: boolean;
  projectName: string;
}): DockerfileFinding[] {
  const findings: DockerfileFinding[] = [];
  if (!facts.contextExists) {
    findings.push({
      check: 'paths',
      severity: 'error',
      file: facts.context,
      line: null,
      message: `The build context ${facts.context} does not exist.`,
      hint: `Set "context" of ${facts.projectName}:docker-build to an existing directory (default: the project root).`,
    });
  }
  if (!facts.dockerfileExists) {
    findings.push({
      check: 'paths',
      severity: 'error',
      file: facts.dockerfile,
      line: null,
      message: `The Dockerfile ${facts.dockerfile} does not exist.`,
      hint: `Create it (nx g @ventas/nx-docker:configuration ${facts.projectName}) or set "dockerfile" of ${facts.projectName}:docker-build.`,
    });
  }
  return findings;
}

export function checkDockerfile(input: DockerfileCheckInput): DockerfileFinding[] {
  if (input.model.stages.length === 0) {
    return [
      {
        check: 'paths',
        severity: 'error',
        file: input.dockerfile,
        line: null,
        message: `${input.dockerfile} has no FROM instruction.`,
        hint: 'Start the Dockerfile with FROM <image>.',
      },
    ];
  }
  const stage = checkStage(input.model, input.dockerfile, input.stage);
  if (stage.length > 0) return stage;
  return [
    ...checkFromPlatform(input),
    ...checkExecBits(input),
    ...checkExpose(input),
    ...checkHealthcheck(input),
    ...checkSecrets(input),
    ...checkBaseImageInput(input.model, input.dockerfile, input.tracking),
  ];
}

/**
 * The `stage` option must name a stage of the Dockerfile (`FROM <image> AS <stage>`): otherwise docker build
 * fails late with "target stage … could not be found", or, were the option lost on the way, builds the last stage.
 */
export function checkStage(
  model: DockerfileModel,
  dockerfile: string,
  stage: string | null,
): DockerfileFinding[] {
  if (!stage || model.stages.some((s) => s.name === stage)) return [];
  const named = model.stages.filter((s) => s.name !== null);
  const unnamed = model.stages.length - named.length;
  const list = named.map((s) => `${s.name} (line ${s.line})`).join(', ');
  const plural = (n: number) => (n === 1 ? '1 stage' : `${n} stages`);
  return [
    {
      check: 'stage',
      severity: 'error',
      file: dockerfile,
      line: null,
      message: named.length
        ? `${dockerfile} has no stage named '${stage}'. Its stages: ${list}${unnamed ? ` and ${unnamed} unnamed` : ''}.`
        : `${dockerfile} has no stage named '${stage}': none of its ${plural(model.stages.length)} is named (FROM <image> AS <name>).`,
      hint: named.length
        ? `Set "stage" (or --stage on the command line) to one of ${named.map((s) => s.name).join(', ')}, or name a stage 'FROM <image> AS ${stage}' in ${dockerfile}. Leave "stage" out to build the last stage.`
        : `Name the stage to stop at with 'FROM <image> AS ${stage}' in ${dockerfile}, or leave "stage" out to build the last stage.`,
    },
  ];
}

/** A `FROM --platform=…` that pins another platform than the build's (aliases and default variants agree). */
export function checkFromPlatform(input: DockerfileCheckInput): DockerfileFinding[] {
  return input.model.stages
    .filter(
      (s) =>
        s.fromPlatform && !s.fromPlatform.includes('$') && !platformMatches(s.fromPlatform, input.platform),
    )
    .map((s) => ({
      check: 'platform' as const,
      severity: 'error' as const,
      file: input.dockerfile,
      line: s.line,
      message: `${input.dockerfile}:${s.line} builds FROM --platform=${s.fromPlatform}, but the target platform is ${input.platform}.`,
      hint: `Remove --platform=${s.fromPlatform} (the build's --platform applies) or use --platform=$TARGETPLATFORM.`,
    }));
}

export function checkExecBits(input: DockerfileCheckInput): DockerfileFinding[] {
  const findings: DockerfileFinding[] = [];
  for (const script of input.scripts) {
    const source = script.candidates.find((c) => input.contextFiles[c.path] !== undefined);
    if (!source || source.chmodInDockerfile || input.contextFiles[source.path].executable) continue;
    const hostPath = input.context === '.' ? source.path : `${input.context}/${source.path}`;
    findings.push({
      check: 'exec-bit',
      severity: 'error',
      file: input.dockerfile,
      line: script.line,
      message:
        `${input.dockerfile}:${script.line} runs ${script.imagePath} as ${script.instruction}, copied from ${hostPath} ` +
        `(line ${source.copy.line}) without an execute bit: the container would fail with "permission denied".`,
      hint:
        `chmod +x ${hostPath} (and git update-index --chmod=+x ${hostPath}), or add ` +
        `'RUN chmod +x ${script.imagePath}' after line ${source.copy.line}.`,
    });
  }
  return findings;
}

export function checkExpose(input: DockerfileCheckInput): DockerfileFinding[] {
  if (input.port === null) return [];
  const stage = finalStage(input.model, input.stage);
  if (!stage) return [];
  const chain = stageChain(input.model, stage);
  const exposes = chain.flatMap((s) => s.exposes).sort((a, b) => a.line - b.line);
  const findings: DockerfileFinding[] = [];
  if (exposes.length === 0) {
    findings.push({
      check: 'expose',
      severity: 'error',
      file: input.dockerfile,
      line: stage.line,
      message: `${input.dockerfile} exposes no port, but the service listens on ${input.port}.`,
      hint: `Add 'EXPOSE ${input.port}' to the final stage (after line ${stage.line}).`,
    });
  } else if (!exposes.some((e) => e.port === input.port)) {
    const first = exposes[0];
    findings.push({
      check: 'expose',
      severity: 'error',
      file: input.dockerfile,
      line: first.line,
      message: `${input.dockerfile}:${first.line} has EXPOSE ${exposes.map((e) => e.raw).join(' ')}, but the service listens on ${input.port} (port mismatch: ECS health checks would fail).`,
      hint: `Change line ${first.line} to 'EXPOSE ${input.port}', or set "port" of docker-build to the port the service really uses.`,
    });
  }
  const portEnv = chain
    .flatMap((s) => s.envs)
    .filter((e) => e.name === 'PORT')
    .sort((a, b) => a.line - b.line)
    .at(-1);
  if (
    portEnv &&
    portEnv.value !== null &&
    /^\d+$/.test(portEnv.value) &&
    Number(portEnv.value) !== input.port
  ) {
    findings.push({
      check: 'expose',
      severity: 'error',
      file: input.dockerfile,
      line: portEnv.line,
      message: `${input.dockerfile}:${portEnv.line} sets ENV PORT=${portEnv.value}, but the service port is ${input.port} (port mismatch).`,
      hint: `Change line ${portEnv.line} to 'ENV PORT=${input.port}'.`,
    });
  }
  return findings;
}

export function checkHealthcheck(input: DockerfileCheckInput): DockerfileFinding[] {
  const stage = finalStage(input.model, input.stage);
  if (!stage) return [];
  const last = stageChain(input.model, stage)
    .flatMap((s) => s.healthchecks)
    .sort((a, b) => a.line - b.line)
    .at(-1);
  if (last && !last.none) return [];
  const port = input.port ?? 8000;
  return [
    {
      check: 'healthcheck',
      severity: 'error',
      file: input.dockerfile,
      line: last ? last.line : stage.line,
      message: last
        ? `${input.dockerfile}:${last.line} disables the HEALTHCHECK (HEALTHCHECK NONE).`
        : `${input.dockerfile} has no HEALTHCHECK in its final stage (line ${stage.line}).`,
      hint:
        `Add for example: HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ` +
        `node -e "fetch('http://127.0.0.1:${port}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`,
    },
  ];
}

export function checkSecrets(input: DockerfileCheckInput): DockerfileFinding[] {
  const named = [
    ...input.model.globalArgs.map((a) => ({ ...a, keyword: 'ARG' })),
    ...input.model.stages.flatMap((s) => [
      ...s.args.map((a) => ({ ...a, keyword: 'ARG' })),
      ...s.envs.map((e) => ({ ...e, keyword: 'ENV' })),
    ]),
  ].sort((a, b) => a.line - b.line);
  return named
    .filter((n) => SECRET_NAME.test(n.name))
    .map((n) => ({
      check: 'secrets' as const,
      severity: 'error' as const,
      file: input.dockerfile,
      line: n.line,
      message: `${input.dockerfile}:${n.line} declares ${n.keyword} ${n.name}: a secret baked into an image is readable by anyone who can pull it (docker history, docker inspect).`,
      hint:
        n.keyword === 'ARG'
          ? `Remove it; for build-time secrets use 'RUN --mount=type=secret,id=${n.name.toLowerCase()}'.`
          : `Remove it; give the container its secret at run time (ECS task definition "secrets", or docker run -e).`,
    }));
}

/** How the docker-build target is hashed, read from the project graph; null when run outside one. */
export interface CacheTracking {
  projectName: string;
  /** Where the target's inputs are written, for the fix. */
  projectFile: string;
  targetName: string;
  cached: boolean;
  /** Every runtime command among the target's inputs, named inputs expanded. */
  runtimeCommands: string[];
}

/**
 * A cached image build must hash its base image's id: otherwise a new `node:24-bookworm-slim` under the
 * same tag is a cache hit that restores the old image (a stale image that passes every later check).
 */
export function checkBaseImageInput(
  model: DockerfileModel,
  dockerfile: string,
  tracking: CacheTracking | null,
): DockerfileFinding[] {
  if (!tracking?.cached) return [];
  const bases = baseImagesToTrack(model);
  const untracked = bases.filter((b) => !tracksImage(tracking.runtimeCommands, b.ref));
  const input = JSON.stringify(baseImageInput(bases.map((b) => b.ref)));
  const { projectName, targetName } = tracking;
  return untracked.map((b) => ({
    check: 'base-image-input' as const,
    severity: 'error' as const,
    file: dockerfile,
    line: b.line,
    message:
      `${dockerfile}:${b.line} builds FROM ${b.ref}, but no input of ${projectName}:${targetName} tracks that image's id: ` +
      `a new ${b.ref} under the same tag would be a cache hit that restores the old image.`,
    hint:
      `Add to "inputs" of ${targetName} in ${tracking.projectFile}: ${input} ` +
      `(a project's "inputs" replace nx.json's, so list those too), or pin the image by digest (FROM ${b.ref}@sha256:…).`,
  }));
}

/** After the build: the image's own os/architecture must be the platform asked for (platformMatches). */
export function checkBuiltPlatform(expected: string, actual: string, image: string): DockerfileFinding[] {
  if (actual && platformMatches(actual, expected)) return [];
  return [
    {
      check: 'platform',
      severity: 'error',
      file: image,
      line: null,
      message: `The built image ${image} is ${actual || 'of unknown platform'}, not ${expected}: it would fail with "exec format error" on the target.`,
      hint: `Build with a builder that honours --platform (buildx or BuildKit; see NX_DOCKER_BINARY) and a base image for ${expected}.`,
    },
  ];
}

/** `apps/x/Dockerfile:12 error [expose] …\n  Fix: …` */
export function formatFinding(finding: DockerfileFinding): string {
  return `${finding.severity === 'error' ? 'ERROR' : 'warning'} [${finding.check}] ${finding.message}\n  Fix: ${finding.hint}`;
}
