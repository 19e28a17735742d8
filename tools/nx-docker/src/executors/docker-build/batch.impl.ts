import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { AsyncLocalStorage } from 'node:async_hooks';
import dockerBuildExecutor from './docker-build.impl';
import type { DockerBuildExecutorSchema } from './schema';

/**
 * Nx's batch mode for docker-build (executors.json `batchImplementation`; a run asks for it with --batch): Nx forks one
 * worker for all the docker-build tasks of a run instead of one process per task, each of which loaded Nx
 * before our first line ran. The worker runs dockerBuildExecutor for every task, concurrently (BuildKit and
 * the daemon do the parallel work), sharing one builder probe (resolveBuilder is memoised per process).
 *
 * Each task keeps what it has outside a batch: its own output (captured by async context, so concurrent tasks
 * never mix; Nx prints it per task and caches it as the task's terminal output), its own summary line and the
 * same outputs (image.json, the archive), so caching is unchanged. A task whose dependency in the batch failed
 * is reported `skipped`.
 */

type TaskStatus = 'success' | 'failure' | 'skipped';

/** Nx's TaskResult, as a batch executor reports it per task. */
export interface BatchTaskResult {
  task: string;
  result: {
    success: boolean;
    status: TaskStatus;
    terminalOutput: string;
    startTime?: number;
    endTime?: number;
  };
}

export type TaskExecutor<T> = (options: T, context: ExecutorContext) => Promise<{ success: boolean }>;

/** Runs `executor` for every task of a batch; results come as each task ends. */
export function batchExecutor<T>(executor: TaskExecutor<T>) {
  return async function* runBatch(
    taskGraph: TaskGraph,
    inputs: Record<string, T>,
    _overrides: T,
    context: ExecutorContext,
  ): AsyncIterableIterator<BatchTaskResult> {
    const ids = Object.keys(taskGraph.tasks);
    // Nx does not hand the batch --parallel; NX_PARALLEL (which also sets it) bounds it, else every task at once.
    const limit = Math.max(1, Math.min(ids.length, Number(process.env['NX_PARALLEL']) || ids.length));
    const status = new Map<string, TaskStatus>();
    const running = new Map<string, Promise<BatchTaskResult>>();
    const output = new TaskOutput();
    const depsOf = (id: string) => (taskGraph.dependencies[id] ?? []).filter((dep) => dep in taskGraph.tasks);
    try {
      while (status.size < ids.length) {
        const skipped: BatchTaskResult[] = [];
        for (const id of ids) {
          if (status.has(id) || running.has(id)) continue;
          const deps = depsOf(id);
          if (deps.some((dep) => status.has(dep) && status.get(dep) !== 'success')) {
            status.set(id, 'skipped');
            skipped.push({ task: id, result: { success: false, status: 'skipped', terminalOutput: '' } });
          } else if (running.size < limit && deps.every((dep) => status.get(dep) === 'success')) {
            running.set(id, runTask(executor, id, inputs[id], taskContext(context, taskGraph, id), output));
          }
        }
        yield* skipped;
        if (running.size === 0) continue;
        const done = await Promise.race(running.values());
        running.delete(done.task);
        status.set(done.task, done.result.status);
        yield done;
      }
    } finally {
      output.restore();
    }
  };
}

/** The batch implementation executors.json names (through the loader). */
export default batchExecutor<DockerBuildExecutorSchema>(dockerBuildExecutor);

async function runTask<T>(
  executor: TaskExecutor<T>,
  id: string,
  options: T,
  context: ExecutorContext,
  output: TaskOutput,
): Promise<BatchTaskResult> {
  const startTime = Date.now();
  const { value: success, text } = await output.capture(async () => {
    try {
      return (await executor(options, context)).success;
    } catch (error) {
      // What Nx prints for an executor that throws outside a batch: the message.
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      return false;
    }
  });
  return {
    task: id,
    result: {
      success,
      status: success ? 'success' : 'failure',
      terminalOutput: text,
      startTime,
      endTime: Date.now(),
    },
  };
}

/** The context Nx gives the executor of one task outside a batch. */
export function taskContext(context: ExecutorContext, taskGraph: TaskGraph, id: string): ExecutorContext {
  const { project, target, configuration } = taskGraph.tasks[id].target;
  return {
    ...context,
    projectName: project,
    targetName: target,
    configurationName: configuration,
    target: context.projectsConfigurations?.projects[project]?.targets?.[target],
  };
}

/**
 * What each task writes to stdout and stderr (console and Nx's logger write there too), kept per task by
 * async context while still passing through: concurrent tasks' lines stay apart.
 */
class TaskOutput {
  private readonly current = new AsyncLocalStorage<string[]>();
  private readonly restores: Array<() => void> = [];

  constructor() {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write;
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        this.current.getStore()?.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
        return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      }) as typeof stream.write;
      this.restores.push(() => {
        stream.write = write;
      });
    }
  }

  async capture<T>(run: () => Promise<T>): Promise<{ value: T; text: string }> {
    const chunks: string[] = [];
    const value = await this.current.run(chunks, run);
    return { value, text: chunks.join('') };
  }

  restore(): void {
    for (const restore of this.restores.splice(0)) restore();
  }
}
