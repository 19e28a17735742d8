import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runScript, scriptsDir } from './run-script';

// registry.sh rotate-password on a private copy of the scripts (own state dir, a free port), so the machine's
// shared registry (55000) and tmp/services/registry.env are never touched: the running registry must refuse the
// old password and accept the new one at once, without a restart and without losing what it stores.

let port = 0;
let sandbox: string;
let script: string;
let envFile: string;
let env: Record<string, string>;

interface Credentials {
  user: string;
  password: string;
}

function registryEnv(): Credentials & { text: string } {
  const text = readFileSync(envFile, 'utf8');
  const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1] ?? '';
  return { user: value('REGISTRY_USER'), password: value('REGISTRY_PASSWORD'), text };
}

const auth = ({ user, password }: Credentials) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function status(credentials: Credentials, path = '/v2/', method = 'GET'): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { Authorization: auth(credentials) },
  });
  return response.status;
}

async function pid(): Promise<string> {
  return readFileSync(join(sandbox, 'state', 'registry', 'registry.pid'), 'utf8').trim();
}

/** Stores one blob through the registry API (monolithic upload): something a restart must not lose. */
async function uploadBlob(credentials: Credentials, content: string): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
  const start = await fetch(`http://127.0.0.1:${port}/v2/rotate-test/blobs/uploads/`, {
    method: 'POST',
    headers: { Authorization: auth(credentials) },
  });
  expect(start.status).toBe(202);
  const location = new URL(start.headers.get('location') as string, `http://127.0.0.1:${port}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { Authorization: auth(credentials), 'Content-Type': 'application/octet-stream' },
    body: content,
  });
  expect(put.status).toBe(201);
  return digest;
}

beforeAll(async () => {
  sandbox = mkdtempSync(join(tmpdir(), 'ventas-registry-rotate-'));
  const scripts = join(sandbox, 'repo', 'tools', 'scripts');
  cpSync(scriptsDir, scripts, { recursive: true, filter: (src) => !src.endsWith('.spec.ts') });
  script = join(scripts, 'registry.sh');
  envFile = join(sandbox, 'repo', 'tmp', 'services', 'registry.env');
  port = await freePort();
  env = { VENTAS_STATE_DIR: join(sandbox, 'state'), VENTAS_REGISTRY_PORT: String(port) };
  const start = await runScript(script, ['start'], { env });
  if (start.exitCode !== 0) throw new Error(`registry.sh start failed:\n${start.output}`);
}, 120_000);

afterAll(async () => {
  await runScript(script, ['stop'], { env });
  rmSync(sandbox, { recursive: true, force: true });
}, 60_000);

it('rotate-password: the running registry refuses the old password at once, keeps its pid and its storage', async () => {
  const before = registryEnv();
  expect(await status(before)).toBe(200);
  const blob = await uploadBlob(before, `stored before the rotation ${Date.now()}`);
  const pidBefore = await pid();

  const rotate = await runScript(script, ['rotate-password'], { env });
  expect(rotate.exitCode).toBe(0);
  expect(rotate.output).toContain(
    `[registry.sh] rotated the password of ${before.user}; the registry (pid ${pidBefore}) refuses the old one from now on`,
  );
  const after = registryEnv();
  expect(after.user).toBe(before.user);
  expect(after.password).toMatch(/^[0-9a-f]{32}$/);
  expect(after.password).not.toBe(before.password);
  expect(after.text).toBe(before.text.replace(before.password, after.password));
  expect(await status(before)).toBe(401);
  expect(await status(after)).toBe(200);
  expect(await pid()).toBe(pidBefore);
  expect(await status(after, `/v2/rotate-test/blobs/${blob}`, 'HEAD')).toBe(200);
  // A later `start` keeps the rotated password (it regenerates htpasswd from the kept credentials).
  const start = await runScript(script, ['start'], { env });
  expect(start.output).toContain('registry.env already up to date');
  expect(await status(after)).toBe(200);

  // Back to the first password, given on stdin: registry.env is byte for byte what it was.
  const restore = await execa('bash', [script, 'rotate-password', '--password-stdin'], {
    input: `${before.password}\n`,
    env,
    reject: false,
    all: true,
  });
  expect(restore.exitCode).toBe(0);
  expect(registryEnv().text).toBe(before.text);
  expect(await status(before)).toBe(200);
  expect(await status(after)).toBe(401);

  // Restoring again changes nothing.
  const again = await execa('bash', [script, 'rotate-password', '--password-stdin'], {
    input: before.password,
    env,
    reject: false,
    all: true,
  });
  expect(again.exitCode).toBe(0);
  expect(again.all).toContain('nothing to rotate');
  expect(registryEnv().text).toBe(before.text);
}, 60_000);

it('rotate-password refuses a password it could not write safely, and changes nothing', async () => {
  const before = registryEnv();
  const bad = await execa('bash', [script, 'rotate-password', '--password-stdin'], {
    input: 'has a "space"',
    env,
    reject: false,
    all: true,
  });
  expect(bad.exitCode).not.toBe(0);
  expect(bad.all).toMatch(/the password on stdin must be 8 to 128 letters/);
  expect(registryEnv().text).toBe(before.text);
  expect(await status(before)).toBe(200);
});

it('rotate-password of a registry that is not running: a clear error', async () => {
  const stopped = await runScript(script, ['rotate-password'], {
    env: { ...env, VENTAS_STATE_DIR: join(sandbox, 'nothing-here') },
  });
  expect(stopped.exitCode).not.toBe(0);
  expect(stopped.output).toContain('not running: start it first');
});
