import { builderOf, chooseBuilder, ClientProbe, clientVersionOf, engineOf } from './detect-builder';

// Output captured on this machine (docker 28.2.2 in /usr/local/bin, Debian's 20.10.24 in /usr/bin,
// engine 20.10.24) and from Docker's docs for a client with the buildx plugin.
const SERVER = '"Server":{"Version":"20.10.24+dfsg1","ApiVersion":"1.41","MinAPIVersion":"1.12"}';
const versionJson = (client: string) =>
  `{"Client":{"Version":"${client}","ApiVersion":"1.41","Os":"linux","Arch":"amd64","Context":"default"},${SERVER}}`;
const NO_BUILDX_28 = {
  exitCode: 1,
  stdout: '',
  stderr: "docker: unknown command: docker buildx\n\nRun 'docker --help' for more information",
};
const NO_BUILDX_20 = {
  exitCode: 1,
  stdout: '',
  stderr: "docker: 'buildx' is not a docker command.\nSee 'docker --help'",
};
const BUILDX = {
  exitCode: 0,
  stdout: 'github.com/docker/buildx v0.24.0 d0e5e86c8b88ae4865040bc96917c338f4dd673c',
  stderr: '',
};

// `docker buildx inspect` of buildx 0.13.1 on Docker 26.1.5 (the default builder).
const BUILDX_INSPECT = {
  exitCode: 0,
  stdout: 'Name:          default\nDriver:        docker\nLast Activity: 2026-12-01 22:07:58 +0000 UTC\n',
  stderr: '',
};

const probe = (binary: string, buildx: ClientProbe['buildx'], client: string | null): ClientProbe => ({
  binary,
  buildx,
  version: client
    ? { exitCode: 0, stdout: versionJson(client), stderr: '' }
    : { exitCode: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon' },
  driverStatus: { exitCode: 0, stdout: '[["Backing Filesystem","extfs"]]', stderr: '' },
  buildxInspect:
    buildx.exitCode === 0 ? BUILDX_INSPECT : { exitCode: 1, stdout: '', stderr: 'unknown command' },
});

const usrLocal = probe('docker', NO_BUILDX_28, '28.2.2');
const debian = probe('/usr/bin/docker', NO_BUILDX_20, '20.10.24+dfsg1');
const withBuildx = probe('docker', BUILDX, '28.2.2');

describe('builderOf', () => {
  it.each<[string, ClientProbe, string, RegExp]>([
    ['client with the buildx plugin', withBuildx, 'buildx', /buildx 0\.24\.0/],
    ['Debian 20.10 client: BuildKit built in', debian, 'buildkit', /20\.10\.24\+dfsg1 has BuildKit built in/],
    [
      '28.2 client without buildx',
      usrLocal,
      'legacy',
      /no buildx plugin, which BuildKit needs from client 23 on/,
    ],
    ['22.06 client', probe('docker', NO_BUILDX_20, '22.06.0-beta.0'), 'buildkit', /built in/],
    ['18.09 client', probe('docker', NO_BUILDX_20, '18.09.1'), 'buildkit', /built in/],
    ['18.06 client', probe('docker', NO_BUILDX_20, '18.06.3-ce'), 'legacy', /predates BuildKit/],
    ['23.0 client without buildx', probe('docker', NO_BUILDX_28, '23.0.0'), 'legacy', /no buildx plugin/],
    ['no version output', probe('docker', NO_BUILDX_28, null), 'legacy', /client version unknown/],
  ])('%s → %s', (_name, input, kind, detail) => {
    const result = builderOf(input);
    expect(result.kind).toBe(kind);
    expect(result.detail).toMatch(detail);
  });

  it('needs a daemon of 18.09 or later for BuildKit', () => {
    const old = probe('docker', NO_BUILDX_20, '20.10.0');
    old.version.stdout = old.version.stdout.replace('20.10.24+dfsg1', '17.12.1-ce');
    expect(builderOf(old)).toMatchObject({
      kind: 'legacy',
      detail: 'daemon 17.12.1-ce is too old for BuildKit',
    });
  });
});

describe('chooseBuilder', () => {
  it("uses the one client it is given: Debian's 20.10 has BuildKit built in", () => {
    const choice = chooseBuilder(debian);
    expect(choice).toMatchObject({ kind: 'buildkit', binary: '/usr/bin/docker', warning: null });
    expect(choice.reason).toBe(
      'BuildKit (DOCKER_BUILDKIT=1 docker build) with /usr/bin/docker: client 20.10.24+dfsg1 has BuildKit built in.',
    );
  });

  it('buildx when the client has the plugin', () => {
    expect(chooseBuilder(withBuildx)).toMatchObject({ kind: 'buildx', binary: 'docker', warning: null });
  });

  it('a client with neither buildx nor BuildKit builds with the legacy builder, and the warning says both fixes', () => {
    const choice = chooseBuilder(usrLocal);
    expect(choice).toMatchObject({ kind: 'legacy', binary: 'docker' });
    expect(choice.warning).toMatch(
      /deprecated legacy builder \(client 28\.2\.2 has no buildx plugin.*\): .*Install the buildx plugin, or point NX_DOCKER_BINARY \(or the dockerBinary option\) at a client with BuildKit\.$/,
    );
  });
});

describe('clientVersionOf', () => {
  it.each([
    [versionJson('28.2.2'), '28.2.2'],
    ['warning: something\n' + versionJson('20.10.24+dfsg1'), '20.10.24+dfsg1'],
    ['not json', null],
    ['{"Client":{}}', null],
  ])('%s → %s', (text, version) => {
    expect(clientVersionOf(text)).toBe(version);
  });
});

describe('engineOf', () => {
  it('reads the image store, places the BuildKit and reads buildx driver', () => {
    const modern: ClientProbe = {
      ...withBuildx,
      version: {
        exitCode: 0,
        stdout: '{"Client":{"Version":"26.1.5"},"Server":{"Version":"26.1.5+dfsg1"}}',
        stderr: '',
      },
      driverStatus: { exitCode: 0, stdout: '[["driver-type","io.containerd.snapshotter.v1"]]', stderr: '' },
    };
    expect(engineOf(modern)).toEqual({
      serverVersion: '26.1.5+dfsg1',
      store: 'containerd',
      buildkit: '0.13',
      buildxDriver: 'docker',
    });
    expect(
      engineOf({
        ...modern,
        buildxInspect: { ...BUILDX_INSPECT, stdout: 'Name: ci\nDriver:        docker-container\n' },
      }).buildxDriver,
    ).toBe('docker-container');
    expect(engineOf(debian)).toEqual({
      serverVersion: '20.10.24+dfsg1',
      store: 'classic',
      buildkit: '0.8',
      buildxDriver: null,
    });
  });
});
