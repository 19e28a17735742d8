import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * A cached executor's task must be invalidated by any change to the code it runs. That code is listed by hand
 * in nx.json's named inputs (nxDockerBuild, nxDockerSmokeTest); this walks the executor's imports and checks the
 * list covers every file, so that moving code into a new lib/ folder cannot silently leave it out of the hash.
 */
const WORKSPACE = resolve(__dirname, '../../../..');
const SRC = join(WORKSPACE, 'tools/nx-docker/src');

/** Every source file `entry` reaches through relative imports (type-only imports too: they are cheap to list). */
function reachableFiles(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import|require\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const base = resolve(dirname(file), specifier);
      const target = [`${base}.ts`, join(base, 'index.ts'), base].find(
        (path) => existsSync(path) && path.endsWith('.ts'),
      );
      if (target) visit(target);
    }
  };
  visit(entry);
  return seen;
}

/** The folders (and single files) a named input covers: `executors/<name>`, each `lib/{a,b}`, `lib/errors.ts`. */
function coveredFolders(namedInput: string[]): string[] {
  const folders: string[] = [];
  for (const pattern of namedInput.filter((p) => !p.startsWith('!'))) {
    const path = pattern.replace('{workspaceRoot}/tools/nx-docker/src/', '').replace(/\/\*\*\/\*$/, '');
    const braces = /^(.*)\{([^}]+)\}$/.exec(path);
    if (braces) folders.push(...braces[2].split(',').map((name) => `${braces[1]}${name}`));
    else folders.push(path);
  }
  return folders;
}

const nxJson = JSON.parse(readFileSync(join(WORKSPACE, 'nx.json'), 'utf8'));

describe.each([
  ['docker-build', 'nxDockerBuild', ['docker-build.impl.ts', 'batch.impl.ts']],
  ['smoke-test', 'nxDockerSmokeTest', ['smoke-test.impl.ts', 'batch.impl.ts']],
])('%s: the named input %s covers the code the executor runs', (executor, input, entries) => {
  const folders = coveredFolders(nxJson.namedInputs[input]);
  const files = new Set(
    entries
      .map((entry) => join(SRC, 'executors', executor, entry))
      .filter((entry) => existsSync(entry))
      .flatMap((entry) => [...reachableFiles(entry)]),
  );

  it('reaches more than its own folder (the walk works)', () => {
    expect([...files].some((file) => relative(SRC, file).startsWith('lib/'))).toBe(true);
  });

  it.each([...files].map((file) => relative(SRC, file)))('%s', (file) => {
    expect(folders.some((folder) => file === folder || file.startsWith(`${folder}/`))).toBe(true);
  });
});
