export interface ReservationLine {
  productId: number;
  quantity: number;
}

export interface Shortage {
  productId: number;
  requested: number;
  available: number;
}

/** One line per product (quantities of repeated products added up), sorted by id so locks are taken in order. */
export function mergeLines(lines: ReservationLine[]): ReservationLine[] {
  const totals = new Map<number, number>();
  for (const line of lines) {
    totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
  }
  return [...totals.entries()]
    .sort(([a], [b]) => a - b)
    .map(([productId, quantity]) => ({ productId, quantity }));
}

export function findMissing(lines: ReservationLine[], stock: Map<number, number>): number[] {
  return lines.filter((line) => !stock.has(line.productId)).map((line) => line.productId);
}

export function findShortages(lines: ReservationLine[], stock: Map<number, number>): Shortage[] {
  return lines
    .filter((line) => (stock.get(line.productId) ?? 0) < line.quantity)
    .map((line) => ({
      productId: line.productId,
      requested: line.quantity,
      available: stock.get(line.productId) ?? 0,
    }));
}
