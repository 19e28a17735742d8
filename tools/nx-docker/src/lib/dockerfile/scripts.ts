import { posix } from 'node:path';
import { CopyInstruction, DockerfileModel, finalStage, joinPosix, stageChain } from './parse-dockerfile';

/**
 * Which program the image runs at start (ENTRYPOINT, else CMD), and where in the build context it
 * comes from. Pure: the caller stats the candidate files and hands the facts to `checkExecBits`.
 */
export interface ScriptUse {
  instruction: 'ENTRYPOINT' | 'CMD';
  /** Line of the ENTRYPOINT/CMD. */
  line: number;
  /** The program's path inside the image, e.g. `/app/entrypoint.sh`. */
  imagePath: string;
  /**
   * Context files it may come from, latest COPY first (a directory COPY yields guesses): the first
   * one that exists in the context is the one the image gets.
   */
  candidates: ScriptSource[];
}

export interface ScriptSource {
  /** Context-relative path. */
  path: string;
  /** The COPY/ADD that would put it there. */
  copy: CopyInstruction;
  /** `COPY --chmod=` with an execute bit, or a later `RUN chmod` naming it. */
  chmodInDockerfile: boolean;
}

const INTERPRETERS = new Set([
  'sh',
  'bash',
  'ash',
  'dash',
  'zsh',
  'node',
  'python',
  'python3',
  'tini',
  'dumb-init',
]);
const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function findStartScripts(model: DockerfileModel, stageName: string | null = null): ScriptUse[] {
  const stage = finalStage(model, stageName);
  if (!stage) return [];
  const chain = stageChain(model, stage);
  const entrypoint = chain.find((s) => s.entrypoint)?.entrypoint ?? null;
  const cmd = chain.find((s) => s.cmd)?.cmd ?? null;
  const command = entrypoint ?? cmd;
  if (!command) return [];
  const program = programOf(command.argv);
  if (!program) return [];
  const imagePaths = program.startsWith('/')
    ? [program]
    : program.includes('/')
      ? [joinPosix(command.workdir, program)]
      : PATH_DIRS.map((dir) => `${dir}/${program}`);
  // Copies of the chain in Dockerfile order; the last one that writes the path wins.
  const copies = chain
    .slice()
    .reverse()
    .flatMap((s) => s.copies)
    .filter((c) => c.from === null);
  const runs = chain.flatMap((s) => s.runs);
  for (const imagePath of imagePaths) {
    const candidates: ScriptSource[] = copies
      .slice()
      .reverse()
      .flatMap((copy) =>
        sourcesFor(copy, imagePath).map((path) => ({
          path,
          copy,
          chmodInDockerfile:
            chmodGrantsExec(copy.chmod) ||
            runs.some((r) => r.line > copy.line && runChmods(r.text, imagePath)),
        })),
      );
    if (candidates.length > 0) {
      return [{ instruction: entrypoint ? 'ENTRYPOINT' : 'CMD', line: command.line, imagePath, candidates }];
    }
  }
  return [];
}

/** The program that must be executable: skips `exec` and interpreters (`sh ./x.sh` needs no exec bit). */
function programOf(argv: string[]): string | null {
  const words = argv[0] === 'exec' ? argv.slice(1) : argv;
  const first = words[0];
  if (!first || first.startsWith('$')) return null;
  if (INTERPRETERS.has(posix.basename(first))) return null;
  return first;
}

function sourcesFor(copy: CopyInstruction, imagePath: string): string[] {
  const destination = joinPosix(copy.destination.startsWith('/') ? '/' : copy.workdir, copy.destination);
  const destIsDir = copy.destination.endsWith('/') || copy.destination === '.' || copy.sources.length > 1;
  const found: string[] = [];
  for (const source of copy.sources) {
    if (/^[a-z]+:\/\//i.test(source)) continue; // ADD <url>
    const normalized = normalizeSource(source);
    if (!destIsDir && destination === imagePath) {
      // `COPY entrypoint.sh /app/run.sh`, or `COPY bin /opt/tool` where bin is a directory.
      found.push(normalized);
      continue;
    }
    const prefix = destination === '/' ? '/' : `${destination}/`;
    if (!imagePath.startsWith(prefix)) continue;
    const rest = imagePath.slice(prefix.length);
    if (hasGlob(normalized)) {
      // `COPY *.sh /app/`: the file keeps its name, from the glob's directory.
      const dir = posix.dirname(normalized);
      if (!rest.includes('/') && globToRegExp(posix.basename(normalized)).test(rest)) {
        found.push(dir === '.' ? rest : `${dir}/${rest}`);
      }
      continue;
    }
    // A file copied into a directory keeps its base name; a directory's contents land under it.
    if (rest === posix.basename(normalized)) found.push(normalized);
    found.push(normalized === '.' ? rest : `${normalized}/${rest}`);
  }
  return [...new Set(found)];
}

function normalizeSource(source: string): string {
  const joined = joinPosix('/', source).slice(1);
  return joined === '' ? '.' : joined;
}

function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** `--chmod=755`, `0755`, `u+x`, `+x`, `a+rx`: any execute permission for someone. */
export function chmodGrantsExec(chmod: string | null): boolean {
  if (!chmod) return false;
  if (/^[0-7]{3,4}$/.test(chmod)) return [...chmod.slice(-3)].some((d) => (Number(d) & 1) === 1);
  return /\+[rwX]*x/.test(chmod);
}

/** `RUN chmod +x /app/entrypoint.sh`, `chmod 755 entrypoint.sh`, `chmod -R +x /app`. */
export function runChmods(run: string, imagePath: string): boolean {
  for (const command of run.split(/&&|;|\|\||\n/)) {
    const words = command.trim().split(/\s+/);
    const at = words.indexOf('chmod');
    if (at === -1) continue;
    const args = words.slice(at + 1).filter((w) => !w.startsWith('-') || /^-[0-7]+$/.test(w));
    const [mode, ...paths] = args;
    if (!mode || !(chmodGrantsExec(mode) || /x/.test(mode))) continue;
    const recursive = words.slice(at + 1).some((w) => /^-\w*R/.test(w));
    for (const path of paths) {
      if (path === imagePath || posix.basename(path) === posix.basename(imagePath)) return true;
      if (recursive && imagePath.startsWith(`${path.replace(/\/$/, '')}/`)) return true;
    }
  }
  return false;
}
