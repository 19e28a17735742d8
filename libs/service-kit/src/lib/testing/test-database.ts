import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  name: string;
  /** postgres:// URL of the fresh database. */
  url: string;
  drop(): Promise<void>;
}

export const POSTGRES_HINT = 'TEST_DATABASE_URL is not set: run: bash tools/scripts/postgres.sh start';

export function testDatabaseAdminUrl(): string {
  const url = process.env['TEST_DATABASE_URL'];
  if (!url) throw new Error(POSTGRES_HINT);
  return url;
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testDatabaseAdminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for one test file (`<prefix>_test_<random>`), so parallel jest workers never collide.
 * Call drop() in afterAll.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_test_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(testDatabaseAdminUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => dropDatabase(name),
  };
}

/**
 * DROP … WITH (FORCE) also has to end the other sessions on the database; when one of them is an autovacuum
 * worker (the cluster superuser's), our role may not, and PostgreSQL answers 42501 ("must be a member of the role
 * whose process is being terminated"). The worker ends within moments, so that answer is tried again, bounded.
 */
async function dropDatabase(name: string, attempts = 20): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '42501' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
