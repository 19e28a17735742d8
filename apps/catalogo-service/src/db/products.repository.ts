import { withTransaction } from '@ventas/service-kit';
import type { Pool, PoolClient } from 'pg';
import {
  findMissing,
  findShortages,
  mergeLines,
  type ReservationLine,
  type Shortage,
} from '../domain/reservation';
import { buildProductWhere, orderBy, type ProductFilters } from './product-query';

export interface Category {
  id: number;
  slug: string;
  name: string;
  productCount: number;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  description: string;
  price: number;
  stock: number;
  category: { id: number; slug: string; name: string };
  createdAt: string;
  updatedAt: string;
}

export interface NewProduct {
  sku: string;
  name: string;
  description?: string;
  categoryId: number;
  price: number;
  stock: number;
}

export type ReservedLine = ReservationLine & { remainingStock: number };

export type ReservationOutcome =
  | { kind: 'reserved'; reservationId: string; items: ReservedLine[] }
  /** The reference was reserved before with the same lines: nothing moved again. */
  | { kind: 'existing'; reservationId: string; items: ReservedLine[] }
  /** The reference was reserved before with other lines. */
  | { kind: 'reference-conflict'; reservationId: string }
  | { kind: 'missing'; productIds: number[] }
  | { kind: 'short'; shortages: Shortage[] };

// Namespace (first key) of the per-reference advisory locks; the second key is hashtext(reference).
const RESERVATION_LOCK = 4_201_011;

const PRODUCT_COLUMNS = `
  p.id, p.sku, p.name, p.description, p.price, p.stock, p.created_at, p.updated_at,
  c.id AS category_id, c.slug AS category_slug, c.name AS category_name`;

interface ProductRow {
  id: number;
  sku: string;
  name: string;
  description: string;
  price: string;
  stock: number;
  created_at: Date;
  updated_at: Date;
  category_id: number;
  category_slug: string;
  category_name: string;
}

function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    // NUMERIC arrives as a string; prices have 2 decimals, well inside a double's exact range.
    price: Number(row.price),
    stock: row.stock,
    category: { id: row.category_id, slug: row.category_slug, name: row.category_name },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function listCategories(pool: Pool): Promise<Category[]> {
  const { rows } = await pool.query(
    `SELECT c.id, c.slug, c.name, count(p.id)::int AS product_count
     FROM categories c LEFT JOIN products p ON p.category_id = c.id
     GROUP BY c.id ORDER BY c.name`,
  );
  return rows.map((row) => ({ id: row.id, slug: row.slug, name: row.name, productCount: row.product_count }));
}

export async function listProducts(
  pool: Pool,
  filters: ProductFilters,
): Promise<{ items: Product[]; total: number }> {
  const { where, params } = buildProductWhere(filters);
  const from = 'FROM products p JOIN categories c ON c.id = p.category_id';
  const [page, count] = await Promise.all([
    pool.query<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} ${from} ${where} ORDER BY ${orderBy(filters.sort)}
       LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filters.limit, filters.offset],
    ),
    pool.query<{ total: number }>(`SELECT count(*)::int AS total ${from} ${where}`, params),
  ]);
  return { items: page.rows.map(toProduct), total: count.rows[0].total };
}

export async function getProduct(pool: Pool, id: number): Promise<Product | undefined> {
  const { rows } = await pool.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = $1`,
    [id],
  );
  return rows[0] && toProduct(rows[0]);
}

/** Throws pg errors as they are: 23505 (duplicate SKU) and 23503 (unknown category) are mapped by the route. */
export async function createProduct(pool: Pool, input: NewProduct): Promise<Product> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO products (sku, name, description, category_id, price, stock)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [input.sku, input.name, input.description ?? '', input.categoryId, input.price, input.stock],
  );
  return (await getProduct(pool, rows[0].id)) as Product;
}

/**
 * Reserves every line or none, in one transaction. The product rows are locked (FOR UPDATE, in id order so two
 * reservations cannot deadlock) before stock is checked and decremented, so concurrent reservations queue
 * on the rows and can never oversell; the CHECK (stock >= 0) constraint is the last line of defence.
 * A `reference` makes it idempotent: the same reference again returns the first reservation (nothing moves),
 * with other lines it is a conflict. Requests with one reference queue on an advisory lock; the UNIQUE index on
 * stock_reservations.reference is the last line of defence.
 */
export function reserveStock(
  pool: Pool,
  lines: ReservationLine[],
  reference?: string,
): Promise<ReservationOutcome> {
  return withTransaction(pool, (client) => reserveInTransaction(client, lines, reference));
}

export async function reserveInTransaction(
  client: PoolClient,
  lines: ReservationLine[],
  reference?: string,
): Promise<ReservationOutcome> {
  const merged = mergeLines(lines);
  const ids = merged.map((line) => line.productId);
  if (reference !== undefined) {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [RESERVATION_LOCK, reference]);
    const existing = await client.query<{ id: string; items: ReservationLine[] }>(
      'SELECT id, items FROM stock_reservations WHERE reference = $1',
      [reference],
    );
    if (existing.rows[0]) {
      const { id, items } = existing.rows[0];
      if (JSON.stringify(mergeLines(items)) !== JSON.stringify(merged)) {
        return { kind: 'reference-conflict', reservationId: id };
      }
      const { rows } = await client.query<{ id: number; stock: number }>(
        'SELECT id, stock FROM products WHERE id = ANY($1::int[])',
        [ids],
      );
      const stock = new Map(rows.map((row) => [row.id, row.stock]));
      return {
        kind: 'existing',
        reservationId: id,
        items: merged.map((line) => ({ ...line, remainingStock: stock.get(line.productId) ?? 0 })),
      };
    }
  }
  const { rows } = await client.query<{ id: number; stock: number }>(
    'SELECT id, stock FROM products WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE',
    [ids],
  );
  const stock = new Map(rows.map((row) => [row.id, row.stock]));
  const missing = findMissing(merged, stock);
  const shortages = findShortages(merged, stock);
  // Nothing written yet: ending the transaction here only releases the row locks.
  if (missing.length || shortages.length) {
    return missing.length ? { kind: 'missing', productIds: missing } : { kind: 'short', shortages };
  }
  const updated = await client.query<{ id: number; stock: number }>(
    `UPDATE products p SET stock = p.stock - l.quantity, updated_at = now()
     FROM unnest($1::int[], $2::int[]) AS l (id, quantity)
     WHERE p.id = l.id RETURNING p.id, p.stock`,
    [ids, merged.map((line) => line.quantity)],
  );
  const reservation = await client.query<{ id: string }>(
    'INSERT INTO stock_reservations (reference, items) VALUES ($1, $2) RETURNING id',
    [reference ?? null, JSON.stringify(merged)],
  );
  const remaining = new Map(updated.rows.map((row) => [row.id, row.stock]));
  return {
    kind: 'reserved',
    reservationId: reservation.rows[0].id,
    items: merged.map((line) => ({ ...line, remainingStock: remaining.get(line.productId) as number })),
  };
}
