import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialHelperFixture, HELPER } from '../../../test/ecr-push/credential-helper';
import { NxDockerError } from '../errors';
import { dockerConfigCredentials, lookupCredentials, parseHelperAnswer } from './docker-config';

const HOST = '127.0.0.1:55000';
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

describe('lookupCredentials (where the docker CLI takes them from)', () => {
  it.each([
    [
      'a credHelpers entry for the host',
      { credHelpers: { [HOST]: 'ecr-login' } },
      { kind: 'helper', helper: 'ecr-login' },
    ],
    ['the credsStore for every host', { credsStore: 'pass' }, { kind: 'helper', helper: 'pass' }],
    [
      'credHelpers wins over credsStore and auths',
      {
        credHelpers: { [HOST]: 'ecr-login' },
        credsStore: 'pass',
        auths: { [HOST]: { auth: basic('u', 'p') } },
      },
      { kind: 'helper', helper: 'ecr-login' },
    ],
    [
      'a helper for another host: the credsStore',
      { credHelpers: { 'other:5000': 'ecr-login' }, credsStore: 'pass' },
      { kind: 'helper', helper: 'pass' },
    ],
    [
      'an inline auths entry',
      { auths: { [HOST]: { auth: basic('u', 'p:with:colons') } } },
      { kind: 'inline', credentials: { username: 'u', password: 'p:with:colons' } },
    ],
    [
      'an auths entry keyed with a scheme',
      { auths: { [`http://${HOST}`]: { username: 'u', password: 'p' } } },
      { kind: 'inline', credentials: { username: 'u', password: 'p' } },
    ],
    ['an empty auths entry (a helper marker)', { auths: { [HOST]: {} } }, { kind: 'none' }],
    ['nothing for the host', { auths: { 'other:5000': { auth: basic('u', 'p') } } }, { kind: 'none' }],
  ])('%s', (_name, config, expected) => {
    expect(lookupCredentials(config, HOST)).toEqual(expected);
  });

  it('refuses a helper name that is a path', () => {
    expect(() => lookupCredentials({ credsStore: '../../bin/sh' }, HOST)).toThrow(NxDockerError);
  });
});

describe('parseHelperAnswer', () => {
  it.each([
    [
      'credentials',
      { exitCode: 0, stdout: '{"ServerURL":"h","Username":"u","Secret":"s"}', stderr: '' },
      { username: 'u', password: 's' },
    ],
    [
      'not found (exit 1)',
      { exitCode: 1, stdout: 'credentials not found in native keychain', stderr: '' },
      null,
    ],
    [
      'an identity token (not a password)',
      { exitCode: 0, stdout: '{"Username":"<token>","Secret":"refresh"}', stderr: '' },
      null,
    ],
    ['an empty secret', { exitCode: 0, stdout: '{"Username":"u","Secret":""}', stderr: '' }, null],
  ])('%s', (_name, answer, expected) => {
    expect(parseHelperAnswer('x', HOST, answer)).toEqual(expected);
  });

  it.each([
    [
      'a failure',
      { exitCode: 3, stdout: '', stderr: 'keychain locked' },
      /docker-credential-x failed for 127\.0\.0\.1:55000 \(exit code 3\): keychain locked/,
    ],
    ['no JSON', { exitCode: 0, stdout: 'hello', stderr: '' }, /docker-credential-x answered no JSON/],
  ])('%s is a clear error', (_name, answer, message) => {
    expect(() => parseHelperAnswer('x', HOST, answer)).toThrow(message);
  });
});

describe('dockerConfigCredentials with a real helper on PATH', () => {
  const secret = `helper-secret-${process.pid}-${Date.now()}`;
  const fixture = credentialHelperFixture({ server: HOST, username: 'helper-user', secret });
  beforeEach(() => fixture.apply());
  afterEach(() => fixture.restore());
  afterAll(() => {
    rmSync(fixture.binDir, { recursive: true, force: true });
    rmSync(fixture.configDir, { recursive: true, force: true });
  });

  it(`runs docker-credential-${HELPER} get with the server on stdin, and writes the secret nowhere`, async () => {
    const before = snapshot(fixture.configDir);
    await expect(dockerConfigCredentials(HOST)).resolves.toEqual({
      username: 'helper-user',
      password: secret,
    });
    expect(fixture.calls()).toEqual([HOST]);
    // Nothing was written to the docker config, and no file there or beside the helper holds the secret.
    expect(snapshot(fixture.configDir)).toEqual(before);
    for (const dir of [fixture.configDir, fixture.binDir]) {
      for (const file of readdirSync(dir))
        expect(readFileSync(join(dir, file), 'utf8')).not.toContain(secret);
    }
  });

  it('a host the helper does not know: no credentials, as the docker CLI', async () => {
    await expect(dockerConfigCredentials('other.example:5000')).resolves.toBeNull();
  });

  it('a helper that is not installed: a clear error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-helper-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: 'ventas-missing' }));
      await expect(dockerConfigCredentials(HOST, { ...process.env, DOCKER_CONFIG: dir })).rejects.toThrow(
        /names the credential helper docker-credential-ventas-missing for 127\.0\.0\.1:55000, but it is not on PATH/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('plain auths entries keep working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auths-'));
    try {
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({ auths: { [HOST]: { auth: basic('a', 'b') } } }),
      );
      await expect(dockerConfigCredentials(HOST, { ...process.env, DOCKER_CONFIG: dir })).resolves.toEqual({
        username: 'a',
        password: 'b',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Names, sizes and mtimes of a directory's files: what "nothing was written" compares. */
function snapshot(dir: string): string[] {
  return readdirSync(dir).map((name) => {
    const stats = statSync(join(dir, name));
    return `${name} ${stats.size} ${stats.mtimeMs}`;
  });
}
