import type { FastifyInstance } from 'fastify';
import { createApp } from '../app/create-app';
import { healthPlugin } from './health.plugin';

describe('healthPlugin', () => {
  let app: FastifyInstance;
  let databaseUp: boolean;

  beforeEach(async () => {
    databaseUp = true;
    app = createApp({ LOG_LEVEL: 'silent', SERVICE_NAME: 'test' });
    await app.register(healthPlugin, {
      livenessPaths: ['/api/health', '/api/cliente/health'],
      readinessPaths: ['/api/ready'],
      checkTimeoutMs: 200,
      checks: {
        database: async () => {
          if (!databaseUp) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        },
        cache: async () => undefined,
      },
    });
    await app.ready();
  });

  afterEach(() => app.close());

  it.each(['/api/health', '/api/cliente/health'])('%s answers while the process is up', async (url) => {
    databaseUp = false;
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok' });
  });

  it('is ready when every check passes', async () => {
    const response = await app.inject({ url: '/api/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', down: [], checks: { database: { status: 'up' } } });
  });

  it('answers 503 naming what is down', async () => {
    databaseUp = false;
    const response = await app.inject({ url: '/api/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'unavailable',
      down: ['database'],
      checks: {
        database: { status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:5432' },
        cache: { status: 'up', latencyMs: expect.any(Number) },
      },
    });
  });

  it('counts a hanging check as down', async () => {
    const slow = createApp({ LOG_LEVEL: 'silent', SERVICE_NAME: 'test' });
    await slow.register(healthPlugin, {
      livenessPaths: [],
      readinessPaths: ['/ready'],
      checkTimeoutMs: 50,
      checks: { upstream: () => new Promise((resolve) => setTimeout(resolve, 1000)) },
    });
    try {
      const response = await slow.inject({ url: '/ready' });
      expect(response.statusCode).toBe(503);
      expect(response.json().checks.upstream).toEqual({ status: 'down', error: 'no answer within 50 ms' });
    } finally {
      await slow.close();
    }
  });
});
