import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Nx loads every entry of executors.json and generators.json from its TypeScript source, in a fresh process, the
 * way it does for a local plugin (`loadTsFile`): on Node 22.18+ with Node's own type stripping first, where the
 * source is read as ES modules and a directory import is an error Nx does not recover from; otherwise, or after a
 * recoverable failure, through swc-node. This runs that loader with the Node running the tests (CI: Node 24).
 */
const PLUGIN = resolve(__dirname, '../..');
const WORKSPACE = resolve(PLUGIN, '../..');

function entries(): Array<[string, string]> {
  const read = (file: string) => JSON.parse(readFileSync(join(PLUGIN, file), 'utf8'));
  const executors = Object.entries(
    read('executors.json').executors as Record<string, Record<string, string>>,
  );
  const generators = Object.entries(
    read('generators.json').generators as Record<string, Record<string, string>>,
  );
  return [
    ...executors.flatMap(([name, entry]) => [
      [`executor ${name}`, entry['implementation']] as [string, string],
      ...(entry['batchImplementation']
        ? [[`batch ${name}`, entry['batchImplementation']] as [string, string]]
        : []),
    ]),
    ...generators.map(([name, entry]) => [`generator ${name}`, entry['factory']] as [string, string]),
  ];
}

const LOAD = `
const { loadTsFile } = require('nx/src/plugins/js/utils/register');
const [file, exportName] = process.argv[1].split('#');
const loaded = loadTsFile(file);
const value = exportName ? loaded[exportName] : (loaded.default ?? loaded);
if (typeof value !== 'function') throw new Error(file + ' exports no function');
`;

describe(`Nx loads each entry of the plugin from source (node ${process.version})`, () => {
  it.each(entries())(
    '%s (%s)',
    (_label, entry) => {
      const [path, exportName] = entry.split('#');
      const file = join(PLUGIN, `${path}.ts`);
      expect(() =>
        execFileSync(process.execPath, ['-e', LOAD, exportName ? `${file}#${exportName}` : file], {
          cwd: WORKSPACE,
          stdio: 'pipe',
          timeout: 60_000,
        }),
      ).not.toThrow();
    },
    90_000,
  );
});
