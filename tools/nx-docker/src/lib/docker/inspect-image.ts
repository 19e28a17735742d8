import type { ImageStore } from '../builder/detect-builder';
import { runDocker } from './docker';
import { ImageFacts, parseImageInspect } from './inspect';

/**
 * `docker image inspect` of one image, with its size made comparable across image stores: the classic
 * store reports the unpacked size, the containerd store the compressed content size. There the layer
 * sizes of `docker history` (unpacked) are summed instead, so a size budget means the same on both.
 */
export async function inspectImage(
  ref: string,
  store: ImageStore,
  options: {
    binary?: string;
    /** Its `docker image inspect` JSON, already read (ensureImage). */
    inspect?: string | null;
  } = {},
): Promise<ImageFacts> {
  const [inspected, history] = await Promise.all([
    options.inspect
      ? { stdout: options.inspect }
      : runDocker(['image', 'inspect', ref], { binary: options.binary }),
    store === 'containerd'
      ? runDocker(['image', 'history', '--human=false', '--format', '{{.Size}}', ref], {
          binary: options.binary,
          reject: false,
        })
      : null,
  ]);
  const facts = parseImageInspect(inspected.stdout);
  // An image of another platform is not unpacked, so it has no history sizes: its content size is all there is.
  return history && !history.failed ? { ...facts, sizeBytes: sumLayerSizes(history.stdout) } : facts;
}

/** `docker history --format {{.Size}}` lines (bytes) → their sum. */
export function sumLayerSizes(text: string): number {
  return text
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((size) => Number.isFinite(size))
    .reduce((sum, size) => sum + size, 0);
}
