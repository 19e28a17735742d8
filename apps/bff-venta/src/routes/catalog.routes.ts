import type { UpstreamClient } from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';

export interface CatalogRoutesOptions {
  catalogo: UpstreamClient;
}

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
} as const;

/** Catalogue browsing for the till: catalogo-service's answers (4xx included) are relayed as they are. */
export async function catalogRoutes(app: FastifyInstance, { catalogo }: CatalogRoutesOptions) {
  app.get('/api/catalog/categories', async (request, reply) => {
    const response = await catalogo.get('/api/categories', { requestId: request.id });
    return reply.code(response.status).send(response.body);
  });

  app.get<{ Querystring: Record<string, string> }>('/api/catalog/products', async (request, reply) => {
    const response = await catalogo.get('/api/products', { query: request.query, requestId: request.id });
    return reply.code(response.status).send(response.body);
  });

  app.get<{ Params: { id: number } }>(
    '/api/catalog/products/:id',
    { schema: { params: idParams } },
    async (request, reply) => {
      const response = await catalogo.get(`/api/products/${request.params.id}`, { requestId: request.id });
      return reply.code(response.status).send(response.body);
    },
  );
}
