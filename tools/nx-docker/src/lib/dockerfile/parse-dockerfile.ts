import { DockerfileParser, Instruction } from 'dockerfile-ast';

/**
 * A Dockerfile parsed once by a real parser (dockerfile-ast) into plain data that the pure checks read.
 * Lines are 1-based, as editors and error messages show them.
 */
export interface DockerfileModel {
  stages: Stage[];
  /** ARG before the first FROM (global build args). */
  globalArgs: NamedLine[];
}

export interface Stage {
  /** `AS <name>`, or null. */
  name: string | null;
  /** The FROM reference with ARG defaults expanded, e.g. `node:24-bookworm-slim`, `scratch`, or another stage's name. */
  from: string;
  /** The `--platform=` flag of FROM, if any. */
  fromPlatform: string | null;
  line: number;
  args: NamedLine[];
  envs: NamedLine[];
  copies: CopyInstruction[];
  runs: Array<{ text: string; line: number }>;
  workdirs: Array<{ path: string; line: number }>;
  exposes: Array<{ port: number | null; raw: string; line: number }>;
  healthchecks: Array<{ none: boolean; line: number }>;
  entrypoint: Command | null;
  cmd: Command | null;
}

export interface NamedLine {
  name: string;
  value: string | null;
  line: number;
}

export interface CopyInstruction {
  keyword: 'COPY' | 'ADD';
  sources: string[];
  destination: string;
  /** `--from=` stage or image: the files do not come from the build context. */
  from: string | null;
  /** `--chmod=` value, if any. */
  chmod: string | null;
  /** WORKDIR in effect, to resolve a relative destination. */
  workdir: string;
  line: number;
}

export interface Command {
  /** JSON (exec) form, e.g. ["./entrypoint.sh"], or the shell form split on whitespace. */
  argv: string[];
  execForm: boolean;
  /** WORKDIR in effect, to resolve a relative program path such as `./entrypoint.sh`. */
  workdir: string;
  line: number;
}

export function parseDockerfile(text: string): DockerfileModel {
  const dockerfile = DockerfileParser.parse(text);
  const model: DockerfileModel = { stages: [], globalArgs: [] };
  let stage: Stage | null = null;
  let workdir = '/';
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    if (keyword === 'FROM') {
      const args = instruction.getExpandedArguments().map((a) => a.getValue());
      const asAt = args.findIndex((a) => a.toUpperCase() === 'AS');
      stage = {
        name: asAt >= 0 ? (args[asAt + 1] ?? null) : null,
        from: expandGlobalArgs(args[0] ?? '', model.globalArgs),
        fromPlatform: flagValue(instruction, 'platform'),
        line,
        args: [],
        envs: [],
        copies: [],
        runs: [],
        workdirs: [],
        exposes: [],
        healthchecks: [],
        entrypoint: null,
        cmd: null,
      };
      // A stage built FROM another stage inherits its WORKDIR; FROM an image starts at the image's (unknown: '/').
      const parent = model.stages.find((s) => s.name !== null && s.name === stage?.from);
      workdir = parent ? (parent.workdirs.at(-1)?.path ?? '/') : '/';
      model.stages.push(stage);
      continue;
    }
    if (!stage) {
      if (keyword === 'ARG') model.globalArgs.push(...properties(instruction, line));
      continue;
    }
    switch (keyword) {
      case 'ARG':
        stage.args.push(...properties(instruction, line));
        break;
      case 'ENV':
        stage.envs.push(...properties(instruction, line));
        break;
      case 'WORKDIR': {
        const path = instruction.getExpandedArguments()[0]?.getValue() ?? '/';
        workdir = path.startsWith('/') ? path : joinPosix(workdir, path);
        stage.workdirs.push({ path: workdir, line });
        break;
      }
      case 'COPY':
      case 'ADD': {
        const args = instruction.getExpandedArguments().map((a) => a.getValue());
        const json = jsonStrings(instruction);
        const paths = json ?? args;
        if (paths.length >= 2) {
          stage.copies.push({
            keyword,
            sources: paths.slice(0, -1),
            destination: paths[paths.length - 1],
            from: flagValue(instruction, 'from'),
            chmod: flagValue(instruction, 'chmod'),
            workdir,
            line,
          });
        }
        break;
      }
      case 'RUN':
        stage.runs.push({ text: instruction.getArgumentsContent() ?? '', line });
        break;
      case 'EXPOSE':
        for (const arg of instruction.getExpandedArguments()) {
          const raw = arg.getValue();
          const match = /^(\d+)(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/i.exec(raw);
          stage.exposes.push({ port: match ? Number(match[1]) : null, raw, line });
        }
        break;
      case 'HEALTHCHECK': {
        const sub = instruction.getArguments().find((a) => !a.getValue().startsWith('--'));
        stage.healthchecks.push({ none: sub?.getValue().toUpperCase() === 'NONE', line });
        break;
      }
      case 'ENTRYPOINT':
      case 'CMD': {
        const json = jsonStrings(instruction);
        const command: Command = json
          ? { argv: json, execForm: true, workdir, line }
          : {
              argv: instruction
                .getExpandedArguments()
                .map((a) => a.getValue())
                .filter(Boolean),
              execForm: false,
              workdir,
              line,
            };
        if (keyword === 'ENTRYPOINT') stage.entrypoint = command;
        else stage.cmd = command;
        break;
      }
    }
  }
  return model;
}

