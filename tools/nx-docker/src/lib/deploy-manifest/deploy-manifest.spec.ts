import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { updateDeployManifest, withFileLock } from './deploy-manifest';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-manifest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const uri = (service: string) => `127.0.0.1:55000/${service}@sha256:${'a'.repeat(64)}`;

it('creates the file and merges each service, keeping other keys', async () => {
  const path = join(dir, 'deploy', 'images.auto.tfvars.json');
  await updateDeployManifest({
    path,
    variable: 'service_images',
    service: 'bff-venta',
    imageUri: uri('bff-venta'),
  });
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), other: 1 }));
  await updateDeployManifest({
    path,
    variable: 'service_images',
    service: 'catalogo-service',
    imageUri: uri('catalogo-service'),
  });
  await updateDeployManifest({
    path,
    variable: 'service_images',
    service: 'bff-venta',
    imageUri: uri('bff-venta2'),
  });
  expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
    service_images: { 'bff-venta': uri('bff-venta2'), 'catalogo-service': uri('catalogo-service') },
    other: 1,
  });
  expect(existsSync(`${path}.lock`)).toBe(false);
});

it('keeps every entry when separate processes update it at the same time', async () => {
  const path = join(dir, 'images.auto.tfvars.json');
  const modulePath = join(__dirname, 'deploy-manifest.ts');
  const services = Array.from({ length: 5 }, (_, index) => `service-${index}`);
  await Promise.all(
    services.map((service) =>
      execa(
        process.execPath,
        [
          '--require',
          '@swc-node/register',
          '-e',
          `require(${JSON.stringify(modulePath)}).updateDeployManifest({ path: ${JSON.stringify(path)}, variable: 'service_images', service: ${JSON.stringify(service)}, imageUri: ${JSON.stringify(uri(service))} })`,
        ],
        { env: { SWC_NODE_PROJECT: join(__dirname, '..', '..', '..', 'tsconfig.json') } },
      ),
    ),
  );
  const written = JSON.parse(readFileSync(path, 'utf8'));
  expect(Object.keys(written.service_images).sort()).toEqual(services);
}, 120_000);

it('refuses a corrupt manifest with a hint', async () => {
  const path = join(dir, 'images.auto.tfvars.json');
  writeFileSync(path, '{ not json');
  await expect(updateDeployManifest({ path, variable: 'v', service: 's', imageUri: 'u' })).rejects.toThrow(
    /is not a JSON object[\s\S]*Hint: Delete it/,
  );
});

it('the lock times out with a clear error, and breaks a stale lock', async () => {
  const lock = join(dir, 'x.lock');
  writeFileSync(lock, '1');
  await expect(withFileLock(lock, { timeoutMs: 100 }, () => 1)).rejects.toThrow(
    /Timed out after 100 ms waiting for the lock/,
  );
  await expect(withFileLock(lock, { staleMs: 0 }, () => 2)).resolves.toBe(2);
  expect(existsSync(lock)).toBe(false);
});
