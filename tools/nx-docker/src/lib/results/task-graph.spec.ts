import type { ExecutorContext } from '@nx/devkit';
import { imageBuildTaskStart } from './task-graph';

const task = (project: string, target: string, startTime?: number) => ({
  id: `${project}:${target}`,
  target: { project, target },
  overrides: {},
  outputs: [],
  cache: true,
  ...(startTime ? { startTime } : {}),
});

/** bff-venta:smoke-test depends on its own docker-build and on catalogo-service's (a sidecar image). */
function context(dependencies: string[]): ExecutorContext {
  const targets = {
    'docker-build': { executor: '@ventas/nx-docker:docker-build' },
    'smoke-test': { executor: '@ventas/nx-docker:smoke-test' },
  };
  return {
    root: '/ws',
    cwd: '/ws',
    isVerbose: false,
    projectName: 'bff-venta',
    targetName: 'smoke-test',
    projectsConfigurations: {
      version: 2,
      projects: {
        'bff-venta': { root: 'apps/bff-venta', targets },
        'catalogo-service': { root: 'x', targets },
      },
    },
    taskGraph: {
      roots: [],
      tasks: {
        'bff-venta:docker-build': task('bff-venta', 'docker-build', 200),
        'catalogo-service:docker-build': task('catalogo-service', 'docker-build', 100),
        'bff-venta:smoke-test': task('bff-venta', 'smoke-test', 300),
      },
      dependencies: { 'bff-venta:smoke-test': dependencies },
      continuousDependencies: {},
    },
  } as unknown as ExecutorContext;
}

describe('imageBuildTaskStart', () => {
  it("is the start of this run's docker-build task of the project, not of another project's", () => {
    expect(
      imageBuildTaskStart(context(['catalogo-service:docker-build', 'bff-venta:docker-build']), 'bff-venta'),
    ).toBe(200);
    expect(imageBuildTaskStart(context(['catalogo-service:docker-build']), 'catalogo-service')).toBe(100);
  });

  it('without one in the run (--excludeTaskDependencies), the start of the running task', () => {
    expect(imageBuildTaskStart(context([]), 'bff-venta')).toBe(300);
  });

  it('outside an Nx run, now', () => {
    const bare = { ...context([]), taskGraph: undefined } as ExecutorContext;
    expect(imageBuildTaskStart(bare, 'bff-venta', 42)).toBe(42);
  });
});
