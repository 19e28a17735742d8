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
  healthCmd?: string;
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
