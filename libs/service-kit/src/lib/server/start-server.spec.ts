import { join } from 'node:path';
import { spawnService, type ServiceProcess } from '../testing/service-process';

describe('startServer (real process)', () => {
  let service: ServiceProcess | undefined;

  afterEach(async () => {
    await service?.stop('SIGKILL');
    service = undefined;
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s finishes the in-flight request, refuses new ones, closes and exits 0',
    async (signal) => {
      service = await spawnService({
        entry: join(__dirname, '__fixtures__/slow-app.ts'),
        env: { SLOW_MS: '1500' },
        healthPath: '/health',
      });
      const inFlight = fetch(`${service.url}/slow`);
      await service.waitForLog((line) => (line['req'] as { url?: string } | undefined)?.url === '/slow');
      const started = Date.now();
      service.child.kill(signal);

      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ done: true });
      const code = await service.exited;
      expect({ code, output: code === 0 ? '' : service.output() }).toEqual({ code: 0, output: '' });
      // SLOW_MS is 1500: the process waited for the request, then closed at once (slack for a loaded CI box).
      expect(Date.now() - started).toBeLessThan(6000);
      await expect(fetch(`${service.url}/health`)).rejects.toThrow();

      const messages = service.logs().map((line) => line['msg']);
      expect(messages).toEqual(expect.arrayContaining(['shutting down', 'pool closed', 'server closed']));
      expect(service.logs().find((line) => line['msg'] === 'shutting down')).toMatchObject({ signal });
    },
  );

  it('exits 1 with one JSON line naming the bad variable', async () => {
    service = await spawnService({
      entry: join(__dirname, '__fixtures__/slow-app.ts'),
      env: { PORT: 'abc' },
    });
    await expect(service.exited).resolves.toBe(1);
    expect(service.logs()).toEqual([
      expect.objectContaining({
        level: 60,
        msg: 'startup failed: Invalid configuration: env/PORT must be integer',
      }),
    ]);
  });
});
