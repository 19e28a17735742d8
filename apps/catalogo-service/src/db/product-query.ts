export interface ProductFilters {
  category?: string;
  categoryId?: number;
  q?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  sort: 'id' | 'name' | 'price' | '-price';
  limit: number;
  offset: number;
}

const ORDER_BY: Record<ProductFilters['sort'], string> = {
  id: 'p.id',
  name: 'p.name, p.id',
  price: 'p.price, p.id',
  '-price': 'p.price DESC, p.id',
};

/** Filters → a parameterised WHERE clause (values never enter the SQL text). Pure. */
export function buildProductWhere(filters: ProductFilters): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filters.category !== undefined) add((p) => `c.slug = ${p}`, filters.category);
  if (filters.categoryId !== undefined) add((p) => `p.category_id = ${p}`, filters.categoryId);
  if (filters.q !== undefined)
    add((p) => `(p.name ILIKE ${p} OR p.sku ILIKE ${p})`, `%${escapeLike(filters.q)}%`);
  if (filters.minPrice !== undefined) add((p) => `p.price >= ${p}`, filters.minPrice);
  if (filters.maxPrice !== undefined) add((p) => `p.price <= ${p}`, filters.maxPrice);
  if (filters.inStock === true) conditions.push('p.stock > 0');
  if (filters.inStock === false) conditions.push('p.stock = 0');
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

export function orderBy(sort: ProductFilters['sort']): string {
  return ORDER_BY[sort];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
