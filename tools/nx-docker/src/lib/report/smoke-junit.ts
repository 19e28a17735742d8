import { join } from 'node:path';
import { imageOutputDir, writeFileAtomic } from '../results/result-file';
import { JUnitCase, JUnitSuite, renderJUnit } from './junit';
import type { SmokeManifest } from '../results/smoke-manifest';

/**
 * `dist/images/<project>/smoke.junit.xml`: the smoke test for CI test reporters, one test case per check
 * (structure checks, each sidecar, healthy, each endpoint, stop). A failed case carries its message, its hint
 * and the last log lines of every container of the run. smoke.json stays the file other tools read.
 */

/** The last lines of one container's log, as the smoke test collects them when a check fails. */
export interface ContainerLogTail {
  /** `catalogo-service` or `sidecar db`. */
  role: string;
  name: string;
  text: string;
}

export function smokeJUnitPath(workspaceRoot: string, project: string): string {
  return join(imageOutputDir(workspaceRoot, project), 'smoke.junit.xml');
}

/**
 * The suite of one smoke test. Pure. `logs`: null when the image was never started (a structure check
 * failed): then one skipped case says so, instead of runtime cases that silently are not there.
 */
export function smokeJUnitSuite(
  manifest: SmokeManifest,
  logs: ContainerLogTail[] | null,
  logLines: number,
): JUnitSuite {
  const tails = (logs ?? []).map(
    (log) =>
      `--- last ${logLines} log lines of ${log.role} (${log.name}) ---\n${log.text.trim() ? log.text.trimEnd() : '(no output)'}`,
  );
  const cases: JUnitCase[] = manifest.checks.map((check) => {
    const text = `${check.message}${check.hint ? `\nHint: ${check.hint}` : ''}`;
    if (check.status === 'failed') {
      return {
        name: check.check,
        failure: { message: check.message, type: check.check, details: [text, ...tails].join('\n\n') },
      };
    }
    return { name: check.check, systemOut: check.status === 'warning' ? `warning: ${text}` : text };
  });
  if (logs === null && !manifest.healthy) {
    cases.push({
      name: 'run',
      skipped: { message: 'The image was not started: a structure check failed before docker run.' },
    });
  }
  return {
    name: `smoke-test ${manifest.project}`,
    timestamp: manifest.testedAt,
    timeSeconds: manifest.timings.totalMs / 1000,
    properties: {
      project: manifest.project,
      image: manifest.image,
      imageId: manifest.imageId,
      platform: manifest.platform,
    },
    cases,
  };
}

export function renderSmokeJUnit(
  manifest: SmokeManifest,
  logs: ContainerLogTail[] | null,
  logLines: number,
): string {
  return renderJUnit([smokeJUnitSuite(manifest, logs, logLines)], 'smoke-test');
}

/** Writes atomically (temp file + rename), like image.json and smoke.json. */
export function writeSmokeJUnit(workspaceRoot: string, project: string, xml: string): string {
  return writeFileAtomic(smokeJUnitPath(workspaceRoot, project), xml);
}
