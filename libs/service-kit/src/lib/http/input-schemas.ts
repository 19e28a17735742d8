/**
 * JSON-schema building blocks for what a client sends (params, query, body, headers). Every value that can reach
 * PostgreSQL or an upstream is bounded here: PostgreSQL refuses NUL in text (22021) and a number that overflowed
 * to Infinity (`1e309`) in an integer or a LIMIT (22P02), so both must be a 400 naming the field, never a 500.
 */

/** Largest PostgreSQL INTEGER (SERIAL ids, stock, quantities). */
export const INT32_MAX = 2147483647;

/** Text on one line: no C0 control characters (NUL included) and no DEL. */
export const SINGLE_LINE_PATTERN = '^[^\\u0000-\\u001f\\u007f]*$';

/** Free text: tabs and line breaks allowed, other control characters (NUL included) refused. */
export const MULTI_LINE_PATTERN = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$';

/** A bounded single-line string (names, search terms, cities). */
export function singleLineText(maxLength: number, minLength = 1) {
  return { type: 'string', minLength, maxLength, pattern: SINGLE_LINE_PATTERN } as const;
}

/** A bounded multi-line string (descriptions). */
export function multiLineText(maxLength: number, minLength = 0) {
  return { type: 'string', minLength, maxLength, pattern: MULTI_LINE_PATTERN } as const;
}

/** `/:id` of a SERIAL row. Fastify's maxParamLength (100) already bounds the raw text. */
export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: INT32_MAX } },
} as const;

/**
 * An `Idempotency-Key` header: printable ASCII, 8 to 128 characters (a UUID fits; so does a client's own scheme).
 * Header names are lower-cased by Node; other headers are allowed.
 */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7e]{8,128}$';
