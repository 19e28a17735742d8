import { ENGINE_LEG } from '../support/engine';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import ecrPushExecutor from '../../src/executors/ecr-push/ecr-push.impl';
import { applyPush } from '../../src/executors/ecr-push/lib/apply-push';
import type { EcrPushExecutorSchema } from '../../src/executors/ecr-push/schema';
import { openDockerSession } from '../../src/lib/registry/docker-login';
import { parseJUnit } from '../support/junit';
import { credentialHelperFixture } from './credential-helper';
import {
  buildTestImage,
  captureOutput,
  closedPort,
  deleteFromRegistry,
  fakeContext,
  filesContaining,
  leftoverLoginDirs,
  removeTestImage,
  TestImage,
  tempWorkspace,
  uniqueName,
} from './helpers';

/**
 * ecr-push against a REAL registry (distribution, basic auth) on 127.0.0.1: the push protocol for
 * real, as CI runs it. Needs `bash tools/scripts/registry.sh start` (writes tmp/services/registry.env
 * with REGISTRY_HOST, REGISTRY_USER, REGISTRY_PASSWORD, loaded by the jest setup file).
 */
const host = process.env['REGISTRY_HOST'];
const user = process.env['REGISTRY_USER'];
const password = process.env['REGISTRY_PASSWORD'];

jest.setTimeout(120_000);

