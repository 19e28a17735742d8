import {
  badRequest,
  conflict,
  HttpError,
  idParamsSchema,
  INT32_MAX,
  multiLineText,
  notFound,
  pageSchema,
  paginationQueryProperties,
  singleLineText,
} from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import type { ProductFilters } from '../db/product-query';
import {
  createProduct,
  getProduct,
  listCategories,
  listProducts,
  reserveStock,
  type NewProduct,
} from '../db/products.repository';
import type { ReservationLine } from '../domain/reservation';
import { productSchema } from './schemas';

const PG_UNIQUE_VIOLATION = '23505';
const PG_FOREIGN_KEY_VIOLATION = '23503';
const MAX_PRICE = 1000000;

export async function productsRoutes(app: FastifyInstance) {
  app.get('/api/categories', async () => ({ items: await listCategories(app.db) }));

  app.get<{ Querystring: Partial<ProductFilters> }>(
    '/api/products',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            category: { type: 'string', pattern: '^[a-z0-9-]{1,60}$' },
            categoryId: { type: 'integer', minimum: 1, maximum: INT32_MAX },
            q: singleLineText(100),
            minPrice: { type: 'number', minimum: 0, maximum: MAX_PRICE },
            maxPrice: { type: 'number', minimum: 0, maximum: MAX_PRICE },
            inStock: { type: 'boolean' },
            sort: { type: 'string', enum: ['id', 'name', 'price', '-price'], default: 'id' },
            ...paginationQueryProperties,
          },
        },
        response: { 200: pageSchema(productSchema) },
      },
    },
    async (request) => {
      const filters = request.query as ProductFilters;
      const { items, total } = await listProducts(app.db, filters);
      return { items, total, limit: filters.limit, offset: filters.offset };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/products/:id',
    { schema: { params: idParamsSchema, response: { 200: productSchema } } },
    async (request) => {
      const product = await getProduct(app.db, request.params.id);
      if (!product) throw notFound(`Product ${request.params.id} does not exist`);
      return product;
    },
  );

  app.post<{ Body: NewProduct }>(
    '/api/products',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['sku', 'name', 'categoryId', 'price', 'stock'],
          properties: {
            sku: { type: 'string', pattern: '^[A-Z0-9][A-Z0-9-]{1,31}$' },
            name: singleLineText(200),
            description: multiLineText(2000),
            categoryId: { type: 'integer', minimum: 1, maximum: INT32_MAX },
            price: { type: 'number', minimum: 0, maximum: MAX_PRICE },
            stock: { type: 'integer', minimum: 0, maximum: 1000000 },
          },
        },
        response: { 201: productSchema },
      },
    },
    async (request, reply) => {
      try {
        const product = await createProduct(app.db, request.body);
        return reply.code(201).header('location', `/api/products/${product.id}`).send(product);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === PG_UNIQUE_VIOLATION)
          throw conflict(`A product with SKU ${request.body.sku} already exists`);
        if (code === PG_FOREIGN_KEY_VIOLATION) {
          throw badRequest('The request is not valid', [
            { field: 'body.categoryId', message: `category ${request.body.categoryId} does not exist` },
          ]);
        }
        throw err;
      }
    },
  );

  // All lines or none; idempotent by `reference` (a retry answers the first reservation).
  app.post<{ Body: { items: ReservationLine[]; reference?: string } }>(
    '/api/products/reservations',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['items'],
          properties: {
            reference: singleLineText(100),
            items: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['productId', 'quantity'],
                properties: {
                  productId: { type: 'integer', minimum: 1, maximum: INT32_MAX },
                  quantity: { type: 'integer', minimum: 1, maximum: 100000 },
                },
              },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const outcome = await reserveStock(app.db, request.body.items, request.body.reference);
      if (outcome.kind === 'missing') {
        throw new HttpError(
          404,
          'PRODUCT_NOT_FOUND',
          `Products ${outcome.productIds.join(', ')} do not exist`,
          {
            productIds: outcome.productIds,
          },
        );
      }
      if (outcome.kind === 'short') {
        throw new HttpError(409, 'INSUFFICIENT_STOCK', 'Not enough stock; nothing was reserved', {
          shortages: outcome.shortages,
        });
      }
      if (outcome.kind === 'reference-conflict') {
        throw new HttpError(
          409,
          'REFERENCE_CONFLICT',
          `Reference ${request.body.reference} was reserved with other items; nothing was reserved`,
          { reservationId: outcome.reservationId },
        );
      }
      // A repeated reference (a retry) answers the first reservation, 200 instead of 201: nothing moved again.
      return reply.code(outcome.kind === 'existing' ? 200 : 201).send({
        reservationId: outcome.reservationId,
        items: outcome.items,
        replayed: outcome.kind === 'existing',
      });
    },
  );
}
