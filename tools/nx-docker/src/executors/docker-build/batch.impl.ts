import { batchExecutor } from '../../lib/batch/batch-executor';
import dockerBuildExecutor from './docker-build.impl';
import type { DockerBuildExecutorSchema } from './schema';

/**
 * docker-build in Nx's batch mode (--batch; lib/batch/batch-executor.ts): one worker builds every image of the
 * run, concurrently (BuildKit and the daemon do the parallel work), sharing one builder probe (resolveBuilder is
 * memoised per process).
 */
export default batchExecutor<DockerBuildExecutorSchema>(dockerBuildExecutor);
