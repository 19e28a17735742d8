// Public API of the service kit: every service builds on these and nothing else from this folder. `./data` is
// its subset without the HTTP server, importable alone as @ventas/service-kit/data.
export { createApp, DEFAULT_BODY_LIMIT } from './lib/app/create-app';
export * from './data';
export { databasePlugin, pingDatabase } from './lib/db/database.plugin';
export { errorHandler, toFieldErrors } from './lib/errors/error-handler';
export { badRequest, conflict, HttpError, notFound, type FieldError } from './lib/errors/http-error';
export { healthPlugin, type HealthPluginOptions, type ReadinessCheck } from './lib/health/health.plugin';
export {
  UpstreamClient,
  UpstreamError,
  type UpstreamClientOptions,
  type UpstreamResponse,
} from './lib/http/upstream-client';
export { upstreamHealthCheck, type UpstreamHealthCheckOptions } from './lib/http/upstream-health-check';
export {
  IDEMPOTENCY_KEY_PATTERN,
  idParamsSchema,
  INT32_MAX,
  MULTI_LINE_PATTERN,
  multiLineText,
  SINGLE_LINE_PATTERN,
  singleLineText,
} from './lib/http/input-schemas';
export { pageSchema, paginationQueryProperties } from './lib/http/pagination';
export { loggerOptions } from './lib/logging/logger-options';
export { exitOnStartupError, startServer } from './lib/server/start-server';
// Test helpers (esbuild is loaded lazily, only by spawnService and bundledPackages).
export {
  bundledPackages,
  spawnService,
  SERVICE_BUNDLE_OPTIONS,
  type ServiceProcess,
} from './lib/testing/service-process';
export { createTestDatabase, POSTGRES_HINT, type TestDatabase } from './lib/testing/test-database';
export {
  closedPort,
  startProxy,
  startSlowServer,
  type SlowServer,
  type TestProxy,
} from './lib/testing/test-servers';
// fast-check is a devDependency; it is marked side-effect free, so service bundles that never call these drop it.
export {
  deepJson,
  encodeQueryValue,
  freeText,
  fuzzRequests,
  HOSTILE_NUMBERS,
  HOSTILE_STRINGS,
  hostile,
  mutateObject,
  newTally,
  plainText,
  recordFuzzReport,
  serverErrors,
  someFields,
  type FuzzOptions,
  type FuzzTally,
} from './lib/testing/hostile-input';
export { bffFuzzSuite, serviceFuzzSuite, type FuzzSuite } from './lib/testing/fuzz-suite';
