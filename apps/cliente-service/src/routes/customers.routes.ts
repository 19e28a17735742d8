import {
  conflict,
  idParamsSchema,
  notFound,
  pageSchema,
  paginationQueryProperties,
  singleLineText,
} from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import {
  createCustomer,
  getCustomer,
  listCustomers,
  normalizeEmail,
  updateCustomer,
  type CustomerFilters,
  type CustomerInput,
} from '../db/customers.repository';

const PG_UNIQUE_VIOLATION = '23505';

const customerSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    email: { type: 'string' },
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    phone: { type: ['string', 'null'] },
    city: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

// Every string bounded and free of control characters (PostgreSQL refuses NUL: that was a 500).
export const inputProperties = {
  email: { type: 'string', format: 'email', maxLength: 254 },
  firstName: singleLineText(100),
  lastName: singleLineText(100),
  phone: { type: ['string', 'null'], pattern: '^\\+?[0-9 ()-]{6,20}$' },
  city: { ...singleLineText(100), type: ['string', 'null'] },
} as const;

const idParams = idParamsSchema;

function mapDuplicate(err: unknown, email: string | undefined): never {
  if ((err as { code?: string }).code === PG_UNIQUE_VIOLATION && email !== undefined) {
    throw conflict(`A customer with email ${normalizeEmail(email)} already exists`);
  }
  throw err;
}

export async function customersRoutes(app: FastifyInstance) {
  app.get<{ Querystring: CustomerFilters }>(
    '/api/customers',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: singleLineText(100),
            city: singleLineText(100),
            ...paginationQueryProperties,
          },
        },
        response: { 200: pageSchema(customerSchema) },
      },
    },
    async (request) => {
      const { items, total } = await listCustomers(app.db, request.query);
      return { items, total, limit: request.query.limit, offset: request.query.offset };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/customers/:id',
    { schema: { params: idParams, response: { 200: customerSchema } } },
    async (request) => {
      const customer = await getCustomer(app.db, request.params.id);
      if (!customer) throw notFound(`Customer ${request.params.id} does not exist`);
      return customer;
    },
  );

  app.post<{ Body: CustomerInput }>(
    '/api/customers',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['email', 'firstName', 'lastName'],
          properties: inputProperties,
        },
        response: { 201: customerSchema },
      },
    },
    async (request, reply) => {
      const customer = await createCustomer(app.db, request.body).catch((err) =>
        mapDuplicate(err, request.body.email),
      );
      return reply.code(201).header('location', `/api/customers/${customer.id}`).send(customer);
    },
  );

  app.patch<{ Params: { id: number }; Body: Partial<CustomerInput> }>(
    '/api/customers/:id',
    {
      schema: {
        params: idParams,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: inputProperties },
        response: { 200: customerSchema },
      },
    },
    async (request) => {
      const customer = await updateCustomer(app.db, request.params.id, request.body).catch((err) =>
        mapDuplicate(err, request.body.email),
      );
      if (!customer) throw notFound(`Customer ${request.params.id} does not exist`);
      return customer;
    },
  );
}
