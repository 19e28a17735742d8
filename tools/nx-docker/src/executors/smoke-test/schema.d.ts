export interface SmokeTestEndpoint {
  path: string;
  method?: string;
  status?: number;
  bodyContains?: string;
  json?: Record<string, unknown>;
}

export interface SmokeTestService {
  alias: string;
  image?: string;
  project?: string;
  env?: Record<string, string>;
  envFile?: string;
  command?: string[];
  /** Run by /bin/sh -c in the sidecar (docker run --health-cmd, and docker exec 250 ms after each try); 0 = ready. */
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
  endpoints?: SmokeTestEndpoint[];
  services?: SmokeTestService[];
  labels?: Record<string, string>;
  logLines?: number;
}
