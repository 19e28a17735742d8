export interface SmokeTestEndpoint {
  path: string;
  method?: string;
  status?: number;
  bodyContains?: string;
  json?: Record<string, unknown>;
  /** Request headers, name → value; values are never printed. */
  headers?: Record<string, string>;
  /** Sends `Authorization: Bearer <HS256 JWT>` with this `sub` (iat now, exp +5 min), signed with the run's jwtSecretEnv secret. */
  bearerSubject?: string;
}

export interface SmokeTestService {
  alias: string;
  image?: string;
  project?: string;
  env?: Record<string, string>;
  envFile?: string;
  command?: string[];
  /** Paths mounted as tmpfs (`docker run --tmpfs`), e.g. a throw-away database's data directory. */
  tmpfs?: string[];
  /** Run by /bin/sh -c in the sidecar (docker run --health-cmd, and docker exec by the smoke test); 0 = ready. */
  healthCmd?: string;
  /** Without healthCmd or image HEALTHCHECK: a regular expression (m flag) matched against its log. */
  readyLog?: string;
  /** Without healthCmd, image HEALTHCHECK or readyLog: this TCP port (default: the lowest EXPOSEd) must listen. */
  readyPort?: number;
}

export interface SmokeTestExecutorSchema {
  port?: number;
  healthPath?: string;
  platform?: string;
  maxSizeMb?: number;
  timeoutSeconds?: number;
  stopTimeoutSeconds?: number;
  healthIntervalSeconds?: number;
  env?: Record<string, string>;
  envFile?: string;
  /** Env variable of the service container that holds the run's throw-away HS256 secret (e.g. JWT_SECRET). */
  jwtSecretEnv?: string;
  endpoints?: SmokeTestEndpoint[];
  services?: SmokeTestService[];
  labels?: Record<string, string>;
  logLines?: number;
}
