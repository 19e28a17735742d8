import { findMissing, findShortages, mergeLines } from './reservation';

describe('reservation rules', () => {
  it('merges repeated products and sorts by id', () => {
    expect(
      mergeLines([
        { productId: 7, quantity: 1 },
        { productId: 2, quantity: 3 },
        { productId: 7, quantity: 4 },
      ]),
    ).toEqual([
      { productId: 2, quantity: 3 },
      { productId: 7, quantity: 5 },
    ]);
  });

  const stock = new Map([
    [1, 10],
    [2, 0],
  ]);

  it.each([
    [[{ productId: 1, quantity: 10 }], []],
    [[{ productId: 1, quantity: 11 }], [{ productId: 1, requested: 11, available: 10 }]],
    [[{ productId: 2, quantity: 1 }], [{ productId: 2, requested: 1, available: 0 }]],
  ])('shortages of %j', (lines, expected) => {
    expect(findShortages(lines, stock)).toEqual(expected);
  });

  it('lists unknown products', () => {
    expect(
      findMissing(
        [
          { productId: 1, quantity: 1 },
          { productId: 99, quantity: 1 },
        ],
        stock,
      ),
    ).toEqual([99]);
  });
});
