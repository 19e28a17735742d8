import type { ExecutorContext } from '@nx/devkit';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { checkPlatform, parsePlatform } from '../../lib/checks/platform';
import { runDocker } from '../../lib/docker/docker';
import { parseImageInspect } from '../../lib/docker/inspect';
import { updateDeployManifest } from '../../lib/deploy-manifest/deploy-manifest';
import { createAwsClients, EcrClient, RepositoryState } from '../../lib/ecr/ecr-client';
import { NxDockerError } from '../../lib/errors';
import { ensureImage } from '../../lib/image-manifest/ensure-image';
import { imageBuildTaskStart } from '../../lib/image-manifest/task-graph';
import {
  builtBeforeThisRun,
  describeEarlierBuild,
  ImageManifest,
  imageOutputDir,
  readImageManifest,
  writeJsonAtomic,
} from '../../lib/image-manifest/image-manifest';
import { dockerConfigCredentials } from '../../lib/registry/docker-config';
import { DockerSession, openDockerSession } from '../../lib/registry/docker-login';
import { OciRegistryClient } from '../../lib/registry/registry-client';
import { RetryOptions, withRetry } from '../../lib/registry/retry';
import { CredentialsSource, RegistryCredentials, RemoteRegistry } from '../../lib/registry/types';
import { renderJUnit } from '../../lib/report/junit';
import { readSmokeManifest, SmokeManifest, smokeManifestPath } from '../../lib/report/smoke-manifest';
import type { TagValues } from '../../lib/tags/tags';
import { applyPush, PushOutcome, TagDone } from './lib/apply-push';
import { NormalizedEcrPushOptions, normalizeOptions } from './lib/normalize-options';
import { conflicts, formatPlan, planPush } from './lib/plan-push';
import { failPending, pendingTags, pushJUnitSuite, settle, TagResult } from './lib/push-report';
import { pushTagNames, REVISION_LABEL, revisionNote } from './lib/push-tags';
import { checkSmokeGate } from './lib/smoke-gate';
import { gatherTagValues } from './lib/tag-values';
import type { EcrPushExecutorSchema } from './schema';

export const PUSH_RECORD_VERSION = 1;

/** `dist/images/<project>/push.json`: where the image went, pinned by digest. Written for people and tools. */
export interface PushRecord {
  version: typeof PUSH_RECORD_VERSION;
  project: string;
  registry: string;
  repositoryUri: string;
  imageId: string;
  platform: string;
  /** Every tag that now holds the image. */
  tags: string[];
  pushed: string[];
  skipped: string[];
  digest: string;
  /** `repositoryUri@digest`: what deployments should run. */
  imageUri: string;
  pushedAt: string;
}

/** A registry reached, with the way to log in to it for `docker push`. */
interface Target {
  registryHost: string;
  repositoryUri: string;
  remote: RemoteRegistry;
  /** Tags may not move (the option, or an IMMUTABLE ECR repository). */
  immutable: boolean;
  credentials: (() => Promise<RegistryCredentials>) | null;
  /** Runs after the plan, unless dryRun (ECR: create repository, lifecycle policy). */
  prepare: () => Promise<void>;
}

/** What the JUnit report is made of, filled in as the push goes. */
interface PushRun {
  results: TagResult[];
  repositoryUri: string | null;
}

export default async function ecrPushExecutor(
  raw: EcrPushExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const options = normalizeOptions(raw, context);
  const log = (line: string) => process.stdout.write(`[${options.projectName}] ${line}\n`);
  const run: PushRun = { results: [], repositoryUri: null };
  const startedAt = new Date().toISOString();
  try {
    const success = await pushImage(options, context, run, log);
    // dryRun changes nothing, so it writes no report either.
    if (!options.dryRun) writePushJUnit(options, run, startedAt, null);
    return { success };
  } catch (error) {
    if (!options.dryRun) {
      try {
        writePushJUnit(options, run, startedAt, (error as Error).message ?? String(error));
      } catch {
        // The push's own error is the one to report.
      }
    }
    throw error;
  }
}

