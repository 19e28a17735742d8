import { HttpError, IDEMPOTENCY_KEY_PATTERN, INT32_MAX, type UpstreamClient } from '@ventas/service-kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { buildQuote, mergeSaleLines, type CatalogProduct, type SaleLine } from '../domain/quote';

export interface SalesRoutesOptions {
  catalogo: UpstreamClient;
  taxRate: number;
}

const linesSchema = {
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
} as const;

interface SaleBody {
  items: SaleLine[];
  customerId?: number;
}

/**
 * What makes two requests "the same sale" for one Idempotency-Key: the customer and the merged basket, in product
 * order (so `[{1,x2}]` and `[{1,x1},{1,x1}]` are one request). Prices are not in it: a retry after a price change
 * is still the same sale, and answers the sale as it was made. Pure.
 */
export function saleFingerprint(body: SaleBody): string {
  const lines = mergeSaleLines(body.items).sort((a, b) => a.productId - b.productId);
  return createHash('sha256')
    .update(JSON.stringify({ customerId: body.customerId ?? null, lines }))
    .digest('hex');
}

export async function salesRoutes(app: FastifyInstance, { catalogo, taxRate }: SalesRoutesOptions) {
  /** Current prices and stock of every product in the basket; 404 naming those that do not exist. */
  async function priceList(lines: SaleLine[], request: FastifyRequest): Promise<Map<number, CatalogProduct>> {
    const ids = mergeSaleLines(lines).map((line) => line.productId);
    const responses = await Promise.all(
      ids.map((id) => catalogo.get<CatalogProduct>(`/api/products/${id}`, { requestId: request.id })),
    );
    const missing = ids.filter((_, i) => responses[i].status === 404);
    if (missing.length) {
      throw new HttpError(404, 'PRODUCT_NOT_FOUND', `Products ${missing.join(', ')} do not exist`, {
        productIds: missing,
      });
    }
    const unexpected = responses.find((response) => response.status !== 200);
    if (unexpected) {
      throw new HttpError(
        502,
        'UPSTREAM_ERROR',
        `catalogo-service answered ${unexpected.status} to a product lookup`,
      );
    }
    return new Map(responses.map((response) => [response.body.id, response.body]));
  }

  app.post<{ Body: { items: SaleLine[] } }>(
    '/api/quotes',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['items'],
          properties: { items: linesSchema },
        },
      },
    },
    async (request) => buildQuote(request.body.items, await priceList(request.body.items, request), taxRate),
  );

  /**
   * A sale (README: "Idempotent sales"): priced here, then stored by catalogo-service in one transaction with its
   * stock reservation and its event (outbox). The Idempotency-Key makes the whole call idempotent, so the call to
   * catalogo is retried when it times out: a retry finds the sale the first attempt committed.
   */
  app.post<{ Body: SaleBody; Headers: { 'idempotency-key'?: string } }>(
    '/api/sales',
    {
      schema: {
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['items'],
          properties: { customerId: { type: 'integer', minimum: 1, maximum: INT32_MAX }, items: linesSchema },
        },
      },
    },
    async (request, reply) => {
      const clientKey = request.headers['idempotency-key'];
      // Without a key the client cannot retry safely, but our own retry to catalogo still can.
      const idempotencyKey = clientKey ?? `bff-venta:${randomUUID()}`;
      const quote = buildQuote(request.body.items, await priceList(request.body.items, request), taxRate);
      const sale = await catalogo.post<Record<string, unknown>>('/api/sales', {
        body: {
          idempotencyKey,
          fingerprint: saleFingerprint(request.body),
          customerId: request.body.customerId ?? null,
          lines: quote.lines.map(({ productId, sku, name, unitPrice, quantity, lineTotal }) => ({
            productId,
            sku,
            name,
            unitPrice,
            quantity,
            lineTotal,
          })),
          subtotal: quote.subtotal,
          tax: quote.tax,
          total: quote.total,
        },
        requestId: request.id,
        retrySafe: true,
      });
      if (sale.status === 409 || sale.status === 404) {
        // INSUFFICIENT_STOCK with the shortages, IDEMPOTENCY_KEY_REUSED, or PRODUCT_NOT_FOUND: nothing reserved.
        return reply.code(sale.status).send(sale.body);
      }
      if (sale.status !== 201 && sale.status !== 200) {
        throw new HttpError(502, 'UPSTREAM_ERROR', `catalogo-service answered ${sale.status} to the sale`);
      }
      // A replay answers what the first request answered (201), and says it is one.
      if (sale.status === 200 && clientKey) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).header('location', `/api/sales/${sale.body['id']}`).send(sale.body);
    },
  );
}
