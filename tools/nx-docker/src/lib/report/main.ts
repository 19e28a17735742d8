/**
 * `nx run nx-docker:image-report [--format text|markdown|junit] [--output file]`: the checklist's image table,
 * from dist/images/*, or (junit) one JUnit document merging every project's smoke.junit.xml and
 * push.junit.xml. Run with `node -r @swc-node/register`.
 * Markdown is for CI summaries: `--output "$GITHUB_STEP_SUMMARY"` appends to it. JUnit goes to stdout, or with
 * `--output` into that file (replaced, never appended: two documents in one file are not XML), and stdout then
 * gets one line with the counts: through `nx run`, stdout also carries Nx's own lines, so CI should read the file.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { imageOutputDir } from '../image-manifest/image-manifest';
import { collectImageRecords, ImageRecord } from './collect';
import { formatErrors, formatMarkdown, formatText, toRows } from './format';
import { renderJUnit } from './junit';
import { JUnitSource, junitProperties, mergeJUnit, MergedJUnit } from './junit-merge';
import { smokeJUnitPath, smokeJUnitSuite } from './smoke-junit';

export interface ReportArgs {
  format: 'text' | 'markdown' | 'junit';
  root: string;
  output: string | null;
}

const USAGE = 'Usage: image-report [--format text|markdown|junit] [--output file] [--root dir]';

/** Accepts `--format markdown`, `--format=markdown` (how nx forwards it), `--markdown` and `--junit`. */
export function parseReportArgs(argv: string[], cwd: string): ReportArgs {
  const args: ReportArgs = { format: 'text', root: cwd, output: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--format') {
      const format = value();
      if (format !== 'text' && format !== 'markdown' && format !== 'md' && format !== 'junit') {
        throw new Error(`Unknown --format '${format}': use text, markdown or junit.`);
      }
      args.format = format === 'md' ? 'markdown' : format;
    } else if (flag === '--markdown') args.format = 'markdown';
    else if (flag === '--junit') args.format = 'junit';
    else if (flag === '--root') args.root = value();
    else if (flag === '--output') args.output = value();
    else throw new Error(`Unknown argument '${argv[i]}'. ${USAGE}`);
  }
  return args;
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

/** Replaces `path` atomically: a reader never sees half a document. */
function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

if (require.main === module) {
  try {
    const args = parseReportArgs(process.argv.slice(2), process.cwd());
    if (args.format === 'junit') {
      const merged = renderJUnitReport(args.root);
      if (args.output) {
        writeAtomic(args.output, merged.xml);
        const { tests, failures, skipped } = merged.counts;
        process.stdout.write(
          `Wrote ${args.output}: ${merged.suites} suite(s), ${tests} test(s), ${failures} failure(s), ${skipped} skipped.\n`,
        );
      } else process.stdout.write(merged.xml);
    } else {
      const report = renderReport(args);
      if (args.output) appendFileSync(args.output, `${report}\n`);
      process.stdout.write(`${report}\n`);
    }
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
