export interface SaleLine {
  productId: number;
  quantity: number;
}

/** The product fields a quote needs, as catalogo-service returns them. */
export interface CatalogProduct {
  id: number;
  sku: string;
  name: string;
  price: number;
  stock: number;
}

export interface QuoteLine {
  productId: number;
  sku: string;
  name: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
  available: boolean;
}

export interface Quote {
  lines: QuoteLine[];
  subtotal: number;
  tax: number;
  total: number;
  taxRate: number;
  allAvailable: boolean;
}

const toCents = (amount: number) => Math.round(amount * 100);
const fromCents = (cents: number) => cents / 100;

/** One line per product, in first-seen order, quantities added up. */
export function mergeSaleLines(lines: SaleLine[]): SaleLine[] {
  const totals = new Map<number, number>();
  for (const line of lines) totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
  return [...totals].map(([productId, quantity]) => ({ productId, quantity }));
}

/** Prices a basket in integer cents (no floating-point drift), tax rounded once on the subtotal. Pure. */
export function buildQuote(lines: SaleLine[], products: Map<number, CatalogProduct>, taxRate: number): Quote {
  const quoteLines = mergeSaleLines(lines).map((line) => {
    const product = products.get(line.productId);
    if (!product) throw new Error(`product ${line.productId} missing from the price list`);
    return {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      unitPrice: product.price,
      quantity: line.quantity,
      lineTotal: fromCents(toCents(product.price) * line.quantity),
      available: product.stock >= line.quantity,
    };
  });
  const subtotalCents = quoteLines.reduce((sum, line) => sum + toCents(line.lineTotal), 0);
  const taxCents = Math.round(subtotalCents * taxRate);
  return {
    lines: quoteLines,
    subtotal: fromCents(subtotalCents),
    tax: fromCents(taxCents),
    total: fromCents(subtotalCents + taxCents),
    taxRate,
    allAvailable: quoteLines.every((line) => line.available),
  };
}
