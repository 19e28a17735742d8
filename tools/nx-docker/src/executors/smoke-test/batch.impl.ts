import { batchExecutor } from '../../lib/batch/batch-executor';
import smokeTestExecutor from './smoke-test.impl';
import type { SmokeTestExecutorSchema } from './schema';

/**
 * smoke-test in Nx's batch mode (--batch; lib/batch/batch-executor.ts): one worker runs every smoke test of the
 * run, concurrently, each with its own network, containers, cleanup and signal handlers, as in its own process.
 */
export default batchExecutor<SmokeTestExecutorSchema>(smokeTestExecutor);
