import { posix } from 'node:path';
import type { SmokeTestEndpoint } from '../../../executors/smoke-test/schema';
import { camelCase, constantCase, pascalCase, resourceName } from '../../lib/names';
import type { NormalizedServiceOptions } from './normalize-options';

/** Pure: every value the templates under files/ read, derived once from the normalized options. */
export function templateVariables(options: NormalizedServiceOptions) {
  const resource = resourceName(options.name);
  const pascal = pascalCase(resource);
  const upstream = options.upstream
    ? {
        ...options.upstream,
        camel: camelCase(options.upstream.name),
        pascal: pascalCase(options.upstream.name),
        // From src/upstreams/ of the new service to the upstream's sources, which its tests bundle and run.
        srcFromTest: posix.relative(`${options.projectRoot}/src/upstreams`, `${options.upstream.root}/src`),
      }
    : null;
  return {
    tmpl: '',
    name: options.name,
    projectRoot: options.projectRoot,
    offsetFromRoot: options.offsetFromRoot,
    port: options.port,
    database: options.database,
    upstream,
    upstreamName: upstream?.name ?? '',
    // The resource a database service serves: pagos-service → /api/pagos, table pagos.
    resource,
    resourceCamel: camelCase(resource),
    table: resource.replace(/-/g, '_'),
    // Always quoted: a resource may be an SQL keyword (`both-service` → "both").
    tableSql: `"${resource.replace(/-/g, '_')}"`,
    constant: constantCase(resource),
    entity: `${pascal}Record`,
    entityPlural: `${pascal}Records`,
    codePrefix: resource.replace(/-/g, '').slice(0, 3).toUpperCase().padEnd(2, 'X'),
    populateLock: advisoryLockKey(options.name),
    required: [
      ...(options.database ? ['DATABASE_URL'] : []),
      ...(options.upstream ? [options.upstream.urlEnv] : []),
    ],
  };
}

/** What the smoke test asks the running image, beyond its health path. */
export function smokeEndpoints(options: NormalizedServiceOptions): SmokeTestEndpoint[] {
  const resource = resourceName(options.name);
  return [
    { path: '/api/info', json: { service: options.name } },
    ...(options.database || options.upstream ? [{ path: '/ready', json: { status: 'ok' } }] : []),
    ...(options.database ? [{ path: `/api/${resource}?limit=1`, status: 200 }] : []),
    ...(options.upstream
      ? [{ path: `/api/upstreams/${options.upstream.name}`, json: { upstream: { status: 'up' } } }]
      : []),
  ];
}

/** A stable positive int32 per service (FNV-1a), so two services never share a populate-db advisory lock. */
export function advisoryLockKey(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of name) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 1) | 1;
}
