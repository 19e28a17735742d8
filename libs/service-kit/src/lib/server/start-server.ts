import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { BaseConfig } from '../config/base-config';

/**
 * Listens on HOST:PORT (0.0.0.0 by default: a container must not listen on loopback only) and closes
 * gracefully on SIGTERM/SIGINT: Fastify stops accepting (new requests get 503), in-flight requests finish,
 * onClose hooks close the pool, then the process exits 0. Past SHUTDOWN_TIMEOUT_MS it exits 1.
 */
export async function startServer(
  app: FastifyInstance,
  config: Pick<BaseConfig, 'PORT' | 'HOST' | 'SHUTDOWN_TIMEOUT_MS'>,
): Promise<void> {
  const grace = closeWithGrace(
    {
      delay: config.SHUTDOWN_TIMEOUT_MS,
      logger: { error: (msg: unknown) => app.log.error(msg) },
    },
    async ({ signal, err }) => {
      if (err) {
        app.log.error({ err }, 'shutting down after an unexpected error');
      } else {
        app.log.info({ signal }, 'shutting down');
      }
      await app.close();
      app.log.info('server closed');
    },
  );
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (err) {
    grace.uninstall();
    throw err;
  }
}

/** main.ts's last resort: one JSON log line (pino's shape) on stderr, then exit 1. */
export function exitOnStartupError(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `${JSON.stringify({ level: 60, time: Date.now(), msg: `startup failed: ${message}` })}\n`,
  );
  process.exit(1);
}
