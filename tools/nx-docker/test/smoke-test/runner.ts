/**
 * Runs the smoke-test executor in its own process, as Nx does, so a test can send it SIGINT:
 * node -r @swc-node/register runner.ts <workspaceRoot> <project> '<options json>'
 */
import smokeTestExecutor from '../../src/executors/smoke-test/smoke-test.impl';
import { fakeContext } from './support';

const [root, project, options] = process.argv.slice(2);
smokeTestExecutor(JSON.parse(options), fakeContext(root, project)).then(
  (result) => process.exit(result.success ? 0 : 1),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
