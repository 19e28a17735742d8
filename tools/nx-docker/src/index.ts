// Public API of @ventas/nx-docker: what other projects and tools may import.
export { runDocker, dockerBinary, DockerError } from './lib/docker/docker';
export type { DockerResult, RunDockerOptions } from './lib/docker/docker';
export {
  readImageManifest,
  writeImageManifest,
  imageManifestPath,
  IMAGE_MANIFEST_VERSION,
  describeEarlierBuild,
} from './lib/results/image-manifest';
export type { ImageManifest, ImageInputs } from './lib/results/image-manifest';
export { ensureImage } from './lib/results/ensure-image';
export { NxDockerError } from './lib/errors';
export { initGenerator } from './generators/init/init';
export { serviceGenerator } from './generators/service/service';
export { configurationGenerator } from './generators/configuration/configuration';
export type { InitGeneratorSchema } from './generators/init/schema';
export type { ServiceGeneratorSchema } from './generators/service/schema';
export type { ConfigurationGeneratorSchema } from './generators/configuration/schema';