async function pushImage(
  options: NormalizedEcrPushOptions,
  context: ExecutorContext,
  run: PushRun,
  log: (line: string) => void,
): Promise<boolean> {
  const manifest = readImageManifest(options.workspaceRoot, options.projectName);
  const values = await gatherTagValues(options);
  // Named before anything can be refused, so that the report has a case per tag.
  run.results = pendingTags(
    pushTags(
      options,
      manifest,
      values,
      recordedCommit(manifest),
      options.registry ? `${options.registry}/${options.repository}` : options.repository,
    ),
  );

  // The platform is checked before any network call: from image.json, then from the daemon's image.
  const refusedPlatform = platformRefusal(manifest.platform, options, log);
  if (refusedPlatform) return refuse(run, refusedPlatform);

  // Nothing untested ships: smoke.json must say this very image passed. A dry run still plans, and says so.
  const gate = checkSmokeGate({
    project: options.projectName,
    imageId: manifest.imageId,
    tags: manifest.tags,
    smokePath: relative(options.workspaceRoot, smokeManifestPath(options.workspaceRoot, options.projectName)),
    smoke: readSmoke(options),
  });
  if (!gate.ok && !options.dryRun) {
    log(`ERROR: ${gate.message} Nothing was sent to the registry.`);
    log(`Hint: run '${gate.command}', then push again.`);
    return refuse(run, `${gate.message} Run '${gate.command}'.`);
  }

  const ensured = await ensureImage(options.workspaceRoot, manifest);
  // A cache hit of docker-build restored an older image.json: say which image ships, from when and which commit.
  if (builtBeforeThisRun(manifest, imageBuildTaskStart(context, options.projectName))) {
    log(describeEarlierBuild(manifest, new Date(), ensured.source));
  }
  const facts = parseImageInspect((await runDocker(['image', 'inspect', manifest.imageId])).stdout);
  const refusedImage = platformRefusal(facts.platform, options, log);
  if (refusedImage) return refuse(run, refusedImage);
  const builtRevision = recordedCommit(manifest) ?? (facts.labels[REVISION_LABEL] || null);
  const note = revisionNote(builtRevision, values.gitSha);
  if (note) log(note);

  const secrets: string[] = [];
  const retry: RetryOptions = { retries: options.retries, minDelayMs: options.retryDelayMs, log };
  const target =
    options.mode === 'ecr' ? await ecrTarget(options, secrets, retry, log) : ociTarget(options, secrets);
  const tags = pushTags(options, manifest, values, builtRevision, target.repositoryUri);
  run.results = pendingTags(tags);
  run.repositoryUri = target.repositoryUri;
  const remote = await withRetry(
    `reading the tags of ${target.repositoryUri}`,
    () => target.remote.describeTags(options.repository, tags),
    retry,
  );
  const steps = planPush(
    {
      configDigest: manifest.configDigest,
      manifestDigest: manifest.manifestDigest,
      repositoryUri: target.repositoryUri,
      tags,
      immutable: target.immutable,
      knownDigests: facts.repoDigests
        .filter((ref) => ref.startsWith(`${target.repositoryUri}@`))
        .map((ref) => ref.slice(ref.indexOf('@') + 1)),
    },
    remote,
  );
  log(
    `${options.dryRun ? 'plan (dry run, nothing is pushed)' : 'plan'} for ${manifest.imageId.slice(0, 19)} (${facts.platform}):`,
  );
  for (const line of formatPlan(steps)) log(`  ${line}`);
  if (!gate.ok) {
    // Only a dry run gets here with a refused smoke gate.
    log(`ERROR: the push would be refused: ${gate.message}`);
    log(`Hint: run '${gate.command}', then push again.`);
  }

  const refused = conflicts(steps);
  if (refused.length > 0) {
    for (const step of refused) {
      log(`ERROR: ${step.ref}: ${step.reason}; the image here is ${manifest.imageId}.`);
      run.results = settle(run.results, {
        tag: step.tag,
        status: 'failed',
        message: `${step.ref}: ${step.reason}; the image here is ${manifest.imageId}.`,
        seconds: 0,
      });
    }
    log(
      'Nothing was pushed. Hint: an immutable tag never moves: bump the version (or the tag template), or delete the tag in the registry on purpose.',
    );
    return refuse(run, `not pushed: ${refused.length} immutable tag(s) already hold another image.`);
  }
  if (options.dryRun) return gate.ok;

  await target.prepare();
  const onTag = (done: TagDone) => {
    run.results = settle(run.results, done);
  };
  const outcome = await pushPlanned(options, manifest, target, steps, secrets, retry, log, onTag);
  const record = writePushRecord(options, manifest, target, outcome);
  await updateDeployManifest({
    path: options.deployManifestPath,
    variable: options.deployVariable,
    service: options.serviceName,
    imageUri: record.imageUri,
  });
  log(
    `${record.imageUri} (pushed ${outcome.pushed.length}, skipped ${outcome.skipped.length}); deploy manifest ${options.deployManifestPath}`,
  );
  return true;
}

/** The tag names, rendered for the commit being shipped (HEAD): see push-tags.ts. */
function pushTags(
  options: NormalizedEcrPushOptions,
  manifest: ImageManifest,
  values: TagValues,
  builtRevision: string | null,
  repositoryUri: string,
): string[] {
  return pushTagNames({
    templates: options.tagTemplates,
    manifestTags: manifest.tags,
    values,
    builtRevision,
    repositoryUri,
  });
}

