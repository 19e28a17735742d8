import type { Pool, PoolClient } from 'pg';
import { withTransaction } from './transaction';

/** One schema change, applied once per database, in id order. Ids never change once released. */
export interface Migration {
  /** Sortable and unique, e.g. `0001_initial`. */
  id: string;
  sql: string;
}

/** Seed data: inserted once in a database's life. Rows deleted afterwards stay deleted. */
export interface Seed {
  name: string;
  insert(client: PoolClient): Promise<Record<string, number>>;
  /**
   * A database populated before seeds were recorded already holds its seed: when this answers true the seed is
   * recorded as adopted and nothing is inserted (a row an operator deleted back then must not come back).
   */
  alreadyPresent?(client: PoolClient): Promise<boolean>;
}

export interface MigratePlan {
  /** pg advisory lock key of this database's owner: two containers starting together queue on it. */
  lockKey: number;
  migrations: readonly Migration[];
  seed?: Seed;
}

export interface MigrateResult {
  /** Migrations applied by this run, in order (empty when the schema was current). */
  applied: string[];
  /** 'inserted' by this run, 'adopted' (legacy database), or 'already-seeded'. */
  seed: 'inserted' | 'adopted' | 'already-seeded' | 'none';
  inserted: Record<string, number>;
}

/** Pure: the migrations not yet applied, in id order. Throws on duplicate ids (a packaging mistake). */
export function pendingMigrations(
  migrations: readonly Migration[],
  applied: ReadonlySet<string>,
): Migration[] {
  const ids = migrations.map((migration) => migration.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new Error(`Migration id ${duplicate} is used twice`);
  return [...migrations].sort((a, b) => a.id.localeCompare(b.id)).filter((m) => !applied.has(m.id));
}

/**
 * Brings a database to the current schema and seeds it once, in one transaction under an advisory lock:
 * a second runner (another container starting at the same moment) waits, then finds everything done. Applied
 * migrations are recorded in `schema_migrations`, the seed in `schema_seeds`; a failure rolls everything back.
 */
export function migrate(pool: Pool, plan: MigratePlan): Promise<MigrateResult> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [plan.lockKey]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        id         TEXT PRIMARY KEY,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE TABLE IF NOT EXISTS schema_seeds (
        name       TEXT PRIMARY KEY,
        outcome    TEXT NOT NULL,
        inserted   JSONB NOT NULL DEFAULT '{}',
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );`);
    const done = await client.query<{ id: string }>('SELECT id FROM schema_migrations');
    const applied: string[] = [];
    for (const migration of pendingMigrations(plan.migrations, new Set(done.rows.map((row) => row.id)))) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
      applied.push(migration.id);
    }
    if (!plan.seed) return { applied, seed: 'none', inserted: {} };
    const seeded = await client.query('SELECT 1 FROM schema_seeds WHERE name = $1', [plan.seed.name]);
    if (seeded.rowCount) return { applied, seed: 'already-seeded', inserted: {} };
    if (await plan.seed.alreadyPresent?.(client)) {
      await client.query(`INSERT INTO schema_seeds (name, outcome) VALUES ($1, 'adopted')`, [plan.seed.name]);
      return { applied, seed: 'adopted', inserted: {} };
    }
    const inserted = await plan.seed.insert(client);
    await client.query(`INSERT INTO schema_seeds (name, outcome, inserted) VALUES ($1, 'inserted', $2)`, [
      plan.seed.name,
      JSON.stringify(inserted),
    ]);
    return { applied, seed: 'inserted', inserted };
  });
}
