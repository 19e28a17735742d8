import type { TargetConfiguration } from '@nx/devkit';

/**
 * The nx.json `targetDefaults` the plugin needs, written by `init` and kept byte-for-byte equal to the
 * workspace's own nx.json ("the plugin defaults and this workspace nx.json" in src/generators/init/init.spec.ts
 * fails when the two drift).
 * Each decision carries its reason here, once; project.json targets inherit them.
 */
export const DOCKER_TARGET_DEFAULTS: Record<
  'docker-build' | 'smoke-test' | 'ecr-push',
  Partial<TargetConfiguration>
> = {
  // Each target says `continuous: false` (none of them is a long-running server) so that Nx does not load
  // the plugin's executors to ask while it builds the project graph: that load (a TypeScript transpiler for
  // a workspace plugin) cost every Nx command ~0.6 s, cached or not.
  'docker-build': {
    continuous: false,
    // Cached: a hit restores image.json and the image archive, and the executor then makes sure that image
    // is really in the daemon (present → use, archived → load, else a clear error) — never a "success" with
    // nothing behind it (pantsbuild/pants#13461; the reason nx-plugin-for-aws #1158 turned caching off).
    cache: true,
    // The image copies the bundle that `build` writes; it is never built from stale or missing output.
    dependsOn: ['build'],
    // production covers the project's Dockerfile, .dockerignore, entrypoint.sh and sources (not specs,
    // README or lint config); ^production covers the libraries bundled into it (libs/service-kit);
    // nxDockerBuild is the plugin code that decides how the image is built (args, labels, checks).
    // Each project adds its base image's id as a runtime input (dockerTargets): the image is the
    // project's own FROM, so that one cannot live here.
    inputs: ['production', '^production', 'nxDockerBuild'],
    // What a cache hit must bring back for smoke-test and ecr-push: the manifest and the `docker save` archive.
    outputs: [
      '{workspaceRoot}/dist/images/{projectName}/image.json',
      '{workspaceRoot}/dist/images/{projectName}/image.tar.gz',
    ],
    // Fargate runs linux/amd64 only: the platform is fixed before the build, not discovered after a deploy.
    options: { platform: 'linux/amd64' },
  },
  'smoke-test': {
    continuous: false,
    // Cached: the same image id (read from image.json) passes or fails the same way.
    cache: true,
    // Only a built, checked image is started.
    dependsOn: ['docker-build'],
    // The one input is the image itself: image.json holds its content-addressed id, so a rebuild that
    // yields the same image does not re-run the test, and any change to the image does.
    // nxDockerSmokeTest: the executor's own code, so a stricter check re-tests unchanged images.
    inputs: [{ dependentTasksOutputFiles: '**/image.json' }, 'nxDockerSmokeTest'],
    // The report ecr-push reads to refuse pushing an image that did not pass.
    outputs: [
      '{workspaceRoot}/dist/images/{projectName}/smoke.json',
      '{workspaceRoot}/dist/images/{projectName}/smoke.junit.xml',
    ],
  },
  'ecr-push': {
    continuous: false,
    // Never cached: the registry is external state Nx cannot restore (nx-plugin-for-aws #1158, nrwl/nx#15116);
    // the executor asks the registry for the digest and skips tags that already hold it.
    cache: false,
    // Only an image that passed its smoke test is pushed.
    dependsOn: ['smoke-test'],
    // `-c local`: the throw-away registry that tools/scripts/registry.sh starts (CI, laptops); credentials
    // are named by env var, never written here. Without it: ECR of the caller's account and region.
    configurations: {
      local: { registry: '127.0.0.1:55000', usernameEnv: 'REGISTRY_USER', passwordEnv: 'REGISTRY_PASSWORD' },
    },
  },
};

/**
 * The plugin code each cached target depends on, as nx.json named inputs (init adds missing ones): the executor
 * and every lib folder it imports, so that a change there re-runs the target. docker-build: docker, dockerfile,
 * builder, tags, checks (the platform comparison), git (commit and remote for labels and tags), results
 * (image.json). smoke-test: docker, checks, report (smoke.junit.xml), results (image.json in, smoke.json out).
 */
export const DOCKER_NAMED_INPUTS: Record<string, string[]> = {
  nxDockerBuild: [
    '{workspaceRoot}/tools/nx-docker/src/executors/docker-build/**/*',
    '{workspaceRoot}/tools/nx-docker/src/lib/{batch,docker,dockerfile,builder,tags,checks,git,results,registry}/**/*',
    '{workspaceRoot}/tools/nx-docker/src/lib/errors.ts',
    '!{workspaceRoot}/tools/nx-docker/src/**/*.spec.ts',
  ],
  nxDockerSmokeTest: [
    '{workspaceRoot}/tools/nx-docker/src/executors/smoke-test/**/*',
    '{workspaceRoot}/tools/nx-docker/src/lib/{batch,docker,builder,checks,report,results,registry}/**/*',
    '{workspaceRoot}/tools/nx-docker/src/lib/errors.ts',
    '!{workspaceRoot}/tools/nx-docker/src/**/*.spec.ts',
  ],
};

export type DockerTargetName = keyof typeof DOCKER_TARGET_DEFAULTS;
export const DOCKER_TARGET_NAMES = Object.keys(DOCKER_TARGET_DEFAULTS) as DockerTargetName[];
