import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // The plugin is a package: everything its source imports at run time is declared in its package.json, and
    // nothing more. Specs, test support and tool configs run only in this workspace, on its devDependencies.
    // The rule reads the files of a "build" target's inputs; Nx loads this plugin from source, so the target
    // that covers the source is typecheck.
    files: ['**/package.json'],
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          buildTargets: ['typecheck'],
          checkMissingDependencies: true,
          checkObsoleteDependencies: true,
          checkVersionMismatches: true,
          ignoredFiles: [
            '{projectRoot}/eslint.config.mjs',
            '{projectRoot}/jest.config.cjs',
            '{projectRoot}/**/*.spec.ts',
            '{projectRoot}/test/**/*',
          ],
        },
      ],
    },
  },
];
