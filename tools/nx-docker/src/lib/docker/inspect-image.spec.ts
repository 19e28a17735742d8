import { sumLayerSizes } from './inspect-image';

it('sums the layer sizes docker history prints, one per line', () => {
  // `docker history --human=false --format {{.Size}}` of an app image on the containerd store.
  expect(sumLayerSizes('2297344\n0\n0\n126976\n208203776\n\n')).toBe(210628096);
  expect(sumLayerSizes('')).toBe(0);
});
