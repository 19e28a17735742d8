import { buildQuote, mergeSaleLines, type CatalogProduct } from './quote';

const products = new Map<number, CatalogProduct>([
  [1, { id: 1, sku: 'A', name: 'Agua', price: 0.1, stock: 10 }],
  [2, { id: 2, sku: 'B', name: 'Pan', price: 0.2, stock: 1 }],
]);

describe('buildQuote', () => {
  it('prices in cents: 3 × 0.10 + 0.20 is exactly 0.50', () => {
    const quote = buildQuote(
      [
        { productId: 1, quantity: 2 },
        { productId: 2, quantity: 1 },
        { productId: 1, quantity: 1 },
      ],
      products,
      0.19,
    );
    expect(quote).toEqual({
      lines: [
        {
          productId: 1,
          sku: 'A',
          name: 'Agua',
          unitPrice: 0.1,
          quantity: 3,
          lineTotal: 0.3,
          available: true,
        },
        { productId: 2, sku: 'B', name: 'Pan', unitPrice: 0.2, quantity: 1, lineTotal: 0.2, available: true },
      ],
      subtotal: 0.5,
      tax: 0.1,
      total: 0.6,
      taxRate: 0.19,
      allAvailable: true,
    });
  });

  it.each([
    [1, true],
    [2, false],
  ])('%i of a product with stock 1: available %s', (quantity, available) => {
    const quote = buildQuote([{ productId: 2, quantity }], products, 0);
    expect([quote.lines[0].available, quote.allAvailable]).toEqual([available, available]);
  });

  it('refuses a line whose product was not fetched', () => {
    expect(() => buildQuote([{ productId: 3, quantity: 1 }], products, 0)).toThrow('product 3 missing');
  });

  it('merges lines keeping first-seen order', () => {
    expect(
      mergeSaleLines([
        { productId: 5, quantity: 1 },
        { productId: 2, quantity: 1 },
        { productId: 5, quantity: 2 },
      ]),
    ).toEqual([
      { productId: 5, quantity: 3 },
      { productId: 2, quantity: 1 },
    ]);
  });
});
