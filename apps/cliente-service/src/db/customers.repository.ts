import type { Pool } from 'pg';

export interface Customer {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  city: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerInput {
  email: string;
  firstName: string;
  lastName: string;
  phone?: string | null;
  city?: string | null;
}

export interface CustomerFilters {
  q?: string;
  city?: string;
  limit: number;
  offset: number;
}

interface CustomerRow {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  city: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS: Record<keyof CustomerInput, string> = {
  email: 'email',
  firstName: 'first_name',
  lastName: 'last_name',
  phone: 'phone',
  city: 'city',
};

function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    phone: row.phone,
    city: row.city,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Emails are stored lower-cased, so the UNIQUE constraint is case-insensitive. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function listCustomers(pool: Pool, filters: CustomerFilters) {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filters.q !== undefined) {
    params.push(`%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    conditions.push(
      `(first_name ILIKE $${params.length} OR last_name ILIKE $${params.length} OR email ILIKE $${params.length})`,
    );
  }
  if (filters.city !== undefined) {
    params.push(filters.city);
    conditions.push(`lower(city) = lower($${params.length})`);
  }
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const [page, count] = await Promise.all([
    pool.query<CustomerRow>(
      `SELECT * FROM customers ${where} ORDER BY id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filters.limit, filters.offset],
    ),
    pool.query<{ total: number }>(`SELECT count(*)::int AS total FROM customers ${where}`, params),
  ]);
  return { items: page.rows.map(toCustomer), total: count.rows[0].total };
}

export async function getCustomer(pool: Pool, id: number): Promise<Customer | undefined> {
  const { rows } = await pool.query<CustomerRow>('SELECT * FROM customers WHERE id = $1', [id]);
  return rows[0] && toCustomer(rows[0]);
}

/** Throws pg's 23505 on a duplicate email; the route maps it to 409. */
export async function createCustomer(pool: Pool, input: CustomerInput): Promise<Customer> {
  const { rows } = await pool.query<CustomerRow>(
    `INSERT INTO customers (email, first_name, last_name, phone, city) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [normalizeEmail(input.email), input.firstName, input.lastName, input.phone ?? null, input.city ?? null],
  );
  return toCustomer(rows[0]);
}

/** Updates only the fields given; undefined when the customer does not exist. */
export async function updateCustomer(
  pool: Pool,
  id: number,
  changes: Partial<CustomerInput>,
): Promise<Customer | undefined> {
  const fields = (Object.keys(COLUMNS) as Array<keyof CustomerInput>).filter(
    (key) => changes[key] !== undefined,
  );
  const values = fields.map((key) =>
    key === 'email' ? normalizeEmail(changes.email as string) : changes[key],
  );
  const sets = fields.map((key, i) => `${COLUMNS[key]} = $${i + 2}`);
  const { rows } = await pool.query<CustomerRow>(
    `UPDATE customers SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`,
    [id, ...values],
  );
  return rows[0] && toCustomer(rows[0]);
}
