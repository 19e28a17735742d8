// Public API of @ventas/nx-docker: what other projects and tools may import.
export { runDocker, dockerBinary, DockerError } from './lib/docker/docker';
export type { DockerResult, RunDockerOptions } from './lib/docker/docker';
export {
  readImageManifest,
  writeImageManifest,
  imageManifestPath,
  IMAGE_MANIFEST_VERSION,
} from './lib/image-manifest/image-manifest';
export type { ImageManifest } from './lib/image-manifest/image-manifest';
export { ensureImage } from './lib/image-manifest/ensure-image';
export { NxDockerError } from './lib/errors';