if (!host || !user || !password) {
  it('needs the test registry', () => {
    throw new Error(
      'REGISTRY_HOST, REGISTRY_USER and REGISTRY_PASSWORD are not set. Run `bash tools/scripts/registry.sh start` (it writes tmp/services/registry.env).',
    );
  });
} else {
  describe(`ecr-push to the registry at ${host}`, () => {
    const root = tempWorkspace();
    const project = uniqueName('itpush');
    const repository = `${uniqueName('ecr-push-it')}/${project}`;
    const images: TestImage[] = [];
    const loginDirsBefore = new Set(leftoverLoginDirs());
    let output: ReturnType<typeof captureOutput>;
    let allOutput = '';
    const errors: string[] = [];

    const options = (extra: Partial<EcrPushExecutorSchema> = {}): EcrPushExecutorSchema => ({
      registry: host,
      repository,
      usernameEnv: 'REGISTRY_USER',
      passwordEnv: 'REGISTRY_PASSWORD',
      tags: ['{version}', 'latest'],
      version: '1.0.0',
      retries: 2,
      retryDelayMs: 50,
      ...extra,
    });
    const run = async (extra: Partial<EcrPushExecutorSchema> = {}, workspace = root, name = project) => {
      try {
        return await ecrPushExecutor(options(extra), fakeContext(workspace, name));
      } catch (error) {
        errors.push(String((error as Error).message));
        throw error;
      }
    };
    const readJUnit = (workspace: string, name: string) =>
      parseJUnit(readFileSync(join(workspace, 'dist', 'images', name, 'push.junit.xml'), 'utf8')).testsuites;
    const pushRecord = () =>
      JSON.parse(readFileSync(join(root, 'dist', 'images', project, 'push.json'), 'utf8'));
    /** The digest the registry answers for a tag, read independently of the plugin. */
    const registryDigest = async (tag: string) => {
      const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
        method: 'HEAD',
        headers: {
          Accept:
            'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
          Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
        },
      });
      return response.status === 200 ? response.headers.get('docker-content-digest') : null;
    };

    beforeAll(async () => {
      images.push(await buildTestImage(root, project, `first ${project}`));
    });
    beforeEach(() => {
      output = captureOutput();
    });
    afterEach(() => {
      allOutput += output.text();
      output.restore();
    });
    /** Every repository this file pushes to, to delete its tags afterwards. */
    const pushedRepositories = new Set<string>([repository]);
    afterAll(async () => {
      for (const image of images) await removeTestImage(image);
      for (const name of pushedRepositories) {
        await deleteFromRegistry(
          host as string,
          { username: user as string, password: password as string },
          name,
          ['1.0.0', 'latest', 'fresh'],
        );
      }
      rmSync(root, { recursive: true, force: true });
    });

    it('dryRun prints the plan and pushes nothing', async () => {
      await expect(run({ dryRun: true })).resolves.toEqual({ success: true });
      expect(output.text()).toMatch(/plan \(dry run, nothing is pushed\)/);
      expect(output.text()).toMatch(
        new RegExp(`push +${host}/${repository}:1\\.0\\.0 +not in the registry yet`),
      );
      expect(await registryDigest('1.0.0')).toBeNull();
      expect(existsSync(join(root, 'dist', 'images', project, 'push.json'))).toBe(false);
    });

    it('first push: pushes every tag, reads the digest back, writes push.json and the deploy manifest', async () => {
      await expect(run()).resolves.toEqual({ success: true });
      const record = pushRecord();
      expect(record).toEqual({
        version: 1,
        project,
        registry: host,
        repositoryUri: `${host}/${repository}`,
        imageId: images[0].imageId,
        platform: 'linux/amd64',
        tags: ['1.0.0', 'latest'],
        pushed: ['1.0.0', 'latest'],
        skipped: [],
        digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/),
        imageUri: `${host}/${repository}@${record.digest}`,
        pushedAt: expect.any(String),
      });
      // The digest docker push printed is the one the registry stores, for both tags.
      expect(output.text()).toContain(`digest: ${record.digest}`);
      expect(await registryDigest('1.0.0')).toBe(record.digest);
      expect(await registryDigest('latest')).toBe(record.digest);
      expect(output.text()).toMatch(/\(read back: equal; one image manifest\)/);
      const deploy = JSON.parse(
        readFileSync(join(root, 'dist', 'deploy', 'images.auto.tfvars.json'), 'utf8'),
      );
      expect(deploy).toEqual({ service_images: { [project]: record.imageUri } });
      // push.junit.xml: one passing case per tag, read with a real XML parser.
      const junit = readJUnit(root, project);
      expect(junit).toEqual(expect.objectContaining({ name: 'ecr-push', tests: '2', failures: '0' }));
      expect(junit.testsuite[0].testcase.map((entry: { name: string }) => entry.name)).toEqual([
        `${project}:1.0.0`,
        `${project}:latest`,
      ]);
    });

    it('second push: every tag already holds the digest, so nothing is pushed', async () => {
      const before = pushRecord();
      await expect(run({ immutableTags: true })).resolves.toEqual({ success: true });
      const after = pushRecord();
      expect(after.skipped).toEqual(['1.0.0', 'latest']);
      expect(after.pushed).toEqual([]);
      expect(after.digest).toBe(before.digest);
      expect(output.text()).toMatch(/skip +\S+:1\.0\.0 +already holds this image/);
      expect(output.text()).not.toMatch(/docker login|Login Succeeded|digest: sha256/);
    });

    it('an immutable tag holding another image stops the push before anything is pushed', async () => {
      const digestBefore = await registryDigest('1.0.0');
      images.push(await buildTestImage(root, project, `second ${project}`));
      await expect(run({ immutableTags: true, tags: ['{version}', 'fresh'] })).resolves.toEqual({
        success: false,
      });
      expect(output.text()).toMatch(/\] \S+:1\.0\.0: immutable tag already holds another image/);
      expect(output.text()).toMatch(/Nothing was pushed/);
      expect(await registryDigest('1.0.0')).toBe(digestBefore);
      expect(await registryDigest('fresh')).toBeNull();
    });

    it('without immutableTags the tag moves to the new image, and says from where', async () => {
      const digestBefore = await registryDigest('1.0.0');
      await expect(run({ tags: ['{version}'] })).resolves.toEqual({ success: true });
      expect(output.text()).toMatch(/push +\S+:1\.0\.0 +moves from sha256:/);
      const record = pushRecord();
      expect(record.imageId).toBe(images[1].imageId);
      expect(record.digest).not.toBe(digestBefore);
      expect(await registryDigest('1.0.0')).toBe(record.digest);
    });

    it('wrong password: a clear error, no endless retries', async () => {
      const saved = process.env['REGISTRY_PASSWORD'];
      process.env['WRONG_PASSWORD'] = 'not-the-password-42';
      const started = Date.now();
      try {
        await expect(run({ passwordEnv: 'WRONG_PASSWORD' })).rejects.toThrow(
          new RegExp(`The registry ${host.replace(/\./g, '\\.')} refused the credentials of user '${user}'`),
        );
      } finally {
        process.env['REGISTRY_PASSWORD'] = saved;
        delete process.env['WRONG_PASSWORD'];
      }
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(output.text()).not.toMatch(/retrying/);
    });

    it('wrong password at docker login: refused with a clear error, temp DOCKER_CONFIG removed', async () => {
      const dirsBefore = new Set(leftoverLoginDirs());
      await expect(
        openDockerSession({
          host: host as string,
          credentials: async () => ({ username: user as string, password: 'not-the-password-42' }),
          retry: { retries: 2, minDelayMs: 50 },
        }),
      ).rejects.toThrow(
        new RegExp(`docker login to ${host.replace(/\./g, '\\.')} was refused: wrong username or password`),
      );
      expect(leftoverLoginDirs().filter((name) => !dirsBefore.has(name))).toEqual([]);
    });

    it('registry down: bounded retries, then a clear error', async () => {
      const port = await closedPort();
      const started = Date.now();
      await expect(run({ registry: `127.0.0.1:${port}`, retries: 2, retryDelayMs: 100 })).rejects.toThrow(
        new RegExp(
          `failed after 3 attempts: .*127\\.0\\.0\\.1:${port}.*ECONNREFUSED[\\s\\S]*Hint: Is the registry 127\\.0\\.0\\.1:${port} running`,
        ),
      );
      const elapsed = Date.now() - started;
      expect(output.text().match(/retrying/g)).toHaveLength(2);
      expect(elapsed).toBeGreaterThanOrEqual(300); // 100 + 200 ms of backoff
      expect(elapsed).toBeLessThan(10_000);
    });

    it('an image without a passing smoke test is refused: nothing reaches the registry', async () => {
      const untested = uniqueName('ituntested');
      const image = await buildTestImage(root, untested, `untested ${untested}`, { smoke: false });
      images.push(image);
      const port = await closedPort(); // any network call would show up as retries
      await expect(run({ registry: `127.0.0.1:${port}` }, root, untested)).resolves.toEqual({
        success: false,
      });
      expect(output.text()).toContain(
        `[${untested}] Refusing to push ${untested} (${untested}:1.0.0, ${image.imageId.replace('sha256:', '').slice(0, 12)}): it has not been smoke-tested`,
      );
      expect(output.text()).toContain(`Hint: run 'nx run ${untested}:smoke-test', then push again.`);
      expect(output.text()).not.toMatch(/retrying|plan/);
      expect(readJUnit(root, untested)).toEqual(expect.objectContaining({ tests: '2', failures: '2' }));
    });

    describe('a host that does not resolve fails on the first attempt, quickly', () => {
      // RFC 2606: .invalid never resolves. minDelayMs 2000 with 2 retries: a retried run would take at least 6 s.
      const unknown = 'registry.invalid:5000';
      const slowRetry = { retries: 2, minDelayMs: 2000 };

      it('docker login', async () => {
        const lines: string[] = [];
        const started = Date.now();
        await expect(
          openDockerSession({
            host: unknown,
            credentials: async () => ({ username: user as string, password: password as string }),
            retry: { ...slowRetry, log: (line) => lines.push(line) },
          }),
        ).rejects.toThrow(/docker login to registry\.invalid:5000 failed: the host name does not resolve/);
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(lines).toEqual([
          expect.stringMatching(/^docker login registry\.invalid:5000: attempt 1 of 3 failed, not retried/),
        ]);
      });

      it('ecr-push (the registry API, before any login)', async () => {
        const started = Date.now();
        await expect(run({ registry: unknown, retries: 2, retryDelayMs: 2000 })).rejects.toThrow(
          /The registry host registry\.invalid:5000 does not resolve/,
        );
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(output.text()).toMatch(/attempt 1 of 3 failed, not retried/);
        expect(output.text()).not.toMatch(/retrying/);
      });

      it('docker push', async () => {
        const lines: string[] = [];
        const ref = `${unknown}/${repository}:1.0.0`;
        // The image the project's image.json names now (the first one lost its tag to the second).
        const current = JSON.parse(readFileSync(join(root, 'dist', 'images', project, 'image.json'), 'utf8'));
        const started = Date.now();
        await expect(
          applyPush({
            imageId: current.imageId,
            platform: 'linux/amd64',
            configDigest: current.configDigest,
            repository,
            steps: [{ action: 'push', tag: '1.0.0', ref, replaces: null, reason: 'test' }],
            remote: { kind: 'oci', describeTags: async () => [], readDigest: async () => null },
            session: { env: {}, configDir: null, relogin: async () => undefined, dispose: () => undefined },
            retry: { ...slowRetry, log: (line) => lines.push(line) },
            pushTimeoutMs: 60_000,
            secrets: () => [],
            log: (line) => lines.push(line),
          }),
        ).rejects.toThrow(
          /docker push registry\.invalid:5000\/\S+ failed: the registry host does not resolve \(.*no such host\)/,
        );
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(lines).toEqual([
          expect.stringMatching(/^docker push \S+: attempt 1 of 3 failed, not retried/),
        ]);
      });
    });

    describe('credentials rotated in the middle of a run (registry.sh rotate-password)', () => {
      // A registry of its own (the same registry.sh and docker-registry, from a sandbox copy of the scripts with
      // its own state dir, port and env file): rotating the shared one's password would break every test that
      // runs beside this file.
      const sandbox = mkdtempSync(join(tmpdir(), 'rotate-registry-'));
      const script = join(sandbox, 'repo', 'tools', 'scripts', 'registry.sh');
      const envFile = join(sandbox, 'repo', 'tmp', 'services', 'registry.env');
      let scriptEnv: NodeJS.ProcessEnv = {};
      let rotationHost = '';
      let rotationUser = '';
      let originalPassword = '';
      const originalEnv = () => readFileSync(envFile, 'utf8');
      let envBefore = '';
      const envValue = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(originalEnv())?.[1] ?? '';
      const rotationRun = (extra: Partial<EcrPushExecutorSchema>) =>
        run({
          registry: rotationHost,
          usernameEnv: 'ROTATION_REGISTRY_USER',
          passwordEnv: 'ROTATION_REGISTRY_PASSWORD',
          ...extra,
        });

      /** Synchronous on purpose: it runs inside the log line, so the push cannot start before it is done. */
      const rotate = (): string => {
        execFileSync('bash', [script, 'rotate-password'], {
          encoding: 'utf8',
          stdio: 'pipe',
          env: scriptEnv,
        });
        const rotated = envValue('REGISTRY_PASSWORD');
        expect(rotated).not.toBe(originalPassword);
        return rotated;
      };
      const restore = () => {
        execFileSync('bash', [script, 'rotate-password', '--password-stdin'], {
          input: originalPassword,
          stdio: 'pipe',
          env: scriptEnv,
        });
        process.env['ROTATION_REGISTRY_PASSWORD'] = originalPassword;
      };
      /** Runs `then` once, when the executor prints a line matching `line` (it waits: the push is held). */
      const once = (line: RegExp, then: () => void) => {
        let done = false;
        output.onChunk((chunk) => {
          if (!done && line.test(chunk)) {
            done = true;
            then();
          }
        });
      };
      /** Rotates once, when the executor says it logged in: between `docker login` and `docker push`. */
      const rotateAfterLogin = () => once(/logged in to /, () => void rotate());

      beforeAll(async () => {
        cpSync(join(__dirname, '..', '..', '..', 'scripts'), join(sandbox, 'repo', 'tools', 'scripts'), {
          recursive: true,
          filter: (src) => !src.endsWith('.spec.ts'),
        });
        scriptEnv = {
          ...process.env,
          VENTAS_STATE_DIR: join(sandbox, 'state'),
          VENTAS_REGISTRY_PORT: String(await closedPort()),
        };
        execFileSync('bash', [script, 'start'], { stdio: 'pipe', env: scriptEnv });
        rotationHost = envValue('REGISTRY_HOST');
        rotationUser = envValue('REGISTRY_USER');
        originalPassword = envValue('REGISTRY_PASSWORD');
        process.env['ROTATION_REGISTRY_USER'] = rotationUser;
        process.env['ROTATION_REGISTRY_PASSWORD'] = originalPassword;
        envBefore = originalEnv();
      });
      afterEach(() => {
        restore();
        expect(originalEnv()).toBe(envBefore);
      });
      afterAll(() => {
        execFileSync('bash', [script, 'stop'], { stdio: 'pipe', env: scriptEnv });
        delete process.env['ROTATION_REGISTRY_USER'];
        delete process.env['ROTATION_REGISTRY_PASSWORD'];
        rmSync(sandbox, { recursive: true, force: true });
      });

      // The env vars are read once, by normalizeOptions: a refused push logs in again with the same credentials,
      // which helps when the registry refused for a while (a rotation that is rolled back, an expired token).
      it('refused once, the password back before the retry: logs in again with the same credentials and succeeds', async () => {
        rotateAfterLogin();
        once(/logging in again/, restore);
        await expect(
          rotationRun({ repository: `${repository}-rotated`, tags: ['{version}'] }),
        ).resolves.toEqual({ success: true });
        const text = output.text();
        expect(text).toMatch(
          /docker push \S+:1\.0\.0: attempt 1 of 3 failed \(.*(401 Unauthorized|unauthorized|authentication required).*\); retrying, 2 left/i,
        );
        expect(text.match(/logging in again/g)).toHaveLength(1);
        expect(text).toMatch(/pushed +\S+:1\.0\.0@sha256:[a-f0-9]{64} \(read back: equal/);
        expect(text).not.toContain(originalPassword);
        expect(leftoverLoginDirs().filter((name) => !loginDirsBefore.has(name))).toEqual([]);
      });

      it('refused again (the password stays rotated): stops with a clear error', async () => {
        rotateAfterLogin();
        const started = Date.now();
        const error = (await rotationRun({ repository: `${repository}-refused`, tags: ['{version}'] }).catch(
          (caught: Error) => caught,
        )) as Error;
        expect(error).toBeInstanceOf(Error);
        expect(error.message).toMatch(
          new RegExp(
            `^docker push ${rotationHost.replace(/\./g, '\\.')}/\\S+:1\\.0\\.0 was refused \\(.*\\), and logging in again failed: docker login to ${rotationHost.replace(/\./g, '\\.')} was refused: wrong username or password for '${rotationUser}'`,
          ),
        );
        expect(output.text().match(/logging in again/g)).toHaveLength(1);
        expect(Date.now() - started).toBeLessThan(20_000);
        expect(readJUnit(root, project).testsuite[0].testcase[0].failure.message).toMatch(
          /logging in again failed/,
        );
      });
    });

    it('docker config with a credential helper (credHelpers): the registry API and docker push both use it', async () => {
      const helperRepository = `${repository}-helper`;
      pushedRepositories.add(helperRepository);
      const fixture = credentialHelperFixture({
        server: host as string,
        username: user as string,
        secret: password as string,
      });
      fixture.apply();
      try {
        await expect(
          run({
            repository: helperRepository,
            tags: ['{version}'],
            usernameEnv: undefined,
            passwordEnv: undefined,
          }),
        ).resolves.toEqual({ success: true });
        fixture.restore();
        // Asked by the plugin (the registry API reads, once) and by the docker CLI (the push), the host on stdin.
        expect(fixture.calls().length).toBeGreaterThanOrEqual(2);
        expect(new Set(fixture.calls())).toEqual(new Set([host]));
        expect(output.text()).not.toMatch(/logged in to|Login Succeeded/);
        expect(output.text()).toMatch(/pushed +\S+:1\.0\.0@sha256:/);
        for (const needle of [password as string, Buffer.from(`${user}:${password}`).toString('base64')]) {
          expect(filesContaining(fixture.configDir, needle)).toEqual([]);
          expect(filesContaining(fixture.binDir, needle)).toEqual([]);
        }
      } finally {
        fixture.restore();
        rmSync(fixture.binDir, { recursive: true, force: true });
        rmSync(fixture.configDir, { recursive: true, force: true });
      }
    });

    it('an arm64 image is refused before any network call', async () => {
      const armRoot = tempWorkspace();
      const armProject = uniqueName('itpush-arm');
      try {
        const arm = await buildTestImage(armRoot, armProject, 'arm', { platform: 'linux/arm64' });
        images.push(arm);
        expect(arm.platform).toMatch(/^linux\/arm64/);
        // A closed port as registry: any network call would show up as retries and an error.
        const port = await closedPort();
        await expect(run({ registry: `127.0.0.1:${port}` }, armRoot, armProject)).resolves.toEqual({
          success: false,
        });
        expect(output.text()).toMatch(
          /Refusing to push .*: The image is linux\/arm64(\/v8)?, but linux\/amd64 is expected\..* Nothing was sent to the registry/,
        );
        expect(output.text()).not.toMatch(/retrying|plan/);
      } finally {
        rmSync(armRoot, { recursive: true, force: true });
      }
    });

    // Attestations need buildx on the containerd store: the modern leg (on the legacy leg docker-build refuses
    // "provenance": true before building; buildkit-features.int.spec.ts).
    (ENGINE_LEG === 'modern' ? it : it.skip)(
      'modern leg: an image with a provenance attestation is pushed as an index holding exactly one runnable linux/amd64 image',
      async () => {
        const attested = uniqueName('itprov');
        pushedRepositories.add(`${repository}-prov`);
        images.push(await buildTestImage(root, attested, `attested ${attested}`, { provenance: true }));
        const manifest = JSON.parse(
          readFileSync(join(root, 'dist', 'images', attested, 'image.json'), 'utf8'),
        );
        await expect(
          ecrPushExecutor(options({ repository: `${repository}-prov` }), fakeContext(root, attested)),
        ).resolves.toEqual({ success: true });
        expect(output.text()).toMatch(/read back: equal; an index: 1 image\(s\), 1 attestation\(s\)/);
        const record = JSON.parse(readFileSync(join(root, 'dist', 'images', attested, 'push.json'), 'utf8'));
        // The containerd store pushes the index it holds, so the local id is what the registry stores.
        expect(record.digest).toBe(manifest.imageId);
        // A second push skips by digest, as for a single manifest.
        await expect(
          ecrPushExecutor(options({ repository: `${repository}-prov` }), fakeContext(root, attested)),
        ).resolves.toEqual({ success: true });
        expect(
          JSON.parse(readFileSync(join(root, 'dist', 'images', attested, 'push.json'), 'utf8')).pushed,
        ).toEqual([]);
      },
    );

    it('four services pushed at the same time: the deploy manifest pins each by digest', async () => {
      const services = ['catalogo', 'cliente', 'bff-cliente', 'bff-venta'].map((name) =>
        uniqueName(`it-${name}`),
      );
      for (const service of services) {
        images.push(await buildTestImage(root, service, `service ${service}`));
        pushedRepositories.add(`${repository}-${service}`);
      }
      const results = await Promise.all(
        services.map((service) =>
          ecrPushExecutor(options({ repository: `${repository}-${service}` }), fakeContext(root, service)),
        ),
      );
      expect(results).toEqual(services.map(() => ({ success: true })));
      const deploy = JSON.parse(
        readFileSync(join(root, 'dist', 'deploy', 'images.auto.tfvars.json'), 'utf8'),
      );
      for (const service of services) {
        const record = JSON.parse(readFileSync(join(root, 'dist', 'images', service, 'push.json'), 'utf8'));
        expect(deploy.service_images[service]).toBe(`${host}/${repository}-${service}@${record.digest}`);
      }
      expect(Object.keys(deploy.service_images)).toEqual(expect.arrayContaining([project, ...services]));
    });

    it('the password appeared in no output, no error and no file left on disk', () => {
      const secret = password as string;
      expect(allOutput.length).toBeGreaterThan(0);
      expect(allOutput).not.toContain(secret);
      expect(errors.join('\n')).not.toContain(secret);
      expect(errors.join('\n')).not.toContain('not-the-password-42');
      expect(leftoverLoginDirs().filter((name) => !loginDirsBefore.has(name))).toEqual([]);
      // docker login stores base64(user:password) in config.json: look for that form too.
      const stored = Buffer.from(`${user}:${secret}`).toString('base64');
      for (const needle of [secret, stored]) {
        expect(filesContaining(root, needle)).toEqual([]);
        const home = join(homedir(), '.docker');
        expect(existsSync(home) ? filesContaining(home, needle) : []).toEqual([]);
      }
    });
  });
}
