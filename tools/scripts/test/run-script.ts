import { execa } from 'execa';
import { createServer } from 'node:net';
import { isAbsolute, join } from 'node:path';

export const scriptsDir = join(__dirname, '..');
export const repoRoot = join(scriptsDir, '..', '..');

export interface ScriptRun {
  exitCode: number | undefined;
  output: string;
  seconds: number;
}

/** Runs tools/scripts/<script> (or an absolute path) and returns its interleaved stdout+stderr, exit code and duration (never throws). */
export async function runScript(
  script: string,
  args: string[] = [],
  options: { env?: Record<string, string>; user?: string } = {},
): Promise<ScriptRun> {
  const path = isAbsolute(script) ? script : join(scriptsDir, script);
  const [file, argv] = options.user ? ['runuser', ['-u', options.user, '--', path, ...args]] : [path, args];
  const started = process.hrtime.bigint();
  const result = await execa(file, argv, {
    all: true,
    reject: false,
    stdin: 'ignore',
    env: options.env,
    cwd: '/',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { exitCode: result.exitCode, output: result.all ?? '', seconds };
}

/** Lines of `output` that start with `[<script>]`. */
export function linesOf(output: string, script: string): string[] {
  return output.split('\n').filter((line) => line.startsWith(`[${script}]`));
}

/** A TCP port nothing listens on right now (the kernel's pick), for a private copy of a service. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
