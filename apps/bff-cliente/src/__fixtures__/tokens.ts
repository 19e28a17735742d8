import { createHmac } from 'node:crypto';
import type { Config } from '../config';

/** A throw-away key for tests (the smoke test mints its own in the run). */
export const TEST_JWT_SECRET = 'test-only-key-0123456789abcdef-0123456789';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * An HS256 JWT made by hand with node:crypto, not with the library under test: it is what any client that
 * follows the README's token contract would send.
 */
export function mintToken(
  claims: Record<string, unknown>,
  secret = TEST_JWT_SECRET,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature =
    header['alg'] === 'none' ? '' : createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

export const bearer = (claims: Record<string, unknown>, secret?: string) => ({
  authorization: `Bearer ${mintToken(claims, secret)}`,
});

export function testConfig(clienteUrl: string, timeoutMs = 2000): Config {
  return {
    PORT: 0,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SERVICE_NAME: 'bff-cliente',
    SHUTDOWN_TIMEOUT_MS: 1000,
    CLIENTE_SERVICE_URL: clienteUrl,
    UPSTREAM_TIMEOUT_MS: timeoutMs,
    JWT_SECRET: TEST_JWT_SECRET,
  };
}
