import { NxDockerError } from '../errors';
import {
  classifyDockerFailure,
  classifyHttpStatus,
  classifyNetworkFailure,
  lastLine,
  redact,
  TransientError,
  withRetry,
} from './retry';

describe('classifyDockerFailure (stderr of the docker CLI)', () => {
  it.each([
    // Retried: timeouts, connection resets and refusals, 5xx, 429.
    [
      'Error response from daemon: Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
      'transient',
    ],
    ['read tcp 10.0.0.2:41234->52.1.2.3:443: read: connection reset by peer', 'transient'],
    ['received unexpected HTTP status: 503 Service Unavailable', 'transient'],
    ['received unexpected HTTP status: 500 Internal Server Error', 'transient'],
    ['toomanyrequests: You have reached your pull rate limit', 'transient'],
    ['received unexpected HTTP status: 429 Too Many Requests', 'transient'],
    ['net/http: TLS handshake timeout', 'transient'],
    ['Get "https://r.example/v2/": net/http: request canceled (Client.Timeout exceeded)', 'transient'],
    ['Put "https://r.example/v2/app/blobs/uploads/x": EOF', 'transient'],
    // The resolver did not answer (SERVFAIL, a DNS timeout): not an answer about the name.
    ['dial tcp: lookup r.example on 10.0.0.53:53: server misbehaving', 'transient'],
    ['dial tcp: lookup r.example on 10.0.0.53:53: read udp: i/o timeout', 'transient'],
    // Login again, then retry.
    ['no basic auth credentials', 'login-required'],
    ['denied: Your authorization token has expired. Reauthenticate and try again.', 'expired'],
    // One fresh login, then stop.
    [
      'Error response from daemon: login attempt to http://127.0.0.1:55000/v2/ failed with status: 401 Unauthorized',
      'credentials',
    ],
    ['unauthorized: authentication required', 'credentials'],
    // Permanent: fail at once with the cause.
    ['denied: requested access to the resource is denied', 'denied'],
    ['received unexpected HTTP status: 403 Forbidden', 'denied'],
    [
      'Error response from daemon: Get "https://registry.invalid:5000/v2/": dial tcp: lookup registry.invalid on 10.255.255.53:53: no such host',
      'unknown-host',
    ],
    ['getaddrinfo ENOTFOUND registry.invalid', 'unknown-host'],
    ['manifest invalid: manifest invalid', 'other'],
    ['name unknown: repository name not known to registry', 'other'],
    ['received unexpected HTTP status: 400 Bad Request', 'other'],
    ['received unexpected HTTP status: 404 Not Found', 'other'],
    ['tag does not exist: registry.invalid:5000/x/y:1', 'other'],
  ])('%s → %s', (output, kind) => {
    expect(classifyDockerFailure(output)).toBe(kind);
  });
});

describe('classifyNetworkFailure (fetch error codes)', () => {
  it.each([
    ['ECONNREFUSED', 'transient'],
    ['ECONNRESET', 'transient'],
    ['ETIMEDOUT', 'transient'],
    ['TimeoutError', 'transient'],
    ['UND_ERR_CONNECT_TIMEOUT', 'transient'],
    ['UND_ERR_SOCKET', 'transient'],
    ['EAI_AGAIN', 'transient'],
    ['ENOTFOUND', 'unknown-host'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'other'],
    ['EPROTO', 'other'],
    ['EHOSTUNREACH', 'other'],
  ])('%s → %s', (code, kind) => {
    expect(classifyNetworkFailure(code)).toBe(kind);
  });
});

describe('classifyHttpStatus', () => {
  it.each([
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [429, 'transient'],
    [408, 'transient'],
    [401, 'credentials'],
    [403, 'denied'],
    [400, 'other'],
    [405, 'other'],
    [409, 'other'],
    [422, 'other'],
  ])('%i → %s', (status, kind) => {
    expect(classifyHttpStatus(status)).toBe(kind);
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

  it('does not retry other errors (wrong credentials), and logs which attempt it was', async () => {
    const run = jest.fn().mockRejectedValue(new NxDockerError('refused'));
    const log = jest.fn();
    await expect(withRetry('x', run, { retries: 5, minDelayMs: 1, log })).rejects.toThrow('refused');
    expect(run).toHaveBeenCalledTimes(1);
    expect(log.mock.calls).toEqual([['x: attempt 1 of 6 failed, not retried (refused)']]);
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

it('lastLine is the last non-empty line', () => {
  expect(lastLine('a\n  b  \n\n')).toBe('b');
  expect(lastLine('')).toBe('');
});
