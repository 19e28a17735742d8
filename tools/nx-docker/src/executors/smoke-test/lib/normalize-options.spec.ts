import { normalizeOptions } from './normalize-options';

const context = { root: '/ws', projectName: 'catalogo-service' };

describe('normalizeOptions', () => {
  it('defaults every option', () => {
    expect(normalizeOptions({}, context)).toEqual({
      project: 'catalogo-service',
      workspaceRoot: '/ws',
      expectations: { platform: 'linux/amd64', port: 8000, maxSizeMb: 500 },
      port: 8000,
      healthPath: '/health',
      timeoutSeconds: 60,
      stopTimeoutSeconds: 10,
      healthIntervalSeconds: 0,
      env: {},
      envFile: null,
      jwtSecretEnv: null,
      endpoints: [],
      services: [],
      labels: {},
      logLines: 40,
    });
  });

  it('normalizes endpoints, services and paths', () => {
    const options = normalizeOptions(
      {
        port: 8001,
        envFile: 'apps/x/.env.smoke',
        endpoints: [{ path: '/api/x', method: 'post', status: 201, json: { ok: true } }, { path: '/y' }],
        services: [
          { alias: 'db', image: 'postgres:15-bookworm', env: { POSTGRES_DB: 'x' } },
          { alias: 'catalogo', project: 'catalogo-service', envFile: '/abs/.env', command: ['serve'] },
        ],
      },
      context,
    );
    expect(options.expectations.port).toBe(8001);
    expect(options.envFile).toBe('/ws/apps/x/.env.smoke');
    expect(options.endpoints).toEqual([
      {
        path: '/api/x',
        method: 'POST',
        status: 201,
        bodyContains: null,
        json: { ok: true },
        headers: {},
        bearerSubject: null,
      },
      {
        path: '/y',
        method: 'GET',
        status: 200,
        bodyContains: null,
        json: null,
        headers: {},
        bearerSubject: null,
      },
    ]);
    expect(options.services).toEqual([
      {
        alias: 'db',
        source: { kind: 'image', ref: 'postgres:15-bookworm' },
        env: { POSTGRES_DB: 'x' },
        envFile: null,
        command: [],
        tmpfs: [],
        healthCmd: null,
        readyLog: null,
        readyPort: null,
      },
      {
        alias: 'catalogo',
        source: { kind: 'project', project: 'catalogo-service' },
        env: {},
        envFile: '/abs/.env',
        command: ['serve'],
        tmpfs: [],
        healthCmd: null,
        readyLog: null,
        readyPort: null,
      },
    ]);
  });

  it('sends headers and mints bearer tokens only with a jwtSecretEnv; mounts tmpfs', () => {
    const options = normalizeOptions(
      {
        jwtSecretEnv: 'JWT_SECRET',
        env: { CLIENTE_SERVICE_URL: 'http://cliente:8000' },
        endpoints: [
          { path: '/api/profile/1', bearerSubject: '1', bodyContains: 'fullName' },
          { path: '/api/sales', method: 'POST', headers: { 'Idempotency-Key': 'smoke-1' }, status: 201 },
        ],
        services: [{ alias: 'db', image: 'postgres:15-bookworm', tmpfs: ['/var/lib/postgresql/data'] }],
      },
      context,
    );
    expect(options.jwtSecretEnv).toBe('JWT_SECRET');
    expect(options.env).toEqual({ CLIENTE_SERVICE_URL: 'http://cliente:8000' });
    expect(options.endpoints.map(({ headers, bearerSubject }) => ({ headers, bearerSubject }))).toEqual([
      { headers: {}, bearerSubject: '1' },
      { headers: { 'Idempotency-Key': 'smoke-1' }, bearerSubject: null },
    ]);
    expect(options.services[0].tmpfs).toEqual(['/var/lib/postgresql/data']);
  });

  it('keeps one readiness test per sidecar', () => {
    const options = normalizeOptions(
      {
        services: [
          { alias: 'db', image: 'postgres:15-bookworm', healthCmd: ' pg_isready -h 127.0.0.1 -U app ' },
          { alias: 'api', image: 'api:1', readyLog: '^listening on \\d+$' },
          { alias: 'cache', image: 'redis:7', readyPort: 6379 },
        ],
      },
      context,
    );
    expect(
      options.services.map(({ alias, healthCmd, readyLog, readyPort }) => ({
        alias,
        healthCmd,
        readyLog,
        readyPort,
      })),
    ).toEqual([
      { alias: 'db', healthCmd: 'pg_isready -h 127.0.0.1 -U app', readyLog: null, readyPort: null },
      { alias: 'api', healthCmd: null, readyLog: '^listening on \\d+$', readyPort: null },
      { alias: 'cache', healthCmd: null, readyLog: null, readyPort: 6379 },
    ]);
  });

  it.each([
    [{ port: 0 }, /port 0 is not a TCP port/],
    [{ port: 8000.5 }, /port 8000.5 is not a TCP port/],
    [{ healthPath: 'health' }, /healthPath 'health' must start with '\/'/],
    [{ timeoutSeconds: 0 }, /timeoutSeconds must be a positive number, got 0/],
    [{ maxSizeMb: -1 }, /maxSizeMb must be a positive number/],
    [{ healthIntervalSeconds: -1 }, /healthIntervalSeconds must be a non-negative number/],
    [{ endpoints: [{ path: 'x' }] }, /endpoint path 'x' must start with '\/'/],
    [{ endpoints: [{ path: '/x', status: 999 }] }, /expects status 999, which is not an HTTP status/],
    [{ env: { 'BAD-KEY': 'x' } }, /env key 'BAD-KEY' is not a valid variable name/],
    [{ services: [{ alias: 'DB', image: 'p' }] }, /service alias 'DB' must be a lower-case DNS name/],
    [{ services: [{ alias: 'db' }] }, /service 'db' needs exactly one of "image".*or "project"/],
    [{ services: [{ alias: 'db', image: 'a', project: 'b' }] }, /needs exactly one of/],
    [
      {
        services: [
          { alias: 'db', image: 'a' },
          { alias: 'db', image: 'b' },
        ],
      },
      /two services use the alias 'db'/,
    ],
    [{ services: [{ alias: 'db', image: 'p', healthCmd: ' ' }] }, /service 'db' has an empty healthCmd/],
    [
      { services: [{ alias: 'db', image: 'p', readyLog: '(' }] },
      /service 'db' readyLog is not a valid regular expression/,
    ],
    [
      { services: [{ alias: 'db', image: 'p', readyPort: 70000 }] },
      /service 'db' readyPort 70000 is not a TCP port/,
    ],
    [
      { services: [{ alias: 'db', image: 'p', healthCmd: 'x', readyPort: 5432 }] },
      /service 'db' sets healthCmd and readyPort; set only one/,
    ],
    [
      { services: [{ alias: 'db', image: 'p', readyLog: 'ready', readyPort: 5432 }] },
      /service 'db' sets readyLog and readyPort; set only one/,
    ],
    [{ labels: { 'ventas.smoke': 'x' } }, /label 'ventas.smoke' is set by the smoke test itself/],
    [{ endpoints: [{ path: '/p', bearerSubject: '1' }] }, /sets bearerSubject but jwtSecretEnv is not set/],
    [{ jwtSecretEnv: 'JWT_SECRET', endpoints: [{ path: '/p', bearerSubject: '' }] }, /empty bearerSubject/],
    [
      {
        jwtSecretEnv: 'JWT_SECRET',
        endpoints: [{ path: '/p', bearerSubject: '1', headers: { authorization: 'Bearer x' } }],
      },
      /sets both bearerSubject and an Authorization header/,
    ],
    [{ jwtSecretEnv: 'JWT-SECRET' }, /jwtSecretEnv 'JWT-SECRET' is not a valid variable name/],
    [
      { jwtSecretEnv: 'JWT_SECRET', env: { JWT_SECRET: 'x' } },
      /jwtSecretEnv 'JWT_SECRET' is also set in env/,
    ],
    [
      { endpoints: [{ path: '/p', headers: { 'Bad Header': 'x' } }] },
      /header 'Bad Header' is not a valid HTTP/,
    ],
    [
      { endpoints: [{ path: '/p', headers: { 'X-A': 'a\r\nX-B: b' } }] },
      /must be a string without line breaks/,
    ],
    [
      { services: [{ alias: 'db', image: 'p', tmpfs: ['var/lib/postgresql/data'] }] },
      /tmpfs 'var\/lib\/postgresql\/data' must be an absolute container path/,
    ],
    [{ labels: { 'bad label': 'x' } }, /label 'bad label' is not a valid Docker label key/],
  ])('rejects %j', (raw, message) => {
    expect(() => normalizeOptions(raw as never, context)).toThrow(message);
    expect(() => normalizeOptions(raw as never, context)).toThrow(
      /^Invalid smoke-test option for catalogo-service: /,
    );
  });

  it('needs a project', () => {
    expect(() => normalizeOptions({}, { root: '/ws', projectName: undefined })).toThrow(/project target/);
  });
});
