import { bundledPackages } from '@ventas/service-kit';
import { join } from 'node:path';

// The entrypoint runs populate-db before the server on every start, so what its bundle loads is start-up time:
// it imports @ventas/service-kit/data (configuration and PostgreSQL), not the kit's HTTP server.
it('the populate-db bundle carries PostgreSQL and no HTTP server', async () => {
  const packages = await bundledPackages(join(__dirname, 'populate-db.ts'));

  expect(packages).toContain('pg');
  expect(packages).not.toContain('fastify');
});
