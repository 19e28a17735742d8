import type { FieldError } from '../errors/http-error';

/**
 * Where validated input holds a number that is not finite, as field errors (`querystring.offset`).
 * Needed because Ajv 8 coerces the text `1e309` to Infinity *after* its type check and then skips
 * minimum/maximum for non-finite numbers, so `?offset=1e309` passes a bounded integer schema. Iterative: input
 * nested deeper than any schema allows was already refused, but a walk must not overflow the stack either way.
 */
export function nonFiniteFields(context: string, value: unknown): FieldError[] {
  const found: FieldError[] = [];
  const stack: Array<[string, unknown]> = [[context, value]];
  while (stack.length) {
    const [path, current] = stack.pop() as [string, unknown];
    if (typeof current === 'number' && !Number.isFinite(current)) {
      found.push({ field: path, message: 'must be a finite number' });
    } else if (current && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) stack.push([`${path}.${key}`, child]);
    }
  }
  return found.reverse();
}