/** The commit image.json says the image was built at (docker-build records it; older files do not). */
function recordedCommit(manifest: ImageManifest): string | null {
  return manifest.commit || null;
}

/** Every tag not done yet fails with the refusal; the run ends with { success: false }. */
function refuse(run: PushRun, message: string): false {
  run.results = failPending(run.results, message, 'refusal');
  return false;
}

/** smoke.json through its one reader; an unreadable file is a refusal too, with the reason. */
function readSmoke(options: NormalizedEcrPushOptions): SmokeManifest | null | { error: string } {
  try {
    return readSmokeManifest(options.workspaceRoot, options.projectName);
  } catch (error) {
    return { error: ((error as Error).message ?? String(error)).split('\n')[0] };
  }
}

/** `dist/images/<project>/push.junit.xml`: one case per tag (lib/report/junit). Written atomically. */
function writePushJUnit(
  options: NormalizedEcrPushOptions,
  run: PushRun,
  timestamp: string,
  error: string | null,
): void {
  const results = error ? failPending(run.results, error, 'failure') : run.results;
  const xml = renderJUnit(
    [
      pushJUnitSuite({
        project: options.projectName,
        repositoryUri: run.repositoryUri,
        timestamp,
        results,
        error,
      }),
    ],
    'ecr-push',
  );
  const path = join(imageOutputDir(options.workspaceRoot, options.projectName), 'push.junit.xml');
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, xml);
  renameSync(temp, path);
}

/** The shared platform check (lib/checks), on image.json's platform and then on the daemon's image. */
function platformRefusal(
  platform: string,
  options: NormalizedEcrPushOptions,
  log: (line: string) => void,
): string | null {
  const problems = checkPlatform(parsePlatform(platform), options.platform).filter(
    (finding) => finding.severity === 'error',
  );
  for (const problem of problems) {
    log(
      `ERROR: refusing to push ${options.projectName}: ${problem.message} Nothing was sent to the registry.`,
    );
    log(`Hint: ${problem.hint} Or set the ecr-push "platform" option if the target really runs ${platform}.`);
  }
  return problems.length === 0
    ? null
    : `Refusing to push ${options.projectName}: ${problems.map((problem) => problem.message).join(' ')}`;
}

async function pushPlanned(
  options: NormalizedEcrPushOptions,
  manifest: ImageManifest,
  target: Target,
  steps: ReturnType<typeof planPush>,
  secrets: string[],
  retry: RetryOptions,
  log: (line: string) => void,
  onTag: (done: TagDone) => void,
): Promise<PushOutcome> {
  const needsPush = steps.some((step) => step.action === 'push');
  // Only log in when something is pushed: a run where every tag is skipped needs no docker login.
  let session: DockerSession | null = null;
  try {
    session = needsPush
      ? await openDockerSession({ host: target.registryHost, credentials: target.credentials, retry })
      : { env: {}, configDir: null, relogin: async () => undefined, dispose: () => undefined };
    if (session.configDir) log(`logged in to ${target.registryHost} (a temporary DOCKER_CONFIG)`);
    return await applyPush({
      imageId: manifest.imageId,
      platform: options.platform,
      configDigest: manifest.configDigest,
      repository: options.repository,
      steps,
      remote: target.remote,
      session,
      retry,
      pushTimeoutMs: options.pushTimeoutMs,
      secrets: () => secrets,
      log,
      streamPrefix: `[${options.projectName}]`,
      onTag,
    });
  } finally {
    session?.dispose();
  }
}

