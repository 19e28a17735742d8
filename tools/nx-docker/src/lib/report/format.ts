import type { ImageRecord } from './collect';

/** Pure: the image report's table (service, tags, size, architecture, healthy, tested, pushed digest), one row per image. */

export interface ReportRow {
  service: string;
  tags: string;
  size: string;
  architecture: string;
  healthy: string;
  tested: string;
  pushed: string;
}

export const COLUMNS: Array<[keyof ReportRow, string]> = [
  ['service', 'Service'],
  ['tags', 'Tags'],
  ['size', 'Size'],
  ['architecture', 'Architecture'],
  ['healthy', 'Healthy'],
  ['tested', 'Tested'],
  ['pushed', 'Pushed digest'],
];

export function toRows(records: ImageRecord[]): ReportRow[] {
  return records.map((record) => {
    const { image, smoke, push } = record;
    // A smoke.json or push.json about another image id is stale: it proves nothing about this one.
    const smokeCurrent = smoke !== null && image !== null && smoke.imageId === image.imageId;
    const pushCurrent = push !== null && (image === null || push.imageId === image.imageId);
    return {
      service: record.project,
      tags: image ? image.tags.map(tagOnly).join(', ') || '—' : 'unreadable image.json',
      size: image ? `${(image.sizeBytes / 1_000_000).toFixed(1)} MB` : '—',
      architecture: image?.platform || '—',
      healthy: !smokeCurrent
        ? '—'
        : smoke.healthy
          ? `yes (${((smoke.timings.timeToHealthyMs ?? 0) / 1000).toFixed(1)} s)`
          : 'no',
      tested: !smoke
        ? 'not tested'
        : !smokeCurrent
          ? 'stale (other image)'
          : `${smoke.passed ? 'passed' : `FAILED: ${smoke.failure?.check ?? '?'}`} ${formatDate(smoke.testedAt)}`,
      pushed: !push ? 'not pushed' : !pushCurrent ? 'stale (other image)' : shortDigest(push.digest),
    };
  });
}

function tagOnly(ref: string): string {
  const slash = ref.lastIndexOf('/');
  return ref.slice(slash + 1);
}

function shortDigest(digest: string): string {
  return digest.replace(/^(sha256:)([0-9a-f]{12})[0-9a-f]*$/, '$1$2');
}

function formatDate(iso: string): string {
  return iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z') : '';
}

export function formatText(rows: ReportRow[]): string {
  if (!rows.length) return NO_IMAGES;
  const table = [
    Object.fromEntries(COLUMNS.map(([key, title]) => [key, title])) as unknown as ReportRow,
    ...rows,
  ];
  const widths = COLUMNS.map(([key]) => Math.max(...table.map((row) => [...row[key]].length)));
  const line = (row: ReportRow) =>
    COLUMNS.map(([key], i) => row[key] + ' '.repeat(widths[i] - [...row[key]].length))
      .join('  ')
      .trimEnd();
  return [line(table[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatMarkdown(rows: ReportRow[]): string {
  if (!rows.length) return `_${NO_IMAGES}_`;
  const cell = (value: string) => value.replace(/\|/g, '\\|');
  return [
    `| ${COLUMNS.map(([, title]) => title).join(' | ')} |`,
    `|${COLUMNS.map(() => ' --- ').join('|')}|`,
    ...rows.map(
      (row) =>
        `| ${COLUMNS.map(([key]) => cell(key === 'pushed' || key === 'tags' ? code(row[key]) : row[key])).join(' | ')} |`,
    ),
  ].join('\n');
}

function code(value: string): string {
  return /^(not |stale|no digest|unreadable|—)/.test(value) ? value : `\`${value}\``;
}

export const NO_IMAGES = "No images in dist/images. Run 'nx run-many -t docker-build' first.";

/** Lines for files that exist but could not be read, printed under the table. */
export function formatErrors(records: ImageRecord[]): string {
  return records.flatMap((r) => r.errors.map((e) => `${r.project}: ${e}`)).join('\n');
}
