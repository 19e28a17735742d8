import type { Arbitrary } from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { createPool } from '../db/pool';
import { fuzzRequests, newTally, recordFuzzReport, type FuzzOptions, type FuzzTally } from './hostile-input';
import { spawnService } from './service-process';
import { createTestDatabase, type TestDatabase } from './test-database';

/**
 * The frame every service's hostile-input spec shares: the app on a test database of its own (beforeAll), the
 * generated requests tallied by route, the report and the teardown (afterAll). Call it inside the spec's
 * describe; the spec keeps its generators and its model of what the accepted requests changed.
 */
export interface FuzzSuite {
  /** The app under test (built in beforeAll). */
  readonly app: FastifyInstance;
  /** What each route answered, by the name given to fuzz(): the report, and the spec's "was it reached" checks. */
  readonly tallies: Record<string, FuzzTally>;
  /** Fires `numRuns` generated requests at the app, tallied under `route`; fails on the first 5xx. */
  fuzz(
    route: string,
    requests: Arbitrary<InjectOptions>,
    numRuns: number,
    onResponse?: FuzzOptions['onResponse'],
  ): Promise<void>;
  /** Asserts that each path (ready, health) answers 200: the app is still up after the fuzzing. */
  expectStillUp(path: string, ...more: string[]): Promise<void>;
}

interface Started {
  app: FastifyInstance;
  /** Ends what start() ran besides the app (an upstream process). */
  stop?: () => Promise<unknown>;
}

/** A service fuzzed in-process: its own migrations and seed on the test database, then the app on it. */
export function serviceFuzzSuite(
  service: string,
  setup: {
    populate: (pool: Pool) => Promise<unknown>;
    buildApp: (databaseUrl: string) => FastifyInstance;
  },
): FuzzSuite {
  return fuzzSuite(service, async (databaseUrl) => {
    const pool = createPool(databaseUrl);
    await setup.populate(pool).finally(() => pool.end());
    return { app: setup.buildApp(databaseUrl) };
  });
}

/**
 * A BFF fuzzed over its real upstream, no mock of our own services: the upstream's populate-db and main are
 * bundled and run as processes on the test database, and the BFF is built in-process on the upstream's URL.
 */
export function bffFuzzSuite(
  service: string,
  setup: {
    /** The upstream service's src folder (holding populate-db.ts and main.ts). */
    upstreamSrc: string;
    upstreamHealthPath: string;
    buildApp: (upstreamUrl: string) => FastifyInstance;
  },
): FuzzSuite {
  // Two esbuild bundles and a service start: more than the default test timeout on a busy machine.
  const startTimeoutMs = 60_000;
  return fuzzSuite(
    service,
    async (databaseUrl) => {
      const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
      const populate = await spawnService({ entry: join(setup.upstreamSrc, 'populate-db.ts'), env });
      const code = await populate.exited;
      if (code !== 0) {
        throw new Error(`the upstream's populate-db exited with ${code}:\n${populate.output()}`);
      }
      const upstream = await spawnService({
        entry: join(setup.upstreamSrc, 'main.ts'),
        env,
        healthPath: setup.upstreamHealthPath,
      });
      try {
        return { app: setup.buildApp(upstream.url), stop: () => upstream.stop() };
      } catch (error) {
        await upstream.stop();
        throw error;
      }
    },
    startTimeoutMs,
  );
}

function fuzzSuite(
  service: string,
  start: (databaseUrl: string) => Promise<Started>,
  startTimeoutMs?: number,
): FuzzSuite {
  let database: TestDatabase | undefined;
  let started: Started | undefined;
  let app: FastifyInstance | undefined;
  const tallies: Record<string, FuzzTally> = {};

  beforeAll(async () => {
    database = await createTestDatabase(`${service}_fuzz`);
    started = await start(database.url);
    await started.app.ready();
    app = started.app;
  }, startTimeoutMs);

  afterAll(async () => {
    recordFuzzReport(service, tallies);
    await started?.app.close();
    await started?.stop?.();
    await database?.drop();
  });

  const startedApp = (): FastifyInstance => {
    if (!app) throw new Error(`${service}: the app did not start (see the beforeAll error)`);
    return app;
  };

  return {
    get app() {
      return startedApp();
    },
    tallies,
    async fuzz(route, requests, numRuns, onResponse) {
      tallies[route] = newTally();
      await fuzzRequests(startedApp(), requests, tallies[route], { numRuns, onResponse });
    },
    async expectStillUp(...paths) {
      for (const path of paths) {
        const { statusCode } = await startedApp().inject({ url: path });
        expect({ path, statusCode }).toEqual({ path, statusCode: 200 });
      }
    },
  };
}
