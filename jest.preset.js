const nxPreset = require('@nx/jest/preset').default;

// execa 9, p-retry 7, cookie (under Fastify's inject) and their dependencies ship only ES modules.
// Jest's CommonJS runtime cannot require them, so swc transforms them along with our TypeScript.
const esmPackages = [
  'execa',
  '@sindresorhus',
  'get-stream',
  '@sec-ant',
  'is-stream',
  'human-signals',
  'is-plain-obj',
  'pretty-ms',
  'parse-ms',
  'strip-final-newline',
  'yoctocolors',
  'unicorn-magic',
  'figures',
  'is-unicode-supported',
  'npm-run-path',
  'path-key',
  'signal-exit',
  'p-retry',
  'is-network-error',
  'cookie',
];

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  setupFiles: [require('node:path').join(__dirname, 'tools/scripts/jest/load-service-env.cjs')],
  transform: {
    '^.+\\.[cm]?[tj]s$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  // unicorn-magic exports only an `import` condition, which Jest's require never asks for.
  moduleNameMapper: {
    '^unicorn-magic$': require('node:path').join(__dirname, 'node_modules/unicorn-magic/node.js'),
  },
};
