import { withTransaction } from '@ventas/service-kit';
import type { Pool } from 'pg';
import { reserveInTransaction, type ReservationOutcome } from '../db/products.repository';
import type { SaleCreatedEvent } from './sale-events';

/** A priced line, as bff-venta's quote computed it. */
export interface SaleLine {
  productId: number;
  sku: string;
  name: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
}

export interface NewSale {
  /** The client's Idempotency-Key (or one bff-venta made up when the client sent none). */
  idempotencyKey: string;
  /** SHA-256 of the client's request as bff-venta canonicalised it: the same key with another body is refused. */
  fingerprint: string;
  customerId: number | null;
  lines: SaleLine[];
  subtotal: number;
  tax: number;
  total: number;
}

export interface Sale {
  id: string;
  reservationId: string;
  customerId: number | null;
  lines: SaleLine[];
  subtotal: number;
  tax: number;
  total: number;
  createdAt: string;
  eventPublished: boolean;
}

export type SaleOutcome =
  | { kind: 'created'; sale: Sale; eventId: string }
  | { kind: 'existing'; sale: Sale }
  | { kind: 'key-reused'; saleId: string }
  | Extract<ReservationOutcome, { kind: 'missing' | 'short' | 'reference-conflict' }>;

// Namespace (first key) of the per-idempotency-key advisory locks.
const SALE_LOCK = 4_201_012;

interface SaleRow {
  id: string;
  fingerprint: string;
  reservation_id: string;
  customer_id: number | null;
  lines: SaleLine[];
  subtotal: string;
  tax: string;
  total: string;
  created_at: Date;
  event_published: boolean;
}

const SALE_COLUMNS = `s.id, s.fingerprint, s.reservation_id, s.customer_id, s.lines, s.subtotal, s.tax, s.total, s.created_at,
  NOT EXISTS (SELECT 1 FROM outbox_events e WHERE e.aggregate_id = s.id AND e.published_at IS NULL) AS event_published`;

function toSale(row: SaleRow): Sale {
  return {
    id: row.id,
    reservationId: row.reservation_id,
    customerId: row.customer_id,
    lines: row.lines,
    subtotal: Number(row.subtotal),
    tax: Number(row.tax),
    total: Number(row.total),
    createdAt: row.created_at.toISOString(),
    eventPublished: row.event_published,
  };
}

export function toSaleCreatedEvent(sale: Sale): SaleCreatedEvent {
  const { id, reservationId, customerId, lines, subtotal, tax, total, createdAt } = sale;
  return {
    type: 'sale.created',
    version: 1,
    saleId: id,
    reservationId,
    customerId,
    lines,
    subtotal,
    tax,
    total,
    createdAt,
  };
}

/**
 * Creates a sale once per idempotency key, in one transaction: the stock reservation (reference `sale:<key>`),
 * the sale row and its `sale.created` event in the outbox. Requests with one key queue on an advisory lock,
 * so of two concurrent requests one creates and the other finds the sale; a retry after a timeout finds it too.
 */
export function createSale(pool: Pool, input: NewSale): Promise<SaleOutcome> {
  return withTransaction<SaleOutcome>(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SALE_LOCK, input.idempotencyKey]);
    const existing = await client.query<SaleRow>(
      `SELECT ${SALE_COLUMNS} FROM sales s WHERE s.idempotency_key = $1`,
      [input.idempotencyKey],
    );
    if (existing.rows[0]) {
      return existing.rows[0].fingerprint === input.fingerprint
        ? { kind: 'existing', sale: toSale(existing.rows[0]) }
        : { kind: 'key-reused', saleId: existing.rows[0].id };
    }
    const reservation = await reserveInTransaction(
      client,
      input.lines.map(({ productId, quantity }) => ({ productId, quantity })),
      `sale:${input.idempotencyKey}`,
    );
    if (reservation.kind !== 'reserved') {
      // 'existing' cannot happen without the sale (both are written in this one transaction).
      if (reservation.kind === 'existing')
        throw new Error(`reservation sale:${input.idempotencyKey} has no sale`);
      return reservation;
    }
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO sales (idempotency_key, fingerprint, reservation_id, customer_id, lines, subtotal, tax, total)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        input.idempotencyKey,
        input.fingerprint,
        reservation.reservationId,
        input.customerId,
        JSON.stringify(input.lines),
        input.subtotal,
        input.tax,
        input.total,
      ],
    );
    const { rows } = await client.query<SaleRow>(
      `SELECT ${SALE_COLUMNS.replace('NOT EXISTS', 'false AND NOT EXISTS')} FROM sales s WHERE s.id = $1`,
      [inserted.rows[0].id],
    );
    const sale = toSale(rows[0]);
    const event = await client.query<{ id: string }>(
      `INSERT INTO outbox_events (aggregate_id, type, payload) VALUES ($1, 'sale.created', $2) RETURNING id`,
      [sale.id, JSON.stringify(toSaleCreatedEvent(sale))],
    );
    return { kind: 'created', sale, eventId: event.rows[0].id };
  });
}

export async function getSale(pool: Pool, id: string): Promise<Sale | undefined> {
  const { rows } = await pool.query<SaleRow>(`SELECT ${SALE_COLUMNS} FROM sales s WHERE s.id = $1`, [id]);
  return rows[0] && toSale(rows[0]);
}
