import { runDocker } from './docker';

/**
 * The id of the image `ref` (a tag, an id or a digest) in the Docker daemon, or null when the daemon has no
 * such image. The one probe of it: failure as data (`reject: false`), never an exception.
 */
export async function imageIdOf(ref: string, options: { binary?: string } = {}): Promise<string | null> {
  const result = await runDocker(['image', 'inspect', '--format', '{{.Id}}', ref], {
    binary: options.binary,
    reject: false,
  });
  return result.failed ? null : result.stdout.trim() || null;
}

/** `sha256:0123456789ab…` → `0123456789ab`, as `docker images` shows it. */
export function shortId(imageId: string): string {
  return imageId.replace(/^sha256:/, '').slice(0, 12);
}
