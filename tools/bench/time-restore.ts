/**
 * Restores the images of a workspace's image.json files as a cache hit does (ensureImage: docker load of the
 * archive, else a pull of the registry copy), one after the other, and prints how long that took in-process
 * (no Node start-up), as the last line: BENCH_RESULT {"ms":…,"sources":[…]}.
 *   node -r @swc-node/register tools/bench/time-restore.ts <workspaceRoot> <project>…
 */
import { ensureImage } from '../nx-docker/src/lib/results/ensure-image';
import { readImageManifest } from '../nx-docker/src/lib/results/image-manifest';

async function main(): Promise<void> {
  const [root, ...projects] = process.argv.slice(2);
  const sources: string[] = [];
  const started = performance.now();
  for (const project of projects) {
    sources.push((await ensureImage(root, readImageManifest(root, project))).source);
  }
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ms, sources })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
