/**
 * `nx run nx-docker:image-report [--format markdown] [--output file]`: the checklist's image table, from
 * dist/images/*. Run with `node -r @swc-node/register`. Markdown is for CI summaries
 * (`--output "$GITHUB_STEP_SUMMARY"` appends to it).
 */
import { appendFileSync } from 'node:fs';
import { collectImageRecords } from './collect';
import { formatErrors, formatMarkdown, formatText, toRows } from './format';

export interface ReportArgs {
  format: 'text' | 'markdown';
  root: string;
  output: string | null;
}

/** Accepts `--format markdown`, `--format=markdown` (how nx forwards it) and `--markdown`. */
export function parseReportArgs(argv: string[], cwd: string): ReportArgs {
  const args: ReportArgs = { format: 'text', root: cwd, output: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--format') {
      const format = value();
      if (format !== 'text' && format !== 'markdown' && format !== 'md') {
        throw new Error(`Unknown --format '${format}': use text or markdown.`);
      }
      args.format = format === 'text' ? 'text' : 'markdown';
    } else if (flag === '--markdown') args.format = 'markdown';
    else if (flag === '--root') args.root = value();
    else if (flag === '--output') args.output = value();
    else
      throw new Error(
        `Unknown argument '${argv[i]}'. Usage: image-report [--format text|markdown] [--output file] [--root dir]`,
      );
  }
  return args;
}

export function renderReport(args: ReportArgs): string {
  const records = collectImageRecords(args.root);
  const rows = toRows(records);
  const table = args.format === 'markdown' ? formatMarkdown(rows) : formatText(rows);
  const errors = formatErrors(records);
  return errors ? `${table}\n\n${errors}` : table;
}

if (require.main === module) {
  try {
    const args = parseReportArgs(process.argv.slice(2), process.cwd());
    const report = renderReport(args);
    if (args.output) appendFileSync(args.output, `${report}\n`);
    process.stdout.write(`${report}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
