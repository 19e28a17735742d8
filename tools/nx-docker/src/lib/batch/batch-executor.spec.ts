import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { BatchTaskResult, batchExecutor, withPrefix } from './batch-executor';

const context = {
  root: '/ws',
  cwd: '/ws',
  isVerbose: false,
  projectsConfigurations: {
    version: 2,
    projects: {
      a: { root: 'apps/a', targets: { 'docker-build': { executor: 'x', options: { port: 1 } } } },
      b: { root: 'apps/b', targets: { 'docker-build': { executor: 'x' } } },
      c: { root: 'apps/c', targets: { 'docker-build': { executor: 'x' } } },
    },
  },
  nxJsonConfiguration: {},
  projectGraph: { nodes: {}, dependencies: {} },
} as unknown as ExecutorContext;

function graph(dependencies: Record<string, string[]> = {}): TaskGraph {
  const ids = ['a', 'b', 'c'].map((p) => `${p}:docker-build`);
  return {
    roots: ids,
    tasks: Object.fromEntries(
      ids.map((id) => [
        id,
        { id, target: { project: id.split(':')[0], target: 'docker-build' }, overrides: {}, outputs: [] },
      ]),
    ),
    dependencies: Object.fromEntries(ids.map((id) => [id, dependencies[id] ?? []])),
    continuousDependencies: {},
  } as unknown as TaskGraph;
}

const inputs = { 'a:docker-build': { n: 'a' }, 'b:docker-build': { n: 'b' }, 'c:docker-build': { n: 'c' } };
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect(iterator: AsyncIterableIterator<BatchTaskResult>): Promise<BatchTaskResult[]> {
  const results: BatchTaskResult[] = [];
  for await (const result of iterator) results.push(result);
  return results;
}

beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => jest.restoreAllMocks());

describe('batchExecutor', () => {
  it('runs the tasks at once, each with its own context and output, and reports each as it ends', async () => {
    let running = 0;
    let most = 0;
    const run = batchExecutor<{ n: string }>(async (options, taskContext) => {
      running += 1;
      most = Math.max(most, running);
      // Interleaved on purpose: every line must land in its own task's output.
      for (let i = 0; i < 3; i++) {
        process.stdout.write(
          `[${taskContext.projectName}] line ${i} of ${options.n} (${taskContext.targetName})\n`,
        );
        await tick(options.n === 'a' ? 15 : 5);
      }
      running -= 1;
      return { success: true };
    });
    const results = await collect(run(graph(), inputs, { n: '' }, context));
    expect(most).toBe(3);
    // a sleeps longest: it ends last.
    expect(results.map((r) => r.task)).toEqual(['b:docker-build', 'c:docker-build', 'a:docker-build']);
    for (const { task, result } of results) {
      const p = task.split(':')[0];
      expect(result).toMatchObject({ success: true, status: 'success' });
      expect(result.terminalOutput).toBe(
        [0, 1, 2].map((i) => `[${p}] line ${i} of ${p} (docker-build)\n`).join(''),
      );
      expect(result.endTime).toBeGreaterThanOrEqual(result.startTime as number);
    }
  });

  it('passes each line through as it is written, with its project prefix unless it has it; keeps it as written', async () => {
    const live = jest.mocked(process.stdout.write);
    const run = batchExecutor(async (_options, taskContext) => {
      process.stdout.write(`Structure checks of ${taskContext.projectName}:\n  ✔ size\n`);
      process.stdout.write(`[${taskContext.projectName}] #5 DONE 0.1s\n`);
      return { success: true };
    });
    const results = await collect(run(graph(), inputs, {}, context));
    const shown = live.mock.calls.map(([chunk]) => String(chunk)).join('');
    expect(shown).toContain('[a] Structure checks of a:\n[a]   ✔ size\n[a] #5 DONE 0.1s\n');
    expect(results.find((r) => r.task === 'a:docker-build')?.result.terminalOutput).toBe(
      'Structure checks of a:\n  ✔ size\n[a] #5 DONE 0.1s\n',
    );
  });

  it('withPrefix: lines with text get the prefix once; empty lines stay empty', () => {
    expect(withPrefix('one\n[p] two\n\nthree', '[p] ')).toBe('[p] one\n[p] two\n\n[p] three');
  });

  it('gives each task the target Nx would give it outside a batch', async () => {
    const seen: ExecutorContext[] = [];
    const run = batchExecutor(async (_options, taskContext) => {
      seen.push(taskContext);
      return { success: true };
    });
    await collect(run(graph(), inputs, {}, context));
    expect(seen.find((c) => c.projectName === 'a')).toMatchObject({
      targetName: 'docker-build',
      target: { options: { port: 1 } },
      root: '/ws',
    });
  });

  it('a failure or a throw fails that task only, with its message; a task depending on it is skipped', async () => {
    const run = batchExecutor<{ n: string }>(async (options) => {
      if (options.n === 'a') throw new Error('docker failed with exit code 1: docker build apps/a');
      return { success: options.n !== 'b' };
    });
    const results = await collect(
      run(graph({ 'c:docker-build': ['a:docker-build'] }), inputs, { n: '' }, context),
    );
    const byTask = Object.fromEntries(results.map((r) => [r.task, r.result]));
    expect(byTask['a:docker-build']).toMatchObject({ success: false, status: 'failure' });
    expect(byTask['a:docker-build'].terminalOutput).toContain(
      'docker failed with exit code 1: docker build apps/a',
    );
    expect(byTask['b:docker-build']).toMatchObject({ success: false, status: 'failure' });
    expect(byTask['c:docker-build']).toEqual({ success: false, status: 'skipped', terminalOutput: '' });
  });

  it('waits for a dependency in the batch, and bounds the tasks at once by NX_PARALLEL', async () => {
    process.env['NX_PARALLEL'] = '1';
    const order: string[] = [];
    try {
      const run = batchExecutor<{ n: string }>(async (options) => {
        order.push(`start ${options.n}`);
        await tick(5);
        order.push(`end ${options.n}`);
        return { success: true };
      });
      await collect(run(graph({ 'a:docker-build': ['c:docker-build'] }), inputs, { n: '' }, context));
    } finally {
      delete process.env['NX_PARALLEL'];
    }
    expect(order).toEqual(['start b', 'end b', 'start c', 'end c', 'start a', 'end a']);
  });

  it('puts stdout and stderr back when the batch ends', async () => {
    const write = process.stdout.write;
    const run = batchExecutor(async () => ({ success: true }));
    await collect(run(graph(), inputs, {}, context));
    expect(process.stdout.write).toBe(write);
  });
});
