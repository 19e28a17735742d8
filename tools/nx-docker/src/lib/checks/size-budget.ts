import { Check, error, ok } from './types';

export function toMb(bytes: number): number {
  return Math.round((bytes / 1_000_000) * 10) / 10;
}

/** The size budget (`maxSizeMb`, 500 by default): each image under it (decimal MB, as `docker images` prints them). */
export const checkSizeBudget: Check = (facts, expected) => {
  const sizeMb = toMb(facts.sizeBytes);
  if (facts.sizeBytes <= expected.maxSizeMb * 1_000_000) {
    return [ok('size', `size ${sizeMb} MB ≤ ${expected.maxSizeMb} MB`)];
  }
  return [
    error(
      'size',
      `The image is ${sizeMb} MB, over its budget of ${expected.maxSizeMb} MB.`,
      'Use a slim base image, a multi-stage build and a bundle instead of node_modules; or raise "maxSizeMb" if the growth is intended.',
    ),
  ];
};
