import {
  idParamsSchema,
  INT32_MAX,
  paginationQueryProperties,
  singleLineText,
  type UpstreamClient,
} from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';

export interface CatalogRoutesOptions {
  catalogo: UpstreamClient;
}

const idParams = idParamsSchema;

// catalogo-service's filters, checked here too: nothing unchecked is forwarded upstream.
const productsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    category: { type: 'string', pattern: '^[a-z0-9-]{1,60}$' },
    categoryId: { type: 'integer', minimum: 1, maximum: INT32_MAX },
    q: singleLineText(100),
    minPrice: { type: 'number', minimum: 0, maximum: 1000000 },
    maxPrice: { type: 'number', minimum: 0, maximum: 1000000 },
    inStock: { type: 'boolean' },
    sort: { type: 'string', enum: ['id', 'name', 'price', '-price'] },
    limit: paginationQueryProperties.limit,
    offset: paginationQueryProperties.offset,
  },
} as const;

/** Catalogue browsing for the till: catalogo-service's answers (4xx included) are relayed as they are. */
export async function catalogRoutes(app: FastifyInstance, { catalogo }: CatalogRoutesOptions) {
  app.get('/api/catalog/categories', async (request, reply) => {
    const response = await catalogo.get('/api/categories', { requestId: request.id });
    return reply.code(response.status).send(response.body);
  });

  app.get<{ Querystring: Record<string, string> }>(
    '/api/catalog/products',
    { schema: { querystring: productsQuery } },
    async (request, reply) => {
      const response = await catalogo.get('/api/products', { query: request.query, requestId: request.id });
      return reply.code(response.status).send(response.body);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/catalog/products/:id',
    { schema: { params: idParams } },
    async (request, reply) => {
      const response = await catalogo.get(`/api/products/${request.params.id}`, { requestId: request.id });
      return reply.code(response.status).send(response.body);
    },
  );
}
