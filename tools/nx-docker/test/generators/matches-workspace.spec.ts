/**
 * The generators must write what this workspace actually runs: the four services' Dockerfile, .dockerignore,
 * entrypoint.sh and build target, and image-target options that the executors' own schema.json files accept.
 * When a service or an executor changes, these fail and name what drifted.
 */
import { addProjectConfiguration, logger, readProjectConfiguration, type Tree } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTarget } from '../../src/generators/lib/build-target';
import { dockerTargets, SMOKE_POSTGRES_PROJECT } from '../../src/generators/lib/docker-targets';
import { generateImageFiles } from '../../src/generators/lib/image-files/image-files';
import { createTestTree } from '../../src/generators/lib/testing/test-tree';
import { serviceGenerator } from '../../src/generators/service/service';

jest.mock('@nx/devkit', () => ({ ...jest.requireActual('@nx/devkit'), formatFiles: jest.fn() }));

const WORKSPACE = join(__dirname, '../../../..');
const SERVICES = ['catalogo-service', 'cliente-service', 'bff-cliente', 'bff-venta'];

function read(path: string): string {
  const full = join(WORKSPACE, path);
  if (!existsSync(full))
    throw new Error(
      `${path} is missing: the four services (apps/bff-cliente, bff-venta, catalogo-service, cliente-service) must exist for this test.`,
    );
  return readFileSync(full, 'utf8');
}

/** What the service generator would need to know to write this service's image files. */
function parameters(service: string) {
  const dockerfile = read(`apps/${service}/Dockerfile`);
  const port = Number(/^EXPOSE (\d+)$/m.exec(dockerfile)?.[1]);
  const healthPath = /\+ '(\/[^']*)', \{ signal/.exec(dockerfile)?.[1] ?? '';
  const description = /org\.opencontainers\.image\.description="([^"]*)"/.exec(dockerfile)?.[1] ?? '';
  const populateDb = existsSync(join(WORKSPACE, `apps/${service}/src/populate-db.ts`));
  return { dockerfile, port, healthPath, description, populateDb };
}

function render(service: string): Tree {
  const { port, healthPath, description, populateDb } = parameters(service);
  const tree = createTestTree();
  generateImageFiles(tree, {
    projectName: service,
    projectRoot: `apps/${service}`,
    port,
    healthPath,
    bundleDir: 'dist',
    mainFile: 'main.js',
    populateDb,
    description,
    bundleSummary: populateDb ? 'two JavaScript files' : 'one JavaScript file',
  });
  return tree;
}

/** Comments are the only part of entrypoint.sh a service may word its own way. */
function withoutComments(script: string): string {
  return script
    .split('\n')
    .filter((line, index) => index === 0 || !line.startsWith('#'))
    .join('\n');
}

describe.each(SERVICES)('the generated image files and %s', (service) => {
  it('Dockerfile: the same, line for line', () => {
    expect(render(service).read(`apps/${service}/Dockerfile`, 'utf8')).toBe(parameters(service).dockerfile);
  });

  it('.dockerignore: the same', () => {
    expect(render(service).read(`apps/${service}/.dockerignore`, 'utf8')).toBe(
      read(`apps/${service}/.dockerignore`),
    );
  });

  it('entrypoint.sh: the same commands', () => {
    expect(withoutComments(render(service).read(`apps/${service}/entrypoint.sh`, 'utf8') ?? '')).toBe(
      withoutComments(read(`apps/${service}/entrypoint.sh`)),
    );
  });

  it('build target: the same', () => {
    const project = JSON.parse(read(`apps/${service}/project.json`));
    const entries = parameters(service).populateDb ? ['src/main.ts', 'src/populate-db.ts'] : ['src/main.ts'];
    expect(buildTarget(entries)).toEqual(project.targets.build);
  });
});

interface PropertySchema {
  type?: string;
  enum?: unknown[];
  items?: PropertySchema & { properties?: Record<string, PropertySchema>; required?: string[] };
  properties?: Record<string, PropertySchema>;
  required?: string[];
  additionalProperties?: boolean | PropertySchema;
}

/** The part of JSON Schema the executors' schema.json files use: enough to catch a wrong name or type. */
function violations(value: unknown, schema: PropertySchema, path: string): string[] {
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  const expected = schema.type;
  if (expected) {
    const ok =
      expected === type ||
      (expected === 'integer' && typeof value === 'number' && Number.isInteger(value)) ||
      (expected === 'number' && typeof value === 'number');
    if (!ok) return [`${path} is ${type}, the schema wants ${expected}`];
  }
  if (schema.enum && !schema.enum.includes(value))
    return [`${path} is not one of ${JSON.stringify(schema.enum)}`];
  const problems: string[] = [];
  if (type === 'object' && (schema.properties || schema.additionalProperties !== undefined)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (record[key] === undefined) problems.push(`${path}.${key} is required`);
    }
    for (const [key, child] of Object.entries(record)) {
      const childSchema = schema.properties?.[key];
      if (childSchema) problems.push(...violations(child, childSchema, `${path}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${path}.${key} is not in the schema`);
      else if (typeof schema.additionalProperties === 'object') {
        problems.push(...violations(child, schema.additionalProperties, `${path}.${key}`));
      }
    }
  }
  if (type === 'array' && schema.items) {
    (value as unknown[]).forEach((item, index) => {
      problems.push(...violations(item, schema.items as PropertySchema, `${path}[${index}]`));
    });
  }
  return problems;
}

describe("the generated image targets and the executors' schema.json", () => {
  function executorSchema(name: string): PropertySchema {
    const schema = JSON.parse(read(`tools/nx-docker/src/executors/${name}/schema.json`));
    // Nx validates executor options as if additionalProperties were false unless the schema says otherwise.
    return { additionalProperties: false, ...schema, type: 'object' };
  }

  async function generatedTargets() {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const tree = createTestTree();
    // As in this workspace: the services' database sidecar is built here (tools/smoke-postgres).
    addProjectConfiguration(tree, SMOKE_POSTGRES_PROJECT, {
      root: 'tools/smoke-postgres',
      targets: { 'docker-build': { executor: '@ventas/nx-docker:docker-build', options: { port: 5432 } } },
    });
    addProjectConfiguration(tree, 'catalogo-service', {
      root: 'apps/catalogo-service',
      targets: dockerTargets({
        projectName: 'catalogo-service',
        projectRoot: 'apps/catalogo-service',
        port: 8000,
        healthPath: '/health',
        database: true,
        databaseProject: SMOKE_POSTGRES_PROJECT,
        upstream: null,
        endpoints: [{ path: '/ready', json: { status: 'ok' } }],
        baseImages: ['node:24-bookworm-slim'],
      }),
    });
    await serviceGenerator(tree, {
      name: 'pagos-service',
      database: true,
      upstream: 'catalogo-service',
      skipFormat: true,
    });
    return readProjectConfiguration(tree, 'pagos-service').targets ?? {};
  }

  it.each(['docker-build', 'smoke-test', 'ecr-push'])('%s: executor and options are valid', async (name) => {
    const target = (await generatedTargets())[name];
    expect(target.executor).toBe(`@ventas/nx-docker:${name}`);
    const executors = JSON.parse(read('tools/nx-docker/executors.json')).executors;
    expect(Object.keys(executors)).toContain(name);
    expect(violations(target.options ?? {}, executorSchema(name), 'options')).toEqual([]);
    for (const [configuration, options] of Object.entries(target.configurations ?? {})) {
      expect(violations(options, executorSchema(name), `configurations.${configuration}`)).toEqual([]);
    }
  });
});
