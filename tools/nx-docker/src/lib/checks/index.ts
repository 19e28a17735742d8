import type { ImageFacts } from '../docker/inspect';
import { checkEntrypoint } from './entrypoint';
import { checkHealthcheck } from './healthcheck';
import { checkPlatform } from './platform';
import { checkExposedPort } from './port';
import { checkSizeBudget } from './size-budget';
import { Check, Finding, ImageExpectations } from './types';
import { checkUser } from './user';

export type { Check, Finding, ImageExpectations, Severity } from './types';
export { checkPlatform, parsePlatform, formatPlatform, FARGATE_PLATFORM } from './platform';
export { checkExposedPort } from './port';
export { checkHealthcheck } from './healthcheck';
export { checkUser, isRootUser } from './user';
export { checkSizeBudget, toMb } from './size-budget';
export { checkEntrypoint } from './entrypoint';

/** Every structure check, in the order they are printed. */
export const allChecks: Check[] = [
  (facts, expected) => checkPlatform(facts, expected.platform),
  checkExposedPort,
  checkHealthcheck,
  checkUser,
  checkSizeBudget,
  checkEntrypoint,
];

export function runImageChecks(facts: ImageFacts, expected: ImageExpectations): Finding[] {
  return allChecks.flatMap((check) => check(facts, expected));
}

export function hasErrors(findings: Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}
