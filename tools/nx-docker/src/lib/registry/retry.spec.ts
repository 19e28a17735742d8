import { NxDockerError } from '../errors';
import { classifyDockerFailure, redact, TransientError, withRetry } from './retry';

describe('classifyDockerFailure', () => {
  it.each([
    [
      'Error response from daemon: Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
      'transient',
    ],
    ['received unexpected HTTP status: 503 Service Unavailable', 'transient'],
    ['net/http: TLS handshake timeout', 'transient'],
    ['no basic auth credentials', 'transient'],
    [
      'Error response from daemon: login attempt to http://127.0.0.1:55000/v2/ failed with status: 401 Unauthorized',
      'credentials',
    ],
    ['unauthorized: authentication required', 'credentials'],
    ['denied: requested access to the resource is denied', 'credentials'],
    ['denied: Your authorization token has expired. Reauthenticate and try again.', 'expired'],
    ['manifest invalid', 'other'],
  ])('%s → %s', (output, kind) => {
    expect(classifyDockerFailure(output)).toBe(kind);
  });
});

describe('withRetry', () => {
  it('retries transient failures, bounded, then one clear error', async () => {
    const run = jest.fn().mockRejectedValue(new TransientError('connection refused'));
    const log = jest.fn();
    const error = (await withRetry('docker login r', run, { retries: 2, minDelayMs: 1, log }).catch(
      (e: Error) => e,
    )) as Error;
    expect(run).toHaveBeenCalledTimes(3);
    expect(error).toBeInstanceOf(NxDockerError);
    expect(error.message).toMatch(/^docker login r failed after 3 attempts: connection refused/);
    expect(log).toHaveBeenCalledTimes(2);
  });

  it('does not retry other errors (wrong credentials)', async () => {
    const run = jest.fn().mockRejectedValue(new NxDockerError('refused'));
    await expect(withRetry('x', run, { retries: 5, minDelayMs: 1 })).rejects.toThrow('refused');
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('returns the first success and calls beforeRetry between attempts', async () => {
    const run = jest
      .fn()
      .mockRejectedValueOnce(new TransientError('no basic auth credentials'))
      .mockResolvedValue('ok');
    const beforeRetry = jest.fn().mockResolvedValue(undefined);
    await expect(withRetry('x', run, { retries: 3, minDelayMs: 1, beforeRetry })).resolves.toBe('ok');
    expect(beforeRetry).toHaveBeenCalledTimes(1);
  });
});

it('redact removes every secret', () => {
  expect(redact('user:hunter22 and hunter22', ['hunter22', undefined, ''])).toBe('user:*** and ***');
});