/**
 * What dockerfile-ast leaves unexpanded in a FROM: an ARG whose default names another ARG
 * (`ARG IMAGE=node:${NODE}-slim`), which Docker does expand. Defaults only; --build-arg is not known here.
 */
function expandGlobalArgs(ref: string, globalArgs: NamedLine[]): string {
  if (!ref.includes('$')) return ref;
  const values: Record<string, string> = {};
  const expand = (text: string) =>
    text.replace(
      /\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g,
      (_, braced: string, fallback: string | undefined, bare: string) =>
        values[braced ?? bare] ?? fallback ?? '',
    );
  for (const arg of globalArgs) {
    if (arg.value !== null) values[arg.name] = expand(arg.value);
  }
  return expand(ref);
}

/** The stage that becomes the image: the one named `stage` (docker-build's option), else the last one. */
export function finalStage(model: DockerfileModel, stage: string | null = null): Stage | null {
  if (stage) return model.stages.find((s) => s.name === stage) ?? null;
  return model.stages.at(-1) ?? null;
}

/**
 * The chain of stages from `stage` back through `FROM <stage>`: the final image inherits
 * ENV, EXPOSE, HEALTHCHECK, ENTRYPOINT and CMD from them.
 */
export function stageChain(model: DockerfileModel, stage: Stage): Stage[] {
  const chain: Stage[] = [stage];
  let current = stage;
  for (;;) {
    const index = model.stages.indexOf(current);
    const parent = model.stages.slice(0, index).find((s) => s.name !== null && s.name === current.from);
    if (!parent || chain.includes(parent)) return chain;
    chain.push(parent);
    current = parent;
  }
}

/** External images the build starts from (not `scratch`, not earlier stages), in order. */
export function baseImages(model: DockerfileModel): Array<{ ref: string; line: number }> {
  const seen = new Set<string>();
  const result: Array<{ ref: string; line: number }> = [];
  model.stages.forEach((stage, index) => {
    const isStage = model.stages.slice(0, index).some((s) => s.name !== null && s.name === stage.from);
    if (isStage || stage.from === 'scratch' || stage.from === '' || seen.has(stage.from)) return;
    seen.add(stage.from);
    result.push({ ref: stage.from, line: stage.line });
  });
  return result;
}

function properties(instruction: Instruction, line: number): NamedLine[] {
  const withProperties = instruction as Instruction & {
    getProperties?: () => Array<{ getName(): string; getValue(): string | null }>;
  };
  return (withProperties.getProperties?.() ?? []).map((p) => ({
    name: p.getName(),
    value: p.getValue(),
    line,
  }));
}

function flagValue(instruction: Instruction, name: string): string | null {
  const withFlags = instruction as Instruction & {
    getFlags?: () => Array<{ getName(): string; getValue(): string | null }>;
  };
  return (
    withFlags
      .getFlags?.()
      .find((f) => f.getName() === name)
      ?.getValue() ?? null
  );
}

function jsonStrings(instruction: Instruction): string[] | null {
  const json = instruction as Instruction & {
    getOpeningBracket?: () => unknown;
    getJSONStrings?: () => Array<{ getJSONValue(): string }>;
  };
  if (!json.getOpeningBracket?.() || !json.getJSONStrings) return null;
  return json.getJSONStrings().map((s) => s.getJSONValue());
}

export function joinPosix(base: string, path: string): string {
  const parts = `${base}/${path}`.split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}
