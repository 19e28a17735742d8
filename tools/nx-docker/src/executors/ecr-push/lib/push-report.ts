import { JUnitCase, JUnitSuite, renderJUnit } from '../../../lib/report/junit';

/**
 * Pure: what happened to each tag, as `dist/images/<project>/push.junit.xml` reports it. One case per tag:
 * pushed or skipped (it already held the image) pass; a refusal or a failure fails with its message. A tag the
 * run never reached fails too, saying why: nothing untested or half-pushed reads as green.
 */
export type TagStatus = 'pending' | 'pushed' | 'skipped' | 'failed';

export interface TagResult {
  tag: string;
  status: TagStatus;
  message: string;
  seconds: number;
}

export function pendingTags(tags: string[]): TagResult[] {
  return tags.map((tag) => ({ tag, status: 'pending', message: '', seconds: 0 }));
}

/** Records a tag's result (a tag not in the list is ignored). */
export function settle(results: TagResult[], done: TagResult): TagResult[] {
  return results.map((result) => (result.tag === done.tag ? { ...done } : result));
}

/**
 * Every tag still pending fails. `refusal`: the same message for all (nothing was tried: a refused platform, no
 * passing smoke test, an immutable tag). Otherwise the first pending tag is the one that failed, and the rest
 * were not reached.
 */
export function failPending(results: TagResult[], message: string, kind: 'refusal' | 'failure'): TagResult[] {
  const first = results.findIndex((result) => result.status === 'pending');
  return results.map((result, index) => {
    if (result.status !== 'pending') return result;
    const text =
      kind === 'refusal' || index === first
        ? message
        : `not pushed: the push stopped at ${results[first].tag} (${firstLine(message)})`;
    return { ...result, status: 'failed', message: text };
  });
}

export function pushJUnitSuite(input: {
  project: string;
  repositoryUri: string | null;
  timestamp: string;
  results: TagResult[];
  /** An error no tag accounts for (every tag done, or none known): one more failed case. */
  error?: string | null;
}): JUnitSuite {
  const classname = `ecr-push.${input.project}`;
  const cases: JUnitCase[] = input.results.map((result) => {
    const name = `${input.project}:${result.tag}`;
    const base = { name, classname, timeSeconds: result.seconds };
    switch (result.status) {
      case 'pushed':
        return { ...base, systemOut: `pushed ${result.message}` };
      case 'skipped':
        return { ...base, systemOut: `skipped: ${result.message}` };
      default:
        return {
          ...base,
          failure: {
            message: firstLine(result.message || 'not pushed'),
            type: result.status === 'pending' ? 'not-run' : 'push',
            details: result.message || 'not pushed',
          },
        };
    }
  });
  if (input.error && !input.results.some((result) => result.status === 'failed')) {
    cases.push({
      name: `ecr-push ${input.project}`,
      classname,
      failure: { message: firstLine(input.error), type: 'error', details: input.error },
    });
  }
  return {
    name: `ecr-push ${input.project}`,
    timestamp: input.timestamp,
    properties: input.repositoryUri ? { repositoryUri: input.repositoryUri } : undefined,
    cases,
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

/** What push.junit.xml is made of, filled in as the push goes. */
export interface PushRun {
  results: TagResult[];
  repositoryUri: string | null;
}

/**
 * `dist/images/<project>/push.junit.xml`: one case per tag. `error`: the exception that ended the run, if any;
 * every tag still pending then fails with it.
 */
export function renderPushJUnit(
  project: string,
  run: PushRun,
  timestamp: string,
  error: string | null,
): string {
  const results = error ? failPending(run.results, error, 'failure') : run.results;
  return renderJUnit(
    [pushJUnitSuite({ project, repositoryUri: run.repositoryUri, timestamp, results, error })],
    'ecr-push',
  );
}
