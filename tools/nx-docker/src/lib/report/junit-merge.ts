import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeAttribute, JUnitCounts, renderJUnit } from './junit';

/**
 * One JUnit document out of many (every project's smoke.junit.xml and push.junit.xml), for CI test reporters
 * that take one file. Pure. Each `<testsuite>` is copied as written, byte for byte; the new `<testsuites>`
 * carries the sums. A file that is not well-formed XML becomes a failed case naming it, so the merged
 * document is always valid and nothing is lost silently.
 */

export interface JUnitSource {
  /** Where the document came from, e.g. `dist/images/orders/smoke.junit.xml`. */
  source: string;
  xml: string;
}

export interface MergedJUnit {
  xml: string;
  suites: number;
  counts: JUnitCounts & { errors: number };
}

const SUITE = /<testsuite\b(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(?:\/>|>[\s\S]*?<\/testsuite>)/g;

export function mergeJUnit(sources: JUnitSource[], name = 'nx-docker'): MergedJUnit {
  const blocks: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const { source, xml } of sources) {
    const document = readable(source, xml);
    for (const suite of suitesOf(document)) {
      totals.tests += number(suite['tests']);
      totals.failures += number(suite['failures']);
      totals.errors += number(suite['errors']);
      totals.skipped += number(suite['skipped']);
      totals.time += number(suite['time']);
    }
    blocks.push(...(document.match(SUITE) ?? []).map((block) => `  ${block}`));
  }
  const head = Object.entries({ name, ...totals, time: totals.time.toFixed(3) })
    .map(([key, value]) => `${key}="${escapeAttribute(String(value))}"`)
    .join(' ');
  return {
    xml: [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites ${head}>`,
      ...blocks,
      '</testsuites>',
      '',
    ].join('\n'),
    suites: blocks.length,
    counts: {
      tests: totals.tests,
      failures: totals.failures,
      errors: totals.errors,
      skipped: totals.skipped,
    },
  };
}

/** The properties of a document's first suite (e.g. smoke.junit.xml's imageId); {} when it has none. */
export function junitProperties(xml: string): Record<string, string> {
  if (XMLValidator.validate(xml) !== true) return {};
  const [suite] = suitesOf(xml);
  const properties = (suite?.['properties'] as { property?: unknown } | undefined)?.property;
  const list = Array.isArray(properties) ? properties : properties ? [properties] : [];
  return Object.fromEntries(
    list
      .filter((p): p is { name: string; value: string } => typeof p?.name === 'string')
      .map((p) => [p.name, String(p.value ?? '')]),
  );
}

/** The document itself, or one whose failed case says why it could not be read. */
function readable(source: string, xml: string): string {
  const validation = XMLValidator.validate(xml);
  const problem =
    validation !== true
      ? `${validation.err.msg} (line ${validation.err.line})`
      : suitesOf(xml).length === 0
        ? 'it holds no <testsuite>'
        : null;
  if (problem === null) return xml;
  return renderJUnit([
    {
      name: `unreadable ${source}`,
      cases: [
        {
          name: source,
          failure: {
            message: `${source} is not a JUnit report: ${problem}.`,
            type: 'report',
            details: `${source} is not a JUnit report: ${problem}.\nHint: run the target that writes it again.`,
          },
        },
      ],
    },
  ]);
}

/** The `<testsuite>` elements (attributes and children) under `<testsuites>`, or a lone root `<testsuite>`. */
function suitesOf(xml: string): Array<Record<string, unknown>> {
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    htmlEntities: true,
    isArray: (tag) => tag === 'testsuite' || tag === 'property',
  }).parse(xml) as Record<string, unknown>;
  const root = (parsed['testsuites'] ?? parsed) as Record<string, unknown>;
  const suites = root['testsuite'];
  return Array.isArray(suites) ? (suites as Array<Record<string, unknown>>) : [];
}

function number(value: unknown): number {
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : 0;
}
