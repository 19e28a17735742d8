export interface EcrPushExecutorSchema {
  registry?: string;
  registryType?: 'ecr' | 'oci';
  repository?: string;
  region?: string;
  awsAccountId?: string;
  endpoint?: string;
  createRepository?: boolean;
  immutableTags?: boolean;
  scanOnPush?: boolean;
  encryption?: 'AES256' | 'KMS';
  kmsKey?: string;
  lifecyclePolicy?: string;
  tags?: string[];
  version?: string;
  platform?: string;
  usernameEnv?: string;
  passwordEnv?: string;
  insecure?: boolean;
  dryRun?: boolean;
  retries?: number;
  retryDelayMs?: number;
  pushTimeoutMs?: number;
  deployManifest?: string;
  deployVariable?: string;
  serviceName?: string;
}
