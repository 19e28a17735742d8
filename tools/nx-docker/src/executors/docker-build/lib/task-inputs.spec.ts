import type { ExecutorContext } from '@nx/devkit';
import { createHash } from 'node:crypto';
import { currentTask } from '../../../lib/results/task-graph';
import { imageInputs, optionDigests } from './task-inputs';

/** The shape Nx 23 hands an executor (context.taskGraph), as seen in a real run. */
function context(configurationName?: string): ExecutorContext {
  const task = (configuration?: string, hash = 'h-default') => ({
    id: `orders:docker-build${configuration ? `:${configuration}` : ''}`,
    target: { project: 'orders', target: 'docker-build', ...(configuration ? { configuration } : {}) },
    overrides: {},
    outputs: [],
    cache: true,
    hash,
    hashDetails: {
      command: `command-${hash}`,
      nodes: { 'runtime:echo base': '2', 'orders:apps/orders/**/*': '1' },
      implicitDeps: {},
      runtime: {},
    },
  });
  return {
    root: '/ws',
    cwd: '/ws',
    isVerbose: false,
    projectName: 'orders',
    targetName: 'docker-build',
    configurationName,
    projectsConfigurations: { version: 2, projects: { orders: { root: 'apps/orders' } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
    taskGraph: {
      roots: [],
      tasks: { 'orders:docker-build': task(), 'orders:docker-build:ci': task('ci', 'h-ci') },
      dependencies: {},
      continuousDependencies: {},
    },
  } as unknown as ExecutorContext;
}

describe('imageInputs', () => {
  it("records Nx's hash details of the running task, the Dockerfile's digest and one digest per option", () => {
    expect(
      imageInputs(
        context(),
        { port: 8000, stage: 'debug' },
        { path: 'apps/orders/Dockerfile', text: 'FROM x' },
      ),
    ).toEqual({
      taskHash: 'h-default',
      command: 'command-h-default',
      nodes: { 'orders:apps/orders/**/*': '1', 'runtime:echo base': '2' },
      dockerfile: {
        path: 'apps/orders/Dockerfile',
        sha256: createHash('sha256').update('FROM x').digest('hex'),
      },
      options: optionDigests({ port: 8000, stage: 'debug' }),
    });
  });

  it('picks the task of the running configuration', () => {
    expect(currentTask(context('ci'))?.hash).toBe('h-ci');
    expect(currentTask(context())?.hash).toBe('h-default');
  });

  it('is null outside an Nx task graph (a direct call)', () => {
    const bare = { ...context(), taskGraph: undefined } as ExecutorContext;
    expect(imageInputs(bare, {}, { path: 'Dockerfile', text: '' })).toBeNull();
  });
});

describe('optionDigests', () => {
  it('ignores key order inside objects and undefined options, and tells values apart', () => {
    const a = optionDigests({ labels: { a: '1', b: '2' }, tags: ['latest'], stage: undefined });
    expect(a).toEqual(optionDigests({ tags: ['latest'], labels: { b: '2', a: '1' } }));
    expect(Object.keys(a)).toEqual(['labels', 'tags']);
    expect(optionDigests({ tags: ['v1'] }).tags).not.toBe(a.tags);
    expect(a.tags).toMatch(/^[0-9a-f]{16}$/);
  });
});
