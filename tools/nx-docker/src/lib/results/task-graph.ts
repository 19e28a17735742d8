import type { ExecutorContext } from '@nx/devkit';

/**
 * What the executors read from the task graph Nx hands them (context.taskGraph): their own task (its hash
 * details, for image.json) and the docker-build task of the image they use (built in this run, or not).
 * Here, in lib/results, because both docker-build's and smoke-test's named inputs cover this folder.
 */

export type NxTask = NonNullable<ExecutorContext['taskGraph']>['tasks'][string];

export const DOCKER_BUILD_EXECUTOR = '@ventas/nx-docker:docker-build';

/** The task this executor runs as; null outside an Nx task graph (a direct call). */
export function currentTask(context: ExecutorContext): NxTask | null {
  const tasks = Object.values(context.taskGraph?.tasks ?? {});
  return (
    tasks.find(
      (task) =>
        task.target.project === context.projectName &&
        task.target.target === context.targetName &&
        (task.target.configuration ?? null) === (context.configurationName ?? null),
    ) ?? null
  );
}

/**
 * When this run's docker-build task of `project` started: the task the running one depends on whose target
 * uses the docker-build executor. Without one (`--excludeTaskDependencies`, a direct call), when the running
 * task started, or now: an image.json older than that was not built in this run.
 */
export function imageBuildTaskStart(context: ExecutorContext, project: string, now = Date.now()): number {
  const task = currentTask(context);
  const graph = context.taskGraph;
  if (!task || !graph) return now;
  const targets = context.projectsConfigurations?.projects[project]?.targets ?? {};
  const build = (graph.dependencies[task.id] ?? [])
    .map((id) => graph.tasks[id])
    .find(
      (dep) =>
        dep?.target.project === project && targets[dep.target.target]?.executor === DOCKER_BUILD_EXECUTOR,
    );
  return build?.startTime ?? task.startTime ?? now;
}
