import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The one JUnit reader of the specs: a real XML parser, as CI's reporters read the file. The document must be
 * well-formed; attributes are kept as strings (`tests: '2'`), text is kept as written (no trimming), character
 * references are decoded, and every testsuite, testcase and property is an array, so that counts are exact.
 */
export function parseJUnit(xml: string): JUnitDocument {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) throw new Error(`invalid XML: ${JSON.stringify(validation)}\n${xml}`);
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    trimValues: false,
    // Character references (&#10;) are XML; this parser decodes them only with htmlEntities.
    htmlEntities: true,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  }).parse(xml);
}

// Loosely typed on purpose: specs assert on the shape with toEqual/toMatchObject.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JUnitDocument = { testsuites: any } & Record<string, any>;
