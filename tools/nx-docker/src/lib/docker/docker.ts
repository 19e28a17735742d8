import { execa } from 'execa';
import { NxDockerError } from '../errors';

/** The one module that spawns the Docker CLI. Always argv arrays, never a shell string. */

export interface RunDockerOptions {
  cwd?: string;
  /** Extra environment for the CLI (for example DOCKER_BUILDKIT or a temporary DOCKER_CONFIG). */
  env?: Record<string, string | undefined>;
  /** Written to stdin; how secrets reach docker (`login --password-stdin`), never argv. */
  input?: string;
  /** Stream each output line live, prefixed (for example with the project name). Output is captured either way. */
  streamPrefix?: string;
  /** Return a failed result instead of throwing: for probes such as `image inspect` of a missing image. */
  reject?: boolean;
  timeoutMs?: number;
  cancelSignal?: AbortSignal;
  /** Overrides the binary from `dockerBinary()`. */
  binary?: string;
}

export interface DockerResult {
  /** The command as a person could retype it. */
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  failed: boolean;
}

export class DockerError extends NxDockerError {
  readonly result: DockerResult;

  constructor(result: DockerResult, hint?: string) {
    const tail = lastLines(result.stderr || result.stdout, 20);
    super(`docker failed with exit code ${result.exitCode}: ${result.command}${tail ? `\n${tail}` : ''}`, {
      hint,
    });
    this.name = 'DockerError';
    this.result = result;
  }
}

/** Which docker CLI to run: `NX_DOCKER_BINARY` names one explicitly, else `docker` on PATH. */
export function dockerBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env['NX_DOCKER_BINARY']?.trim() || 'docker';
}

export async function runDocker(args: string[], options: RunDockerOptions = {}): Promise<DockerResult> {
  const binary = options.binary ?? dockerBinary();
  const command = [binary, ...args].map(quoteForDisplay).join(' ');
  const started = performance.now();
  const subprocess = execa(binary, args, {
    cwd: options.cwd,
    env: options.env,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    reject: false,
    timeout: options.timeoutMs,
    cancelSignal: options.cancelSignal,
    stripFinalNewline: true,
    forceKillAfterDelay: 2000,
  });
  if (options.streamPrefix !== undefined) {
    streamLines(subprocess.stdout, options.streamPrefix, process.stdout);
    streamLines(subprocess.stderr, options.streamPrefix, process.stdout);
  }
  const outcome = await subprocess;
  const result: DockerResult = {
    command,
    exitCode: outcome.exitCode ?? -1,
    stdout: String(outcome.stdout ?? ''),
    stderr: outcome.code === 'ENOENT' ? `${binary}: command not found` : String(outcome.stderr ?? ''),
    durationMs: Math.round(performance.now() - started),
    failed: outcome.failed,
  };
  if (outcome.code === 'ENOENT' && options.reject !== false) {
    throw new NxDockerError(`The Docker CLI '${binary}' was not found.`, {
      hint: 'Install Docker (Debian: bash tools/scripts/docker-engine.sh) or set NX_DOCKER_BINARY to its path.',
    });
  }
  if (outcome.isCanceled || outcome.timedOut) {
    result.stderr =
      `${result.stderr}\n${outcome.timedOut ? `timed out after ${options.timeoutMs} ms` : 'cancelled'}`.trim();
  }
  if (result.failed && options.reject !== false) {
    throw new DockerError(result);
  }
  return result;
}

/** runDocker ended the command before it finished: its time limit, or its cancelSignal. */
export function wasCutShort(result: DockerResult): boolean {
  return /(timed out after \d+ ms|cancelled)$/.test(result.stderr);
}

/** A long-running docker command whose output is only noticed, not kept: `docker logs --follow`. */
export interface FollowedDocker {
  /** Settles when the command ends by itself (for `logs --follow`: the container stopped) or is stopped. */
  ended: Promise<void>;
  stop(): void;
}

/**
 * Starts a docker command that runs until it ends by itself, calling `onOutput` for every chunk it prints.
 * Nothing is buffered, so it can run for as long as a wait lasts; `cancelSignal` or `stop()` ends it.
 */
export function followDocker(
  args: string[],
  options: { onOutput: () => void; cancelSignal?: AbortSignal; binary?: string },
): FollowedDocker {
  const subprocess = execa(options.binary ?? dockerBinary(), args, {
    stdin: 'ignore',
    buffer: false,
    reject: false,
    cancelSignal: options.cancelSignal,
  });
  subprocess.stdout?.on('data', options.onOutput);
  subprocess.stderr?.on('data', options.onOutput);
  return {
    ended: subprocess.then(
      () => undefined,
      () => undefined,
    ),
    stop: () => {
      subprocess.kill();
    },
  };
}

function streamLines(stream: NodeJS.ReadableStream | null, prefix: string, out: NodeJS.WritableStream): void {
  if (!stream) return;
  let pending = '';
  stream.on('data', (chunk: Buffer | string) => {
    pending += chunk.toString();
    const lines = pending.split(/\r?\n|\r/);
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) out.write(`${prefix} ${line}\n`);
  });
  stream.on('end', () => {
    if (pending.trim()) out.write(`${prefix} ${pending}\n`);
  });
}

function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
