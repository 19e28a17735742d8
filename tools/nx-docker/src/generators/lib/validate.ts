import { NxDockerError } from '../../lib/errors';

/** Lowest port a non-root process may bind on Fargate (awsvpc; unlike Docker ≥ 20.10, no sysctl lowers it). */
export const FIRST_UNPRIVILEGED_PORT = 1024;

/** Refuses anything but an integer port a non-root container user can bind; returns it as a number. */
export function validatePort(raw: unknown, optionName = 'port'): number {
  const port = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new NxDockerError(
      `--${optionName} must be an integer from 1 to 65535; got ${typeof raw === 'number' ? String(raw) : JSON.stringify(raw)}.`,
      {
        hint: 'The services listen on 8000 (the port every service of this workspace listens on): --port 8000',
      },
    );
  }
  if (port < FIRST_UNPRIVILEGED_PORT) {
    throw new NxDockerError(
      `--${optionName} ${port} is a privileged port: the image runs as the non-root user 'node', which cannot bind ports below ${FIRST_UNPRIVILEGED_PORT} on ECS Fargate.`,
      { hint: 'Listen on 8000 (or any port from 1024 up) and map it in the load balancer.' },
    );
  }
  return port;
}
