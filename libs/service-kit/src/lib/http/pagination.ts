import { INT32_MAX } from './input-schemas';

/**
 * The one paginated-list contract of our services: `?limit=&offset=` in, `{ items, total, limit, offset }` out.
 * JSON schemas for Fastify routes; a service spreads the query properties beside its own filters. Both are
 * bounded: `offset=1e309` is Infinity, which an unbounded `integer` lets through and PostgreSQL refuses.
 */
export const paginationQueryProperties = {
  limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  offset: { type: 'integer', minimum: 0, maximum: INT32_MAX, default: 0 },
} as const;

export function pageSchema(itemSchema: Record<string, unknown>) {
  return {
    type: 'object',
    properties: {
      items: { type: 'array', items: itemSchema },
      total: { type: 'integer' },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
    },
  } as const;
}
