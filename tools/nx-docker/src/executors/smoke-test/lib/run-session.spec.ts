import { runDocker } from '../../../lib/docker/docker';
import { RunSession } from './run-session';

jest.mock('../../../lib/docker/docker', () => ({
  ...jest.requireActual('../../../lib/docker/docker'),
  runDocker: jest.fn(),
}));

const ok = (stdout = '') => ({
  command: 'docker',
  exitCode: 0,
  stdout,
  stderr: '',
  durationMs: 1,
  failed: false,
});

describe('RunSession', () => {
  afterEach(() => jest.resetAllMocks());

  it('labels the run and removes what it tracked by name, once; nothing else to sweep', async () => {
    const calls: string[][] = [];
    jest.mocked(runDocker).mockImplementation(async (args) => {
      calls.push(args);
      return ok();
    });
    const session = new RunSession({ 'ventas.test': '1' }, 'r1');
    expect(session.labels).toEqual({ 'ventas.test': '1', 'ventas.smoke': 'r1' });
    session.trackNetwork('smoke-x-r1-net');
    session.trackContainer('smoke-x-r1-db');
    session.trackContainer('smoke-x-r1-app');

    const first = session.cleanup();
    expect(session.cleanup()).toBe(first);
    await expect(first).resolves.toEqual({
      containers: ['smoke-x-r1-db', 'smoke-x-r1-app'],
      networks: ['smoke-x-r1-net'],
    });
    expect(calls).toEqual([
      ['rm', '--force', '--volumes', 'smoke-x-r1-db', 'smoke-x-r1-app'],
      ['network', 'rm', 'smoke-x-r1-net'],
    ]);
  });

  const SWEEP = [
    ['ps', '--all', '--quiet', '--filter', 'label=ventas.smoke=r1'],
    ['network', 'ls', '--quiet', '--filter', 'label=ventas.smoke=r1'],
    ['rm', '--force', '--volumes', 'abc123'],
  ];

  it('sweeps by label after a docker run that was cut short: its container may land after the removal', async () => {
    const calls: string[][] = [];
    jest.mocked(runDocker).mockImplementation(async (args) => {
      calls.push(args);
      if (args[0] === 'run')
        return { ...ok(), exitCode: -1, failed: true, stderr: 'timed out after 5000 ms' };
      if (args[0] === 'ps') return ok('abc123\n');
      return ok();
    });
    const session = new RunSession({}, 'r1');
    session.trackContainer('smoke-x-r1-db');
    await session.docker(['run', '--detach', '--name', 'smoke-x-r1-db', 'img'], { reject: false });
    await session.cleanup();
    expect(calls.slice(2)).toEqual(SWEEP);
  });

  it('sweeps by label when a removal by name failed', async () => {
    const calls: string[][] = [];
    jest.mocked(runDocker).mockImplementation(async (args) => {
      calls.push(args);
      if (args[0] === 'rm' && calls.length === 1) return { ...ok(), exitCode: 1, failed: true };
      if (args[0] === 'ps') return ok('abc123\n');
      return ok();
    });
    const session = new RunSession({}, 'r1');
    session.trackContainer('smoke-x-r1-db');
    await session.cleanup();
    expect(calls.slice(1)).toEqual(SWEEP);
  });

  it('waits for a docker command in flight before removing, and refuses new ones once interrupted', async () => {
    let finishRun: () => void = () => undefined;
    const order: string[] = [];
    jest.mocked(runDocker).mockImplementation(async (args) => {
      if (args[0] === 'run') {
        await new Promise<void>((resolve) => (finishRun = resolve));
        order.push('run finished');
      } else {
        order.push(args.slice(0, 2).join(' '));
      }
      return ok();
    });
    const session = new RunSession({}, 'r2');
    session.trackContainer('c');
    const running = session.docker(['run', '--detach', '--name', 'c', 'img']);
    const cleaning = session.cleanup();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    finishRun();
    await running;
    await cleaning;
    expect(order[0]).toBe('run finished');
    expect(order).toContain('rm --force');

    const interrupted = new RunSession({}, 'r3');
    (interrupted as unknown as { controller: AbortController }).controller.abort(
      new Error('interrupted by SIGINT'),
    );
    expect(() => interrupted.docker(['ps'])).toThrow('interrupted by SIGINT');
  });

  it('installs and removes its signal handlers', () => {
    const before = process.listenerCount('SIGTERM');
    const session = new RunSession();
    session.installSignalHandlers(() => undefined);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    session.removeSignalHandlers();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
