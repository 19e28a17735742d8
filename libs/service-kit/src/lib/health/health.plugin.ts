import type { FastifyInstance } from 'fastify';

export type ReadinessCheck = () => Promise<void>;

export interface HealthPluginOptions {
  /** Liveness: the process is up and serving. Docker's HEALTHCHECK uses one of these. */
  livenessPaths: string[];
  /** Readiness: every dependency answers; 503 with the list of what is down otherwise. */
  readinessPaths: string[];
  checks: Record<string, ReadinessCheck>;
  /** A check slower than this counts as down. */
  checkTimeoutMs?: number;
}

type CheckResult = { status: 'up'; latencyMs: number } | { status: 'down'; error: string };

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'down', error: (err as Error).message || String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Encapsulated route plugin: it only adds routes. */
export async function healthPlugin(app: FastifyInstance, options: HealthPluginOptions) {
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  const started = Date.now();

  for (const url of options.livenessPaths) {
    app.get(url, { logLevel: 'warn' }, async () => ({
      status: 'ok',
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }));
  }

  for (const url of options.readinessPaths) {
    app.get(url, { logLevel: 'warn' }, async (_request, reply) => {
      const names = Object.keys(options.checks);
      const results = await Promise.all(names.map((name) => runCheck(options.checks[name], timeoutMs)));
      const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
      const down = names.filter((_, i) => results[i].status === 'down');
      return reply
        .code(down.length ? 503 : 200)
        .send({ status: down.length ? 'unavailable' : 'ok', down, checks });
    });
  }
}
