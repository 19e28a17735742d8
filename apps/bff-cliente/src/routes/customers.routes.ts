import {
  HttpError,
  idParamsSchema,
  INT32_MAX,
  singleLineText,
  type UpstreamClient,
  type UpstreamResponse,
} from '@ventas/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toProfile, type Customer } from '../domain/profile';

export interface CustomersRoutesOptions {
  cliente: UpstreamClient;
}

const idParams = idParamsSchema;

// cliente-service's own limits, checked here too: nothing unchecked is forwarded upstream.
const phone = { type: ['string', 'null'], pattern: '^\\+?[0-9 ()-]{6,20}$' } as const;
const city = { ...singleLineText(100), type: ['string', 'null'] } as const;
const signUpSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'firstName', 'lastName'],
  properties: {
    email: { type: 'string', format: 'email', maxLength: 254 },
    firstName: singleLineText(100),
    lastName: singleLineText(100),
    phone,
    city,
  },
} as const;

/** preHandler of the profile routes (after `authenticate`): a customer reads and changes only their own profile. */
async function ownProfileOnly(request: FastifyRequest<{ Params: { id: number } }>) {
  if (request.user.sub !== String(request.params.id)) {
    throw new HttpError(403, 'FORBIDDEN', 'A customer may only see and change their own profile');
  }
}

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
            q: singleLineText(100),
            city: singleLineText(100),
            limit: { type: 'integer', minimum: 1, maximum: 100 },
            offset: { type: 'integer', minimum: 0, maximum: INT32_MAX },
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
    { schema: { body: signUpSchema } },
    async (request, reply) => {
      const response = await cliente.post<Customer>('/api/customers', {
        body: request.body,
        requestId: request.id,
      });
      if (relayClientError(reply, response)) return reply;
      return reply.code(201).send(toProfile(response.body));
    },
  );

  // The profile routes need the customer's bearer token (README: "Token contract"): 401 without, 403 for another's.
  app.get<{ Params: { id: number } }>(
    '/api/profile/:id',
    { schema: { params: idParams }, onRequest: app.authenticate, preHandler: ownProfileOnly },
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
            firstName: singleLineText(100),
            lastName: singleLineText(100),
            phone,
            city,
          },
        },
      },
      onRequest: app.authenticate,
      preHandler: ownProfileOnly,
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
