import { buildProductWhere, orderBy, type ProductFilters } from './product-query';

const base: ProductFilters = { sort: 'id', limit: 20, offset: 0 };

describe('buildProductWhere', () => {
  it.each<[Partial<ProductFilters>, string, unknown[]]>([
    [{}, '', []],
    [{ category: 'bebidas' }, 'WHERE c.slug = $1', ['bebidas']],
    [{ categoryId: 3, inStock: true }, 'WHERE p.category_id = $1 AND p.stock > 0', [3]],
    [{ q: '50%_off' }, 'WHERE (p.name ILIKE $1 OR p.sku ILIKE $1)', ['%50\\%\\_off%']],
    [
      { minPrice: 1, maxPrice: 2, inStock: false },
      'WHERE p.price >= $1 AND p.price <= $2 AND p.stock = 0',
      [1, 2],
    ],
  ])('%j', (filters, where, params) => {
    expect(buildProductWhere({ ...base, ...filters })).toEqual({ where, params });
  });

  it.each([
    ['id', 'p.id'],
    ['-price', 'p.price DESC, p.id'],
  ] as const)('orders by %s', (sort, sql) => {
    expect(orderBy(sort)).toBe(sql);
  });
});
