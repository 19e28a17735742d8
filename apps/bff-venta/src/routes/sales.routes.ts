import { HttpError, type UpstreamClient } from '@ventas/service-kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildQuote, mergeSaleLines, type CatalogProduct, type SaleLine } from '../domain/quote';
import type { SaleCreatedEvent, SaleEventPublisher } from '../domain/sale-events';

export interface SalesRoutesOptions {
  catalogo: UpstreamClient;
  publisher: SaleEventPublisher;
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
      productId: { type: 'integer', minimum: 1, maximum: 2147483647 },
      quantity: { type: 'integer', minimum: 1, maximum: 100000 },
    },
  },
} as const;

export async function salesRoutes(
  app: FastifyInstance,
  { catalogo, publisher, taxRate }: SalesRoutesOptions,
) {
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
   * A sale reserves stock for every line or none (one call to catalogo-service's reservation endpoint, which
   * is all-or-none), then publishes a sale-created event. The reservation is never retried (not idempotent).
   */
  app.post<{ Body: { items: SaleLine[]; customerId?: number } }>(
    '/api/sales',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['items'],
          properties: { customerId: { type: 'integer', minimum: 1 }, items: linesSchema },
        },
      },
    },
    async (request, reply) => {
      const quote = buildQuote(request.body.items, await priceList(request.body.items, request), taxRate);
      const saleId = randomUUID();
      const reservation = await catalogo.post<{ reservationId: string; error?: unknown }>(
        '/api/products/reservations',
        {
          body: {
            reference: `sale:${saleId}`,
            items: quote.lines.map(({ productId, quantity }) => ({ productId, quantity })),
          },
          requestId: request.id,
        },
      );
      if (reservation.status === 409 || reservation.status === 404 || reservation.status === 400) {
        // INSUFFICIENT_STOCK with the shortages, or PRODUCT_NOT_FOUND: nothing was reserved.
        return reply.code(reservation.status).send(reservation.body);
      }
      if (reservation.status !== 201) {
        throw new HttpError(
          502,
          'UPSTREAM_ERROR',
          `catalogo-service answered ${reservation.status} to the reservation`,
        );
      }
      const event: SaleCreatedEvent = {
        type: 'sale.created',
        version: 1,
        saleId,
        reservationId: reservation.body.reservationId,
        customerId: request.body.customerId ?? null,
        lines: quote.lines,
        subtotal: quote.subtotal,
        tax: quote.tax,
        total: quote.total,
        createdAt: new Date().toISOString(),
      };
      let published = true;
      try {
        await publisher.publish(event);
      } catch (err) {
        // The stock is reserved and the sale stands; the missing event is logged for replay.
        published = false;
        request.log.error({ err, event }, 'sale created but its event could not be published');
      }
      return reply.code(201).send({
        id: saleId,
        reservationId: event.reservationId,
        customerId: event.customerId,
        lines: event.lines,
        subtotal: event.subtotal,
        tax: event.tax,
        total: event.total,
        createdAt: event.createdAt,
        event: { published, via: publisher.via },
      });
    },
  );
}
