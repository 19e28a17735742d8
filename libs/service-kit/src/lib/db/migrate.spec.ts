import type { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { migrate, pendingMigrations, type Migration, type Seed } from './migrate';
import { createPool } from './pool';

const LOCK = 4_209_999;

const initial: Migration = {
  id: '0001_initial',
  sql: `CREATE TABLE fruits (name TEXT PRIMARY KEY);
        CREATE TABLE runs (migration TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp());
        INSERT INTO runs (migration) VALUES ('0001_initial');`,
};
// pg_sleep keeps the first runner inside its transaction long enough for the second to arrive and queue.
const slowSecond: Migration = {
  id: '0002_colour',
  sql: `SELECT pg_sleep(0.3);
        ALTER TABLE fruits ADD COLUMN colour TEXT;
        INSERT INTO runs (migration) VALUES ('0002_colour');`,
};
const seed: Seed = {
  name: 'fruits',
  insert: async (client) => {
    const result = await client.query(`INSERT INTO fruits (name) VALUES ('apple'), ('pear'), ('plum')`);
    return { fruits: result.rowCount ?? 0 };
  },
};

describe('pendingMigrations', () => {
  it.each([
    [[], ['0001_initial', '0002_colour']],
    [['0001_initial'], ['0002_colour']],
    [['0001_initial', '0002_colour'], []],
  ])('applied %j → pending %j (in id order whatever the list order)', (applied, pending) => {
    expect(pendingMigrations([slowSecond, initial], new Set(applied)).map((m) => m.id)).toEqual(pending);
  });

  it('refuses a duplicated id', () => {
    expect(() => pendingMigrations([initial, initial], new Set())).toThrow(
      'Migration id 0001_initial is used twice',
    );
  });
});

describe('migrate (PostgreSQL)', () => {
  let database: TestDatabase;
  let pools: Pool[];

  beforeEach(async () => {
    database = await createTestDatabase('kit_migrate');
    pools = [createPool(database.url), createPool(database.url)];
  });

  afterEach(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await database.drop();
  });

  const runs = async () =>
    (await pools[0].query<{ migration: string }>('SELECT migration FROM runs ORDER BY at')).rows.map(
      (row) => row.migration,
    );
  const fruits = async () =>
    (await pools[0].query<{ name: string }>('SELECT name FROM fruits ORDER BY name')).rows.map(
      (row) => row.name,
    );

  it('applies migrations in order, seeds once, and a deleted seed row stays deleted', async () => {
    await expect(migrate(pools[0], { lockKey: LOCK, migrations: [initial], seed })).resolves.toEqual({
      applied: ['0001_initial'],
      seed: 'inserted',
      inserted: { fruits: 3 },
    });
    await pools[0].query(`DELETE FROM fruits WHERE name = 'pear'`);
    await expect(
      migrate(pools[0], { lockKey: LOCK, migrations: [initial, slowSecond], seed }),
    ).resolves.toEqual({
      applied: ['0002_colour'],
      seed: 'already-seeded',
      inserted: {},
    });
    await expect(
      migrate(pools[0], { lockKey: LOCK, migrations: [initial, slowSecond], seed }),
    ).resolves.toEqual({
      applied: [],
      seed: 'already-seeded',
      inserted: {},
    });
    expect(await fruits()).toEqual(['apple', 'plum']);
    expect(await runs()).toEqual(['0001_initial', '0002_colour']);
  });

  it('two runners at once: each migration runs exactly once and the seed is inserted once', async () => {
    await migrate(pools[0], { lockKey: LOCK, migrations: [initial] });
    const plan = { lockKey: LOCK, migrations: [initial, slowSecond], seed };
    const results = await Promise.all([migrate(pools[0], plan), migrate(pools[1], plan)]);
    expect(results.map((result) => result.applied).sort()).toEqual([[], ['0002_colour']]);
    expect(results.map((result) => result.seed).sort()).toEqual(['already-seeded', 'inserted']);
    expect(await runs()).toEqual(['0001_initial', '0002_colour']);
    expect(await fruits()).toEqual(['apple', 'pear', 'plum']);
  });

  it('a failing migration rolls back the whole run and is tried again next time', async () => {
    const broken: Migration = { id: '0002_broken', sql: 'ALTER TABLE nowhere ADD COLUMN x INT' };
    await expect(migrate(pools[0], { lockKey: LOCK, migrations: [initial, broken], seed })).rejects.toThrow(
      'relation "nowhere" does not exist',
    );
    const tables = await pools[0].query(`SELECT to_regclass('fruits') AS fruits`);
    expect(tables.rows[0].fruits).toBeNull();
    await expect(migrate(pools[0], { lockKey: LOCK, migrations: [initial], seed })).resolves.toMatchObject({
      applied: ['0001_initial'],
      seed: 'inserted',
    });
  });

  it('adopts the seed of a database populated before seeds were recorded', async () => {
    await migrate(pools[0], { lockKey: LOCK, migrations: [initial] });
    await pools[0].query(`INSERT INTO fruits (name) VALUES ('apple')`);
    const adopting: Seed = {
      ...seed,
      alreadyPresent: async (client) =>
        ((await client.query('SELECT 1 FROM fruits LIMIT 1')).rowCount ?? 0) > 0,
    };
    await expect(
      migrate(pools[0], { lockKey: LOCK, migrations: [initial], seed: adopting }),
    ).resolves.toEqual({
      applied: [],
      seed: 'adopted',
      inserted: {},
    });
    expect(await fruits()).toEqual(['apple']);
  });
});
