import { readNxJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

/**
 * An in-memory workspace formatted like ours: Nx 23's empty workspace carries `.oxfmtrc.json`, which makes
 * formatFiles look for oxfmt; we format with Prettier (.prettierrc at the root), so the tests do too.
 */
export function createTestTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.delete('.oxfmtrc.json');
  tree.write('.prettierrc', JSON.stringify({ singleQuote: true, printWidth: 110 }));
  return tree;
}

/** The targets of a project in the tree (none: an empty object). */
export function targetsOf(tree: Tree, project: string) {
  return readProjectConfiguration(tree, project).targets ?? {};
}

/** nx.json's targetDefaults in the tree (none: an empty object). */
export function targetDefaultsOf(tree: Tree) {
  return readNxJson(tree)?.targetDefaults ?? {};
}
