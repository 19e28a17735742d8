import { ContainerActivity } from './activity';

/** A stand-in for `docker logs --follow`: the spec prints and ends it. */
function fakeFollow() {
  const follow = {
    args: [] as string[],
    print: () => undefined as void,
    end: () => undefined as void,
    stopped: false,
  };
  const session = {
    follow: (args: string[], onOutput: () => void) => {
      follow.args = args;
      follow.print = onOutput;
      let end!: () => void;
      const ended = new Promise<void>((resolve) => (end = resolve));
      follow.end = end;
      return {
        ended,
        stop: () => {
          follow.stopped = true;
          end();
        },
      };
    },
  };
  return { follow, session };
}

describe('ContainerActivity', () => {
  it('follows only new output of the container', () => {
    const { follow, session } = fakeFollow();
    new ContainerActivity(session, 'smoke-x-db');
    expect(follow.args).toEqual(['logs', '--follow', '--tail', '0', 'smoke-x-db']);
  });

  it('answers quiet after the whole wait when nothing was printed', async () => {
    const { session } = fakeFollow();
    const activity = new ContainerActivity(session, 'c');
    const started = Date.now();
    await expect(activity.next(50)).resolves.toBe('quiet');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('wakes at once on output, and reports output printed before the call once', async () => {
    const { follow, session } = fakeFollow();
    const activity = new ContainerActivity(session, 'c');
    const started = Date.now();
    setTimeout(() => follow.print(), 10);
    await expect(activity.next(5000)).resolves.toBe('output');
    expect(Date.now() - started).toBeLessThan(1000);
    follow.print();
    await expect(activity.next(5000)).resolves.toBe('output');
    await expect(activity.next(10)).resolves.toBe('quiet');
  });

  it('reports the end of the stream at once, then only after each whole wait', async () => {
    const { follow, session } = fakeFollow();
    const activity = new ContainerActivity(session, 'c');
    setTimeout(() => follow.end(), 10);
    await expect(activity.next(5000)).resolves.toBe('ended');
    const started = Date.now();
    await expect(activity.next(50)).resolves.toBe('ended');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('stops its follower, and an interrupted wait throws', async () => {
    const { follow, session } = fakeFollow();
    const activity = new ContainerActivity(session, 'c');
    const controller = new AbortController();
    const waiting = activity.next(60_000, controller.signal);
    controller.abort(new Error('interrupted by SIGINT'));
    await expect(waiting).rejects.toThrow('interrupted by SIGINT');
    activity.stop();
    expect(follow.stopped).toBe(true);
  });
});
