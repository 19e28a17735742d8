import type { ImageFacts } from '../docker/inspect';

/** `ok` findings are kept too: the smoke test prints and records every check, not only failures. */
export type Severity = 'ok' | 'warning' | 'error';

export interface Finding {
  /** Stable id of the check, e.g. `platform`; used in smoke.json and in error messages. */
  check: string;
  severity: Severity;
  message: string;
  /** What to do about it; empty for `ok`. */
  hint: string;
}

/** What an image is expected to be. Every field is already defaulted by the caller. */
export interface ImageExpectations {
  /** `os/architecture[/variant]`, e.g. `linux/amd64`. */
  platform: string;
  /** The container port the service listens on, e.g. 8000. */
  port: number;
  maxSizeMb: number;
}

export type Check = (facts: ImageFacts, expected: ImageExpectations) => Finding[];

export function ok(check: string, message: string): Finding {
  return { check, severity: 'ok', message, hint: '' };
}

export function error(check: string, message: string, hint: string): Finding {
  return { check, severity: 'error', message, hint };
}
