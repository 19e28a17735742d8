/**
 * JUnit XML for CI (GitLab, Jenkins, GitHub test reporters), shared by the executors that write one
 * (`push.junit.xml`, and `smoke.junit.xml` later). Pure: suites and cases in, one XML document out; the caller
 * writes the file. The schema is the common subset those tools read: `testsuites` > `testsuite` > `testcase`,
 * with `failure` (message attribute and text body), `skipped`, `system-out`.
 */
export interface JUnitCase {
  name: string;
  /** Groups cases in reports; default: the suite's name. */
  classname?: string;
  timeSeconds?: number;
  /** A failed case: `message` is one line (the attribute), `details` the full text (the body). */
  failure?: { message: string; type?: string; details?: string };
  /** A case that did not run. Not a failure. */
  skipped?: { message: string };
  systemOut?: string;
}

export interface JUnitSuite {
  name: string;
  /** ISO 8601, as JUnit wants it: without a zone suffix it is taken as local time, so keep the `Z`. */
  timestamp?: string;
  timeSeconds?: number;
  properties?: Record<string, string>;
  cases: JUnitCase[];
}

export interface JUnitCounts {
  tests: number;
  failures: number;
  skipped: number;
}

export function countCases(cases: JUnitCase[]): JUnitCounts {
  return {
    tests: cases.length,
    failures: cases.filter((entry) => entry.failure).length,
    skipped: cases.filter((entry) => !entry.failure && entry.skipped).length,
  };
}

/** The whole document: `<testsuites>` with the totals, then each suite. */
export function renderJUnit(suites: JUnitSuite[], name = 'nx-docker'): string {
  const all = countCases(suites.flatMap((suite) => suite.cases));
  const time = suites.reduce((sum, suite) => sum + suiteTime(suite), 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attributes({ name, tests: all.tests, failures: all.failures, errors: 0, skipped: all.skipped, time: seconds(time) })}>`,
    ...suites.flatMap(renderSuite),
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

function renderSuite(suite: JUnitSuite): string[] {
  const counts = countCases(suite.cases);
  const head = `  <testsuite ${attributes({
    name: suite.name,
    tests: counts.tests,
    failures: counts.failures,
    errors: 0,
    skipped: counts.skipped,
    time: seconds(suiteTime(suite)),
    timestamp: suite.timestamp,
  })}>`;
  const properties = Object.entries(suite.properties ?? {});
  return [
    head,
    ...(properties.length > 0
      ? [
          '    <properties>',
          ...properties.map(([key, value]) => `      <property ${attributes({ name: key, value })}/>`),
          '    </properties>',
        ]
      : []),
    ...suite.cases.flatMap((entry) => renderCase(entry, suite.name)),
    '  </testsuite>',
  ];
}

function renderCase(entry: JUnitCase, suiteName: string): string[] {
  const open = `    <testcase ${attributes({
    name: entry.name,
    classname: entry.classname ?? suiteName,
    time: seconds(entry.timeSeconds ?? 0),
  })}`;
  const body: string[] = [];
  if (entry.failure) {
    body.push(
      `      <failure ${attributes({ message: entry.failure.message, type: entry.failure.type ?? 'failure' })}>${escapeText(entry.failure.details ?? entry.failure.message)}</failure>`,
    );
  } else if (entry.skipped) {
    body.push(`      <skipped ${attributes({ message: entry.skipped.message })}/>`);
  }
  if (entry.systemOut) body.push(`      <system-out>${escapeText(entry.systemOut)}</system-out>`);
  return body.length === 0 ? [`${open}/>`] : [`${open}>`, ...body, '    </testcase>'];
}

function suiteTime(suite: JUnitSuite): number {
  return suite.timeSeconds ?? suite.cases.reduce((sum, entry) => sum + (entry.timeSeconds ?? 0), 0);
}

function seconds(value: number): string {
  return Math.max(0, value).toFixed(3);
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}="${escapeAttribute(String(value))}"`)
    .join(' ');
}

/**
 * Characters XML 1.0 cannot hold at all, not even as a reference: C0 controls other than tab, LF and CR,
 * lone surrogates, U+FFFE and U+FFFF. Docker output carries ANSI colour codes (ESC), so they do occur.
 */
/* eslint-disable no-control-regex -- matching control characters is the point */
const INVALID_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ANSI_ESCAPE = /\u001B\[[0-9;?]*[A-Za-z]/g;
/* eslint-enable no-control-regex */

/** Text that XML can hold: ANSI colour codes removed, other forbidden characters replaced by U+FFFD. */
export function xmlSafe(text: string): string {
  return text.replace(ANSI_ESCAPE, '').replace(INVALID_XML, '\uFFFD');
}

/** Element text: `&`, `<`, `>` escaped (`>` for `]]>`). */
export function escapeText(text: string): string {
  return xmlSafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Attribute value in double quotes: also `"` and `'`, and tab, LF and CR as references, which a parser would
 * otherwise normalise to spaces (XML 1.0 §3.3.3).
 */
export function escapeAttribute(text: string): string {
  return escapeText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
