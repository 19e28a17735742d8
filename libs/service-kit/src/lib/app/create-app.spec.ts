import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors/http-error';
import { createApp, DEFAULT_BODY_LIMIT } from './create-app';

describe('createApp', () => {
  let app: FastifyInstance;

  beforeEach(async () => {
    app = createApp({ LOG_LEVEL: 'silent', SERVICE_NAME: 'test' });
    app.post(
      '/items',
      {
        schema: {
          body: {
            type: 'object',
            required: ['name', 'price'],
            additionalProperties: false,
            properties: { name: { type: 'string', minLength: 1 }, price: { type: 'number', minimum: 0 } },
          },
        },
      },
      async () => ({ ok: true }),
    );
    app.get(
      '/page/:id',
      {
        schema: {
          params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 100 } } },
          querystring: {
            type: 'object',
            properties: { offset: { type: 'integer', minimum: 0, maximum: 1000 } },
          },
        },
      },
      async () => ({ ok: true }),
    );
    app.get('/teapot', async () => {
      throw new HttpError(418, 'TEAPOT', 'I am a teapot', { hint: 'brew' });
    });
    app.get('/boom', async () => {
      throw new Error('secret internals');
    });
    await app.ready();
  });

  afterEach(() => app.close());

  it('gives every response a request id, keeping a sane incoming one', async () => {
    const generated = await app.inject({ url: '/teapot' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await app.inject({ url: '/teapot', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await app.inject({ url: '/teapot', headers: { 'x-request-id': 'bad id\nforged' } });
    expect(replaced.headers['x-request-id']).not.toContain('forged');
  });

  it('reports every field error of a bad body as 400', async () => {
    const response = await app.inject({ method: 'POST', url: '/items', payload: { price: -1, extra: 1 } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'The request is not valid',
      fields: expect.arrayContaining([
        { field: 'body.name', message: "must have required property 'name'" },
        { field: 'body.price', message: 'must be >= 0' },
        { field: 'body.extra', message: 'must NOT have additional properties' },
      ]),
    });
  });

  it('answers malformed JSON with 400 JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('FST_ERR_CTP_INVALID_JSON_BODY');
  });

  it('maps HttpError to its status and JSON body', async () => {
    const response = await app.inject({ url: '/teapot' });
    expect(response.statusCode).toBe(418);
    expect(response.json()).toEqual({
      error: { code: 'TEAPOT', message: 'I am a teapot', hint: 'brew' },
      requestId: response.headers['x-request-id'],
    });
  });

  it('hides unexpected errors behind a 500', async () => {
    const response = await app.inject({ url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(response.json().error.code).toBe('INTERNAL_ERROR');
  });

  it('answers unknown routes with 404 JSON', async () => {
    const response = await app.inject({ url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toEqual({ code: 'NOT_FOUND', message: 'Route GET /nope not found' });
  });

  // Ajv 8 coerces '1e309' to Infinity after its type check and skips maximum for it: createApp catches it.
  it.each([
    ['/page/1e309', 'params.id'],
    ['/page/1?offset=1e309', 'querystring.offset'],
    ['/page/1?offset=-1e309', 'querystring.offset'],
  ])('answers 400 naming the field when %s overflows to Infinity', async (url, field) => {
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([{ field, message: 'must be a finite number' }]);
  });

  it('refuses a string that coerces to Infinity in a JSON body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/items',
      payload: { name: 'x', price: '1e309' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([
      { field: 'body.price', message: 'must be a finite number' },
    ]);
  });

  it('refuses a body over 64 KiB with 413 JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/items',
      payload: { name: 'x'.repeat(DEFAULT_BODY_LIMIT), price: 1 },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
  });
});
