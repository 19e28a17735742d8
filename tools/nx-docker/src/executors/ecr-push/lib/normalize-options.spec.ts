import { normalizeOptions } from './normalize-options';

const context = {
  root: '/ws',
  projectName: 'catalogo-service',
  projectsConfigurations: { version: 2, projects: { 'catalogo-service': { root: 'apps/catalogo-service' } } },
};

describe('normalizeOptions', () => {
  it('defaults to ECR of the caller with safe settings', () => {
    expect(normalizeOptions({}, context, { AWS_REGION: 'us-east-1' })).toEqual({
      projectName: 'catalogo-service',
      projectRoot: 'apps/catalogo-service',
      workspaceRoot: '/ws',
      mode: 'ecr',
      registry: null,
      repository: 'catalogo-service',
      region: 'us-east-1',
      awsAccountId: null,
      endpoint: null,
      createRepository: true,
      immutableTags: false,
      scanOnPush: true,
      encryption: 'AES256',
      kmsKey: null,
      lifecyclePolicyPath: null,
      tagTemplates: null,
      version: null,
      platform: 'linux/amd64',
      dryRun: false,
      retries: 4,
      retryDelayMs: 1000,
      pushTimeoutMs: 900000,
      deployManifestPath: '/ws/dist/deploy/images.auto.tfvars.json',
      deployVariable: 'service_images',
      serviceName: 'catalogo-service',
    });
  });

  it('takes account and region from an ECR registry host, endpoint from ECR_ENDPOINT_URL', () => {
    const options = normalizeOptions({ registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' }, context, {
      AWS_REGION: 'us-east-1',
      ECR_ENDPOINT_URL: 'http://127.0.0.1:55500',
    });
    expect(options).toEqual(
      expect.objectContaining({
        mode: 'ecr',
        region: 'eu-west-1',
        awsAccountId: '123456789012',
        endpoint: 'http://127.0.0.1:55500',
      }),
    );
  });

  it('AWS_DEFAULT_REGION is the fallback region; the endpoint option wins over the env', () => {
    const options = normalizeOptions({ endpoint: 'http://moto:5000' }, context, {
      AWS_DEFAULT_REGION: 'sa-east-1',
      ECR_ENDPOINT_URL: 'http://ignored',
    });
    expect(options).toEqual(expect.objectContaining({ region: 'sa-east-1', endpoint: 'http://moto:5000' }));
  });

  it.each([
    ['127.0.0.1:55000', 'http'],
    ['localhost:5000', 'http'],
    ['registry.example.com', 'https'],
    ['http://127.0.0.1:55000/', 'http'],
  ])('OCI registry %s talks %s', (registry, scheme) => {
    const options = normalizeOptions({ registry, usernameEnv: 'U', passwordEnv: 'P' }, context, {
      U: 'user',
      P: 'secret',
    });
    expect(options).toEqual(
      expect.objectContaining({
        mode: 'oci',
        scheme,
        registry: registry.replace(/^http:\/\//, '').replace(/\/$/, ''),
        // The env is read here, once: nothing after normalizeOptions reads process.env.
        credentials: {
          kind: 'env',
          usernameEnv: 'U',
          passwordEnv: 'P',
          username: 'user',
          password: 'secret',
        },
      }),
    );
  });

  it('OCI without credential env vars uses the existing docker config; insecure forces http', () => {
    const options = normalizeOptions({ registry: 'registry.example.com', insecure: true }, context, {});
    expect(options).toEqual(
      expect.objectContaining({ mode: 'oci', credentials: { kind: 'docker-config' }, scheme: 'http' }),
    );
  });

  it('resolves file paths from the workspace root and keeps tag templates', () => {
    const options = normalizeOptions(
      {
        lifecyclePolicy: 'infra/ecr-lifecycle.json',
        deployManifest: 'infra/images.auto.tfvars.json',
        tags: ['{version}', 'latest'],
      },
      context,
      { AWS_REGION: 'us-east-1' },
    );
    expect(options).toEqual(
      expect.objectContaining({
        lifecyclePolicyPath: '/ws/infra/ecr-lifecycle.json',
        deployManifestPath: '/ws/infra/images.auto.tfvars.json',
        tagTemplates: ['{version}', 'latest'],
      }),
    );
  });

  it.each([
    [{}, {}, /needs an AWS region/],
    [{ registryType: 'oci' as const }, {}, /needs the "registry" option/],
    [{ registry: 'r.example.com', usernameEnv: 'U' }, {}, /set both usernameEnv and passwordEnv/],
    [
      { usernameEnv: 'U', passwordEnv: 'P' },
      { AWS_REGION: 'x' },
      /usernameEnv\/passwordEnv are for OCI registries/,
    ],
    [{ retries: -1 }, { AWS_REGION: 'x' }, /retries must be an integer/],
    [{ platform: 'amd64' }, { AWS_REGION: 'x' }, /is not os\/arch/],
    [{ repository: 'Catalogo' }, { AWS_REGION: 'x' }, /must be lowercase/],
    [
      { registry: 'r.example.com', usernameEnv: 'U', passwordEnv: 'P' },
      { U: 'user' },
      /the registry credentials are not set: P is empty/,
    ],
    [
      { registry: 'r.example.com', usernameEnv: 'U', passwordEnv: 'P' },
      {},
      /the registry credentials are not set: U and P are empty/,
    ],
  ])('refuses %j', (raw, env, message) => {
    expect(() => normalizeOptions(raw, context, env)).toThrow(message);
  });
});
