import {
  closedPort,
  createTestDatabase,
  spawnService,
  type ServiceProcess,
  type TestDatabase,
} from '@ventas/service-kit';
import { join } from 'node:path';

describe('cliente-service processes', () => {
  let database: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('cliente_main');
  });

  afterEach(async () => {
    await service?.stop('SIGKILL');
    service = undefined;
  });

  afterAll(() => database?.drop());

  it('populate-db then the server: both health paths answer, SIGTERM exits 0', async () => {
    const env = { DATABASE_URL: database.url.replace('postgresql://', 'postgresql+asyncpg://') };
    const populate = await spawnService({ entry: join(__dirname, 'populate-db.ts'), env });
    expect(await populate.exited).toBe(0);
    service = await spawnService({ entry: join(__dirname, 'main.ts'), env, healthPath: '/api/health' });
    expect((await fetch(`${service.url}/api/cliente/health`)).status).toBe(200);
    const list = (await (await fetch(`${service.url}/api/customers?limit=1`)).json()) as { total: number };
    expect(list.total).toBeGreaterThan(0);
    expect(await service.stop('SIGTERM')).toBe(0);
  });

  it('database down at start: logs every try, then exits 1', async () => {
    const port = await closedPort();
    service = await spawnService({
      entry: join(__dirname, 'main.ts'),
      env: {
        DATABASE_URL: `postgres://u:p@127.0.0.1:${port}/db`,
        DB_CONNECT_ATTEMPTS: '2',
        DB_CONNECT_DELAY_MS: '10',
      },
    });
    expect(await service.exited).toBe(1);
    expect(service.logs().filter((line) => line['msg'] === 'database connection failed')).toHaveLength(2);
    // The fatal line goes to stderr, the tries to stdout: two pipes, so their order here is not guaranteed.
    const fatal = service.logs().filter((line) => line['level'] === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]['msg']).toMatch(
      /^startup failed: Could not connect to PostgreSQL at .* after 2 attempts/,
    );
  });
});
