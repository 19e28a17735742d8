import { parseJUnit } from '../../../test/support/junit';
import { countCases, escapeAttribute, escapeText, renderJUnit, xmlSafe } from './junit';

const parse = parseJUnit;

const NASTY = `a < b && c > d "quoted" 'single' ]]> \u001b[31mred\u001b[0m\ttab\nsecond line\u0000nul`;

describe('renderJUnit', () => {
  const xml = renderJUnit(
    [
      {
        name: 'ecr-push orders',
        timestamp: '2026-01-01T00:00:00.000Z',
        properties: { repositoryUri: '127.0.0.1:55000/orders' },
        cases: [
          {
            name: 'orders:1.0.0',
            timeSeconds: 1.5,
            systemOut: 'pushed 127.0.0.1:55000/orders:1.0.0@sha256:d',
          },
          { name: 'orders:latest', systemOut: 'skipped: already holds this image' },
          {
            name: 'orders:<sha>',
            failure: { message: NASTY, type: 'push', details: `${NASTY}\nHint: run again` },
          },
          { name: 'orders:later', skipped: { message: 'not run' } },
        ],
      },
      { name: 'second', cases: [{ name: 'x', failure: { message: 'boom' } }] },
    ],
    'ecr-push',
  );
  const doc = parse(xml);

  it('is valid XML with the totals on <testsuites> and each <testsuite>', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(doc.testsuites).toEqual(
      expect.objectContaining({ name: 'ecr-push', tests: '5', failures: '2', errors: '0', skipped: '1' }),
    );
    const [first, second] = doc.testsuites.testsuite;
    expect(first).toEqual(
      expect.objectContaining({
        name: 'ecr-push orders',
        tests: '4',
        failures: '1',
        skipped: '1',
        time: '1.500',
        timestamp: '2026-01-01T00:00:00.000Z',
      }),
    );
    expect(first.properties.property).toEqual([{ name: 'repositoryUri', value: '127.0.0.1:55000/orders' }]);
    expect(second).toEqual(expect.objectContaining({ tests: '1', failures: '1' }));
  });

  it('keeps every message intact through a real parser: escaped, newlines kept, forbidden characters gone', () => {
    const failing = doc.testsuites.testsuite[0].testcase[2];
    expect(failing.name).toBe('orders:<sha>');
    expect(failing.classname).toBe('ecr-push orders');
    const expected = NASTY.replace('\u001b[31m', '').replace('\u001b[0m', '').replace('\u0000', '\uFFFD');
    // The attribute keeps its tab and newline (as references), which a parser would otherwise turn into spaces.
    expect(failing.failure.message).toBe(expected);
    expect(failing.failure.type).toBe('push');
    expect(failing.failure['#text']).toBe(`${expected}\nHint: run again`);
    expect(doc.testsuites.testsuite[0].testcase[0]['system-out']).toBe(
      'pushed 127.0.0.1:55000/orders:1.0.0@sha256:d',
    );
  });

  it('an empty suite list is still a valid document', () => {
    expect(parse(renderJUnit([])).testsuites).toEqual(expect.objectContaining({ tests: '0', failures: '0' }));
  });
});

describe('escaping', () => {
  it.each([
    ['&<>', '&amp;&lt;&gt;', '&amp;&lt;&gt;'],
    [`"'`, `"'`, '&quot;&apos;'],
    ['a\tb\nc\rd', 'a\tb\nc\rd', 'a&#9;b&#10;c&#13;d'],
    [']]>', ']]&gt;', ']]&gt;'],
  ])('%j → text %j, attribute %j', (input, text, attribute) => {
    expect(escapeText(input)).toBe(text);
    expect(escapeAttribute(input)).toBe(attribute);
  });

  it('xmlSafe drops ANSI colours and replaces what XML 1.0 cannot hold, keeping valid pairs', () => {
    expect(xmlSafe('\u001b[1;32mok\u001b[0m \u0007 \uD83D\uDE00 \uD800')).toBe(
      'ok \uFFFD \uD83D\uDE00 \uFFFD',
    );
  });

  it('countCases: a failed case that is also marked skipped counts as failed', () => {
    expect(
      countCases([
        { name: 'a' },
        { name: 'b', failure: { message: 'x' }, skipped: { message: 'y' } },
        { name: 'c', skipped: { message: 'z' } },
      ]),
    ).toEqual({ tests: 3, failures: 1, skipped: 1 });
  });
});
