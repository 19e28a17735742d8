import type { KitLogger } from '../db/pool';

const LEVELS = { error: 50, warn: 40, info: 30 } as const;

/**
 * Pino-shaped JSON lines for short scripts that run without a Fastify instance (populate-db), so their
 * output reads like the server's in `docker logs` and CloudWatch.
 */
export function jsonLogger(
  service: string,
  write: (line: string) => void = (line) => process.stdout.write(line),
): KitLogger {
  const log = (level: keyof typeof LEVELS) => (obj: object, msg?: string) =>
    write(`${JSON.stringify({ level: LEVELS[level], time: Date.now(), service, ...obj, msg })}\n`);
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
