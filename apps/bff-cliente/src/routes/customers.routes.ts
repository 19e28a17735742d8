import type { UpstreamClient, UpstreamResponse } from '@ventas/service-kit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { toProfile, type Customer } from '../domain/profile';

export interface CustomersRoutesOptions {
  cliente: UpstreamClient;
}

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
} as const;

/**
 * cliente-service's 4xx answers (404, 409, 400 with field errors) already use our JSON error format: they are
 * relayed as they are. 5xx, timeouts and refused connections arrive here as 502/504 UpstreamErrors.
 */
function relayClientError(reply: FastifyReply, response: UpstreamResponse): boolean {
  if (response.status >= 400) {
    void reply.code(response.status).send(response.body);
    return true;
  }
  return false;
}

export async function customersRoutes(app: FastifyInstance, { cliente }: CustomersRoutesOptions) {
  app.get<{ Querystring: Record<string, string> }>(
    '/api/customers',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 100 },
            city: { type: 'string', minLength: 1, maxLength: 100 },
            limit: { type: 'integer', minimum: 1, maximum: 100 },
            offset: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
    async (request, reply) => {
      const response = await cliente.get('/api/customers', { query: request.query, requestId: request.id });
      if (!relayClientError(reply, response)) return response.body;
      return reply;
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/customers/:id',
    { schema: { params: idParams } },
    async (request, reply) => {
      const response = await cliente.get(`/api/customers/${request.params.id}`, { requestId: request.id });
      if (!relayClientError(reply, response)) return response.body;
      return reply;
    },
  );

  // Sign-up from the app: validated by cliente-service (400 with field errors, 409 on a taken email).
  app.post<{ Body: Record<string, unknown> }>(
    '/api/customers',
    { schema: { body: { type: 'object' } } },
    async (request, reply) => {
      const response = await cliente.post<Customer>('/api/customers', {
        body: request.body,
        requestId: request.id,
      });
      if (relayClientError(reply, response)) return reply;
      return reply.code(201).send(toProfile(response.body));
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/profile/:id',
    { schema: { params: idParams } },
    async (request, reply) => {
      const response = await cliente.get<Customer>(`/api/customers/${request.params.id}`, {
        requestId: request.id,
      });
      if (relayClientError(reply, response)) return reply;
      return toProfile(response.body);
    },
  );

  app.patch<{ Params: { id: number }; Body: Record<string, unknown> }>(
    '/api/profile/:id',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          // What a customer may change about themself; email changes go through support.
          properties: {
            firstName: { type: 'string' },
            lastName: { type: 'string' },
            phone: { type: ['string', 'null'] },
            city: { type: ['string', 'null'] },
          },
        },
      },
    },
    async (request, reply) => {
      const response = await cliente.patch<Customer>(`/api/customers/${request.params.id}`, {
        body: request.body,
        requestId: request.id,
      });
      if (relayClientError(reply, response)) return reply;
      return toProfile(response.body);
    },
  );
}
