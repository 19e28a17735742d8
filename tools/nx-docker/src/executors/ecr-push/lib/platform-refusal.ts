import { checkPlatform } from '../../../lib/checks/platform';
import type { ImageFacts } from '../../../lib/docker/inspect';

export interface PlatformRefusal {
  /** One sentence per problem, for the log. */
  message: string;
  hint: string;
  /** The same, as one line for the JUnit report. */
  summary: string;
}

/**
 * Pure: the shared platform check (lib/checks/platform) on the image about to be pushed; null when it may go.
 * Run on image.json's platform before any network call, then on the daemon's image.
 */
export function platformRefusal(
  projectName: string,
  facts: Pick<ImageFacts, 'os' | 'architecture' | 'variant' | 'platform'>,
  expectedPlatform: string,
): PlatformRefusal | null {
  const problems = checkPlatform(facts, expectedPlatform).filter((finding) => finding.severity === 'error');
  if (problems.length === 0) return null;
  return {
    message: `Refusing to push ${projectName}: ${problems.map((problem) => problem.message).join(' ')} Nothing was sent to the registry.`,
    hint: `${problems.map((problem) => problem.hint).join(' ')} Or set the ecr-push "platform" option if the target really runs ${facts.platform}.`,
    summary: `Refusing to push ${projectName}: ${problems.map((problem) => problem.message).join(' ')}`,
  };
}
