import { logger } from '@nx/devkit';

/**
 * How ecr-push speaks: Nx's logger, each line prefixed with `[<project>]` as docker-build's are, so that
 * parallel pushes stay readable. Errors go to logger.error (stderr, red), followed by the hint.
 */
export interface PushLog {
  info(line: string): void;
  error(message: string, hint?: string): void;
}

export function pushLog(projectName: string): PushLog {
  const prefix = `[${projectName}]`;
  return {
    info: (line) => logger.info(`${prefix} ${line}`),
    error: (message, hint) => logger.error(`${prefix} ${message}${hint ? `\n${prefix} Hint: ${hint}` : ''}`),
  };
}
