import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript, scriptsDir } from './run-script';

// services.sh up, then down, on a private copy of the scripts with their own state dir and ports, so the
// machine's shared services (55000, 55432, 55500) are never touched: proves a cold start (fresh cluster,
// fresh registry user) and a clean stop (ports closed, processes gone, env files removed).

const ports = { registry: 55001, postgres: 55433, moto: 55501 };
let sandbox: string;
let scripts: string;
let env: Record<string, string>;

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

beforeAll(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'ventas-services-spec-'));
  // The postgres OS user must reach its data dir inside the sandbox.
  chmodSync(sandbox, 0o755);
  scripts = join(sandbox, 'repo', 'tools', 'scripts');
  cpSync(scriptsDir, scripts, { recursive: true, filter: (src) => !src.endsWith('.spec.ts') });
  env = {
    VENTAS_STATE_DIR: join(sandbox, 'state'),
    VENTAS_REGISTRY_PORT: String(ports.registry),
    VENTAS_PG_PORT: String(ports.postgres),
    VENTAS_MOTO_PORT: String(ports.moto),
  };
});

afterAll(async () => {
  // Also on failure: nothing of ours may keep running.
  await runScript(join(scripts, 'services.sh'), ['down'], { env });
  rmSync(sandbox, { recursive: true, force: true });
}, 120_000);

it('services.sh up starts everything on its ports, and down stops it cleanly', async () => {
  for (const port of Object.values(ports)) {
    if (await portAnswers(port)) throw new Error(`port ${port} is already in use; this test needs it free`);
  }

  const up = await runScript(join(scripts, 'services.sh'), ['up'], { env });
  console.log(`services.sh up (cold, private ports): ${up.seconds.toFixed(1)} s`);
  if (up.exitCode !== 0) throw new Error(`services.sh up failed:\n${up.output}`);
  expect(up.output).toContain(`[registry.sh] starting docker-registry on 127.0.0.1:${ports.registry}`);
  expect(up.output).toContain('[postgres.sh] initialising a new cluster');
  expect(up.output).toContain('[postgres.sh] created role ventas (CREATEDB, random password)');
  expect(up.output).toContain(`[moto.sh] starting moto_server on 127.0.0.1:${ports.moto}`);
  for (const port of Object.values(ports)) expect(await portAnswers(port)).toBe(true);

  const envDir = join(sandbox, 'repo', 'tmp', 'services');
  expect(readFileSync(join(envDir, 'registry.env'), 'utf8')).toContain(
    `REGISTRY_HOST=127.0.0.1:${ports.registry}\n`,
  );
  expect(readFileSync(join(envDir, 'postgres.env'), 'utf8')).toMatch(
    new RegExp(
      `^TEST_DATABASE_URL=postgres://ventas:[0-9a-f]{32}@127\\.0\\.0\\.1:${ports.postgres}/ventas_test$`,
      'm',
    ),
  );
  expect(readFileSync(join(envDir, 'moto.env'), 'utf8')).toContain(
    `ECR_ENDPOINT_URL=http://127.0.0.1:${ports.moto}\n`,
  );

  const down = await runScript(join(scripts, 'services.sh'), ['down'], { env });
  console.log(`services.sh down: ${down.seconds.toFixed(1)} s`);
  expect(down.exitCode).toBe(0);
  expect(down.output).toContain('[registry.sh] stopped');
  expect(down.output).toContain('[moto.sh] stopped');
  expect(down.output).toContain('[postgres.sh] stopped');
  for (const port of Object.values(ports)) expect(await portAnswers(port)).toBe(false);
  for (const file of ['registry.env', 'postgres.env', 'moto.env'])
    expect(existsSync(join(envDir, file))).toBe(false);
  // PostgreSQL removes its pid file only after a clean shutdown.
  expect(existsSync(join(sandbox, 'state', 'postgres', 'data', 'postmaster.pid'))).toBe(false);
}, 600_000);
