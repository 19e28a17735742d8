/**
 * Runs the docker-build executor in-process for one project of a workspace and prints how long the
 * executor itself took (no Node or Nx start-up), as the last line: BENCH_RESULT {"ms":…,"success":…}.
 *   node -r @swc-node/register tools/bench/time-executor.ts <workspaceRoot> <project>
 */
import type { ExecutorContext } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dockerBuildExecutor from '../nx-docker/src/executors/docker-build/docker-build.impl';

async function main(): Promise<void> {
  const [root, project] = process.argv.slice(2);
  const projectRoot = `apps/${project}`;
  const config = JSON.parse(readFileSync(join(root, projectRoot, 'project.json'), 'utf8'));
  const context = {
    root,
    cwd: root,
    isVerbose: false,
    projectName: project,
    projectsConfigurations: { version: 2, projects: { [project]: { root: projectRoot } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as unknown as ExecutorContext;
  const started = performance.now();
  const result = await dockerBuildExecutor(config.targets['docker-build'].options ?? {}, context);
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ms, success: result.success })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
