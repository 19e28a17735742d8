import type { RetryOptions } from '../../../lib/registry/retry';
import type { RegistryCredentials, RemoteRegistry } from '../../../lib/registry/types';
import type { PushLog } from './push-log';

/** A registry reached, with the way to log in to it for `docker push`. Made by ecr-target or oci-target. */
export interface PushTarget {
  registryHost: string;
  repositoryUri: string;
  remote: RemoteRegistry;
  /** Tags may not move (the option, or an IMMUTABLE ECR repository). */
  immutable: boolean;
  /** How `docker login` gets its password; null: docker's own config already has it (no login). */
  credentials: (() => Promise<RegistryCredentials>) | null;
  /** Runs after the plan, unless dryRun (ECR: create the repository, apply the lifecycle policy). */
  prepare: () => Promise<void>;
}

/** What a target factory needs besides its options. */
export interface TargetDeps {
  retry: RetryOptions;
  log: PushLog;
  /** Every password seen is added here, so that no output line ever shows it (apply-push). */
  secrets: string[];
}
