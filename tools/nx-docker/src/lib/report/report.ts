/**
 * The image report (executor `image-report`): one table of every image (service, tags, size, architecture,
 * healthy, tested, pushed digest) from dist/images/*, or one JUnit document merging every project's
 * smoke.junit.xml and push.junit.xml.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { imageOutputDir, writeFileAtomic } from '../results/result-file';
import { collectImageRecords, ImageRecord } from './collect';
import { formatErrors, formatMarkdown, formatText, toRows } from './format';
import { renderJUnit } from './junit';
import { JUnitSource, junitProperties, mergeJUnit, MergedJUnit } from './junit-merge';
import { smokeJUnitPath, smokeJUnitSuite } from './smoke-junit';

export interface ReportArgs {
  format: 'text' | 'markdown' | 'junit';
  root: string;
  /** Markdown and text are appended to it (a CI step summary); JUnit replaces it. */
  output: string | null;
}

export function renderReport(args: ReportArgs): string {
  if (args.format === 'junit') return renderJUnitReport(args.root).xml;
  const records = collectImageRecords(args.root);
  const rows = toRows(records);
  const table = args.format === 'markdown' ? formatMarkdown(rows) : formatText(rows);
  const errors = formatErrors(records);
  return errors ? `${table}\n\n${errors}` : table;
}

/**
 * Every project's smoke.junit.xml and push.junit.xml, merged, projects in name order. A smoke.junit.xml about
 * another image than smoke.json (a cache hit restores smoke.json, the target's declared output, and may leave
 * an older smoke.junit.xml), or a missing one, is rebuilt from smoke.json, without the containers' logs.
 */
export function renderJUnitReport(root: string): MergedJUnit {
  const sources: JUnitSource[] = [];
  for (const record of collectImageRecords(root)) {
    const smoke = smokeSource(root, record);
    if (smoke) sources.push(smoke);
    const push = join(imageOutputDir(root, record.project), 'push.junit.xml');
    if (existsSync(push)) sources.push({ source: relative(root, push), xml: readFileSync(push, 'utf8') });
  }
  return mergeJUnit(sources, 'nx-docker');
}

function smokeSource(root: string, record: ImageRecord): JUnitSource | null {
  const path = smokeJUnitPath(root, record.project);
  const xml = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (xml !== null && (!record.smoke || junitProperties(xml)['imageId'] === record.smoke.imageId)) {
    return { source: relative(root, path), xml };
  }
  if (!record.smoke) return null;
  const suite = smokeJUnitSuite(record.smoke, [], 0);
  const why = xml === null ? 'smoke.junit.xml is missing' : 'smoke.junit.xml is about another image';
  return {
    source: relative(root, path),
    xml: renderJUnit(
      [{ ...suite, properties: { ...suite.properties, source: `smoke.json (${why})` } }],
      'smoke-test',
    ),
  };
}

/**
 * Writes the report as `args` asks and returns what to print. JUnit goes into `output` (replaced, never appended:
 * two documents in one file are not XML) and the printed text is one line of counts, because through `nx run`
 * stdout also carries Nx's own lines; without `output` the document itself is printed. A table is appended to
 * `output` (e.g. "$GITHUB_STEP_SUMMARY") and printed.
 */
export function writeReport(args: ReportArgs): string {
  if (args.format === 'junit') {
    const merged = renderJUnitReport(args.root);
    if (!args.output) return merged.xml;
    writeFileAtomic(args.output, merged.xml);
    const { tests, failures, skipped } = merged.counts;
    return `Wrote ${args.output}: ${merged.suites} suite(s), ${tests} test(s), ${failures} failure(s), ${skipped} skipped.`;
  }
  const report = renderReport(args);
  if (args.output) appendFileSync(args.output, `${report}\n`);
  return report;
}
