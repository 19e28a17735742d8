import type { TargetConfiguration } from '@nx/devkit';

/**
 * Pure: the build target of a service, the same as the four services': esbuild bundles each entry (main.ts,
 * and populate-db.ts for a database service) with its dependencies into {projectRoot}/dist, which the
 * Dockerfile copies. No npm install in the image, no node_modules tree, no lockfile to prune.
 */
export function buildTarget(entries: string[]): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    // The bundle: what docker-build copies into the image, restored on a cache hit.
    outputs: ['{projectRoot}/dist'],
    // The service's production sources and those of what it bundles (libs/service-kit), and esbuild's version:
    // a new esbuild can emit a different bundle from the same sources.
    inputs: ['production', '^production', { externalDependencies: ['esbuild'] }],
    options: {
      cwd: '{projectRoot}',
      commands: [
        'rm -rf dist',
        `esbuild ${entries.join(' ')} --bundle --platform=node --target=node24 --format=cjs --outdir=dist --external:pg-native --external:esbuild --minify --keep-names --legal-comments=none --log-level=warning`,
      ],
      parallel: false,
    },
  };
}
