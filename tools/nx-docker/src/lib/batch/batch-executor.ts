import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Nx's batch mode (executors.json `batchImplementation`; a run asks for it with --batch): Nx forks one worker for
 * all the tasks of an executor in a run instead of one process per task, each of which loads Nx and the plugin
 * before our first line runs. The worker runs the executor for every task, concurrently (the engine does the
 * parallel work).
 *
 * Each task keeps what it has outside a batch: its own output (captured by async context, so concurrent tasks
 * never mix; Nx prints it per task when the task ends and caches it as the task's terminal output), its own
 * summary line and the same outputs, so caching is unchanged. A task whose dependency in the batch failed is
 * reported `skipped`.
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

async function runTask<T>(
  executor: TaskExecutor<T>,
  id: string,
  options: T,
  context: ExecutorContext,
  output: TaskOutput,
): Promise<BatchTaskResult> {
  const startTime = Date.now();
  const { value: success, text } = await output.capture(context.projectName ?? id, async () => {
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
 * async context: concurrent tasks' lines stay apart. It still passes through as it is written, so long work
 * is watched live; there each line gets the task's `[project] ` prefix unless it has it already, because the
 * lines of concurrent tasks interleave. The kept text, which Nx prints when the task ends and caches, is as the
 * task wrote it.
 */
class TaskOutput {
  private readonly current = new AsyncLocalStorage<{ chunks: string[]; prefix: string }>();
  private readonly restores: Array<() => void> = [];

  constructor() {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write;
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const task = this.current.getStore();
        if (!task) return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
        task.chunks.push(text);
        return (write as (...args: unknown[]) => boolean).call(
          stream,
          withPrefix(text, task.prefix),
          ...rest,
        );
      }) as typeof stream.write;
      this.restores.push(() => {
        stream.write = write;
      });
    }
  }

  async capture<T>(project: string, run: () => Promise<T>): Promise<{ value: T; text: string }> {
    const chunks: string[] = [];
    const value = await this.current.run({ chunks, prefix: `[${project}] ` }, run);
    return { value, text: chunks.join('') };
  }

  restore(): void {
    for (const restore of this.restores.splice(0)) restore();
  }
}

/** Every line of `text` that has text and does not start with `prefix` gets it (writes are whole lines here). */
export function withPrefix(text: string, prefix: string): string {
  return text.replace(/^(?=.)/gm, (_match, offset: number) =>
    text.startsWith(prefix, offset) ? '' : prefix,
  );
}
