import { generateFiles, OverwriteStrategy, type Tree } from '@nx/devkit';
import { join } from 'node:path';

export interface ImageFilesInput {
  projectName: string;
  projectRoot: string;
  port: number;
  healthPath: string;
  /** Bundle folder relative to the project root (the Docker context), e.g. `dist`. */
  bundleDir: string;
  /** Bundle entry inside bundleDir, e.g. `main.js`. */
  mainFile: string;
  /** The entrypoint runs `node /app/populate-db.js` before the server. */
  populateDb: boolean;
  /** org.opencontainers.image.description. */
  description: string;
  /** What the image holds besides Node, for the Dockerfile's header: `one JavaScript file`. */
  bundleSummary: string;
}

export const IMAGE_FILES = ['Dockerfile', '.dockerignore', 'entrypoint.sh'] as const;

/**
 * Writes Dockerfile, .dockerignore and entrypoint.sh into the project, each only when it is not there
 * (OverwriteStrategy.KeepExisting). entrypoint.sh gets its exec bit: generateFiles does not carry file
 * modes, so it is set through the tree, which applies it when the files are written.
 */
export function generateImageFiles(
  tree: Tree,
  input: ImageFilesInput,
): { created: string[]; kept: string[] } {
  const paths = IMAGE_FILES.map((file) => `${input.projectRoot}/${file}`);
  const kept = paths.filter((path) => tree.exists(path));
  generateFiles(
    tree,
    join(__dirname, 'files'),
    input.projectRoot,
    { ...input, tmpl: '' },
    {
      overwriteStrategy: OverwriteStrategy.KeepExisting,
    },
  );
  const created = paths.filter((path) => !kept.includes(path));
  const entrypoint = `${input.projectRoot}/entrypoint.sh`;
  if (created.includes(entrypoint)) {
    tree.changePermissions(entrypoint, '755');
  }
  return { created, kept };
}
