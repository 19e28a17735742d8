import type { SmokeTestService } from '../../executors/smoke-test/schema';
import { withPostgresHealthCmd } from './upstream';

const env = { POSTGRES_USER: 'catalogo', POSTGRES_PASSWORD: 'secret', POSTGRES_DB: 'catalogo' };
const tcp = 'pg_isready -h 127.0.0.1 -p 5432 -U catalogo -d catalogo';

describe('withPostgresHealthCmd', () => {
  it.each<[string, SmokeTestService, string | undefined]>([
    [
      'adds the TCP probe to a PostgreSQL sidecar without one',
      { alias: 'db', image: 'postgres:15-bookworm', env },
      tcp,
    ],
    [
      'replaces a probe of the Unix socket (ready too early during first-start init)',
      { alias: 'db', image: 'postgres:15-bookworm', env, healthCmd: 'pg_isready -U catalogo -d catalogo' },
      tcp,
    ],
    [
      "uses the image's defaults without POSTGRES_USER / POSTGRES_DB",
      { alias: 'db', image: 'docker.io/library/postgres:16' },
      'pg_isready -h 127.0.0.1 -p 5432 -U postgres -d postgres',
    ],
    [
      'keeps a TCP probe',
      { alias: 'db', image: 'postgres:15-bookworm', env, healthCmd: 'pg_isready -h localhost -U x' },
      'pg_isready -h localhost -U x',
    ],
    [
      'keeps any other command',
      { alias: 'db', image: 'postgres:15-bookworm', env, healthCmd: 'psql -c "select 1"' },
      'psql -c "select 1"',
    ],
    ['leaves other images alone', { alias: 'cache', image: 'redis:7' }, undefined],
    ['leaves project sidecars alone', { alias: 'api', project: 'catalogo-service' }, undefined],
  ])('%s', (_, sidecar, healthCmd) => {
    expect(withPostgresHealthCmd(sidecar)).toEqual({ ...sidecar, ...(healthCmd ? { healthCmd } : {}) });
  });
});