async function ecrTarget(
  options: NormalizedEcrPushOptions,
  secrets: string[],
  retry: RetryOptions,
  log: (line: string) => void,
): Promise<Target> {
  const region = options.region as string;
  // maxAttempts 1: withRetry is the one bounded retry loop, so attempts never multiply.
  const clients = createAwsClients({ region, endpoint: options.endpoint, maxAttempts: 1 });
  const ecr = new EcrClient(clients.ecr, clients.sts, options.platform);
  const accountId =
    options.awsAccountId ?? (await withRetry('sts:GetCallerIdentity', () => ecr.accountId(), retry));
  const registryHost = options.registry ?? `${accountId}.dkr.ecr.${region}.amazonaws.com`;
  const settings = {
    immutableTags: options.immutableTags,
    scanOnPush: options.scanOnPush,
    encryption: options.encryption,
    kmsKey: options.kmsKey,
  };
  let repository: RepositoryState | null = await withRetry(
    `ecr:DescribeRepositories ${options.repository}`,
    () => ecr.describeRepository(options.repository),
    retry,
  );
  if (!repository && !options.createRepository) {
    throw new NxDockerError(`The ECR repository ${options.repository} does not exist in ${registryHost}.`, {
      hint: 'Create it (Terraform), or set "createRepository": true.',
    });
  }
  if (!repository)
    log(
      `repository ${options.repository} does not exist: ${options.dryRun ? 'would create' : 'will create'} it (${describeSettings(settings)})`,
    );
  if (repository && options.immutableTags && !repository.immutableTags) {
    log(
      `note: repository ${options.repository} is MUTABLE in ECR; immutableTags is enforced here (no tag moves)`,
    );
  }
  const policy = options.lifecyclePolicyPath ? readPolicy(options.lifecyclePolicyPath) : null;
  if (policy && options.dryRun) log(`would apply the lifecycle policy ${options.lifecyclePolicyPath}`);
  return {
    registryHost,
    repositoryUri: repository?.uri || `${registryHost}/${options.repository}`,
    remote: ecr,
    immutable: options.immutableTags || (repository?.immutableTags ?? false),
    credentials: async () => {
      const authorization = await withRetry(
        'ecr:GetAuthorizationToken',
        () => ecr.authorization(accountId),
        retry,
      );
      secrets.push(authorization.password);
      return authorization;
    },
    prepare: async () => {
      if (!repository) {
        repository = await withRetry(
          `ecr:CreateRepository ${options.repository}`,
          () => ecr.createRepository(options.repository, settings),
          retry,
        );
        log(`created repository ${repository.uri} (${describeSettings(settings)})`);
      }
      if (policy) {
        await withRetry(
          'ecr:PutLifecyclePolicy',
          () => ecr.putLifecyclePolicy(options.repository, policy),
          retry,
        );
        log(`applied lifecycle policy ${options.lifecyclePolicyPath}`);
      }
    },
  };
}

function ociTarget(options: NormalizedEcrPushOptions, secrets: string[]): Target {
  const host = options.registry as string;
  const remember = (credentials: RegistryCredentials | null) => {
    if (credentials) secrets.push(credentials.password);
    return credentials;
  };
  let source: CredentialsSource;
  let login: (() => Promise<RegistryCredentials>) | null = null;
  if (options.credentials.kind === 'env') {
    const { usernameEnv, passwordEnv } = options.credentials;
    // Read at every login, not once: after a refusal the next login takes what the env vars hold then.
    const fromEnv = (): RegistryCredentials => {
      const username = process.env[usernameEnv];
      const password = process.env[passwordEnv];
      if (!username || !password) {
        throw new NxDockerError(
          `The registry credentials are not set: ${[!username && usernameEnv, !password && passwordEnv].filter(Boolean).join(' and ')} ${!username && !password ? 'are' : 'is'} empty.`,
          {
            hint: `Export ${usernameEnv} and ${passwordEnv} (in CI: from the secret store).`,
          },
        );
      }
      return remember({ username, password }) as RegistryCredentials;
    };
    fromEnv(); // before any network call
    source = async () => fromEnv();
    login = async () => fromEnv();
  } else {
    // The docker config as the CLI reads it: credHelpers, credsStore, then auths. docker push uses it itself.
    source = async () => remember(await dockerConfigCredentials(host));
  }
  return {
    registryHost: host,
    repositoryUri: `${host}/${options.repository}`,
    remote: new OciRegistryClient({
      host,
      scheme: options.scheme,
      credentials: source,
      platform: options.platform,
    }),
    immutable: options.immutableTags,
    credentials: login,
    prepare: async () => undefined,
  };
}

function writePushRecord(
  options: NormalizedEcrPushOptions,
  manifest: ImageManifest,
  target: Target,
  outcome: PushOutcome,
): PushRecord {
  const record: PushRecord = {
    version: PUSH_RECORD_VERSION,
    project: options.projectName,
    registry: target.registryHost,
    repositoryUri: target.repositoryUri,
    imageId: manifest.imageId,
    platform: manifest.platform,
    tags: [...outcome.pushed, ...outcome.skipped].map((entry) => entry.tag),
    pushed: outcome.pushed.map((entry) => entry.tag),
    skipped: outcome.skipped.map((entry) => entry.tag),
    digest: outcome.digest,
    imageUri: `${target.repositoryUri}@${outcome.digest}`,
    pushedAt: new Date().toISOString(),
  };
  writeJsonAtomic(join(imageOutputDir(options.workspaceRoot, options.projectName), 'push.json'), record);
  return record;
}

function readPolicy(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
    JSON.parse(text);
  } catch (cause) {
    throw new NxDockerError(`The lifecycle policy ${path} is missing or not valid JSON.`, { cause });
  }
  return text;
}

function describeSettings(settings: {
  immutableTags: boolean;
  scanOnPush: boolean;
  encryption: string;
}): string {
  return `tags ${settings.immutableTags ? 'IMMUTABLE' : 'MUTABLE'}, scan on push ${settings.scanOnPush ? 'on' : 'off'}, encryption ${settings.encryption}`;
}
